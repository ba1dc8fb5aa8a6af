"""What `syndicate local` shows people: one short line per request and per invocation on the
terminal; the functions' structured logs in the console (by function) and in one file each."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.support import events

TIME = r"\d\d:\d\d:\d\d"


def publish(local_stack) -> dict:
    created = local_stack.call("POST", "/articles", body=events.article("ocean-heatwave-explainer"))
    assert created.status == 201, created.body
    return created.json


def test_a_request_prints_one_line_and_its_invocations_one_each_under_it(local_stack):
    start = len(local_stack.output.lines)

    publish(local_stack)

    (invocation,) = local_stack.output.wait_for(r"^ +-> ArticlesApiFunction ok \d+ ms$", after=start)
    printed = local_stack.output.lines[start:]
    request = printed.index(invocation) - 1
    while printed[request].lstrip().startswith("->"):  # the authorizer's line, when it was not cached
        request -= 1
    assert re.fullmatch(rf"{TIME} POST /dev/articles 201 \d+ ms", printed[request])


def test_the_functions_json_logs_stay_off_the_terminal(local_stack):
    start = len(local_stack.output.lines)

    publish(local_stack)
    local_stack.output.wait_for(r"POST /dev/articles 201", after=start)

    printed = local_stack.output.lines[start:]
    assert [line for line in printed if line.lstrip().startswith("{")] == []


def test_the_console_has_each_functions_log_lines_filtered_by_function(local_stack):
    publish(local_stack)

    lines = local_stack.console("GET", "/logs.json?function=ArticlesApiFunction").json

    assert lines
    assert {line["function"] for line in lines} == {"ArticlesApiFunction"}
    assert any(json.loads(line["text"]).get("ArticlesPublished") == [1.0] for line in lines)  # its metrics line


def test_each_function_logs_to_its_own_file_under_the_log_directory(local_stack):
    publish(local_stack)

    path = Path(local_stack.description["log_dir"]) / "ArticlesApiFunction.log"
    written = path.read_text(encoding="utf-8").splitlines()

    shown = [line["text"] for line in local_stack.console("GET", "/logs.json?function=ArticlesApiFunction").json]
    assert written[-len(shown) :] == shown


def test_the_console_page_shows_the_chosen_functions_logs(local_stack):
    publish(local_stack)

    page = local_stack.call("GET", f"{local_stack.base_url}/_local/?function=ArticlesApiFunction", key=None)

    assert page.status == 200
    assert '<option value="ArticlesApiFunction" selected>' in page.body
    assert "ArticlesPublished" in page.body


def test_query_values_are_not_printed_since_they_may_be_tokens(local_stack):
    start = len(local_stack.output.lines)

    local_stack.call("GET", "/subscriptions/confirm?token=aSecretLookingToken", key=None)

    (line,) = local_stack.output.wait_for(r"GET /dev/subscriptions/confirm", after=start)
    assert "?token=… " in line
    assert not [printed for printed in local_stack.output.lines[start:] if "aSecretLookingToken" in printed]
