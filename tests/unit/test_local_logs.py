"""The functions' own output: off the terminal, kept per function, in a file each."""

from __future__ import annotations

import json
import logging
import sys
import threading
from collections.abc import Iterator

import pytest

from syndicate_dev.local.logs import FunctionLogs
from syndicate_dev.local.runtime import Invocation


@pytest.fixture
def logs(tmp_path) -> Iterator[FunctionLogs]:
    kept = FunctionLogs(tmp_path / "logs")
    kept.start()
    yield kept
    kept.stop()


def run(logs: FunctionLogs, function: str, body) -> None:
    """What the runtime does around an invocation."""
    logs.invocation_started(function, f"req-{function}")
    try:
        body()
    finally:
        logs.invocation_finished(Invocation(function, f"req-{function}", 1.0))


def test_what_a_function_prints_is_kept_as_its_log_lines_with_their_level(logs):
    run(logs, "ArticlesApiFunction", lambda: print(json.dumps({"level": "INFO", "message": "stored"})))
    run(logs, "RenderFeedsFunction", lambda: print("plain text", file=sys.stderr))

    (api,) = logs.lines("ArticlesApiFunction")
    (render,) = logs.lines("RenderFeedsFunction")
    assert (api.function, api.request_id, api.level, json.loads(api.text)) == (
        "ArticlesApiFunction",
        "req-ArticlesApiFunction",
        "INFO",
        {"level": "INFO", "message": "stored"},
    )
    assert (render.level, render.text) == (None, "plain text")
    assert [line.function for line in logs.lines()] == ["ArticlesApiFunction", "RenderFeedsFunction"]


def test_each_function_has_its_own_file(logs):
    run(logs, "ArticlesApiFunction", lambda: print("one\ntwo"))

    assert (logs.directory / "ArticlesApiFunction.log").read_text(encoding="utf-8") == "one\ntwo\n"


def test_other_threads_write_through_while_a_function_runs(logs, capsys):
    def body() -> None:
        elsewhere = threading.Thread(target=print, args=("the server's own line",))
        elsewhere.start()
        elsewhere.join()
        print("the function's line")

    run(logs, "ArticlesApiFunction", body)

    assert [line.text for line in logs.lines()] == ["the function's line"]
    assert "the server's own line" in capsys.readouterr().out


def test_a_log_handler_made_before_the_stack_started_is_routed_too(tmp_path):
    earlier = logging.getLogger("made-before-the-stack")
    handler = logging.StreamHandler(sys.stderr)
    earlier.addHandler(handler)
    logs = FunctionLogs(tmp_path)
    logs.start()
    try:
        run(logs, "ArticlesApiFunction", lambda: earlier.error("from a handler made earlier"))
    finally:
        logs.stop()
        earlier.removeHandler(handler)

    assert [line.text for line in logs.lines()] == ["from a handler made earlier"]
    assert handler.stream is sys.stderr  # given back when the last stack stopped


def test_lines_are_the_newest_first_limited_and_echoed_when_verbose(tmp_path):
    echoed: list[str] = []
    logs = FunctionLogs(None, keep=3, echo=echoed.append)
    logs.start()
    try:
        run(logs, "F", lambda: print("\n".join(str(n) for n in range(5))))
    finally:
        logs.stop()

    assert [line.text for line in logs.lines()] == ["2", "3", "4"]
    assert [line.text for line in logs.lines(limit=1)] == ["4"]
    assert echoed == [f"  F | {n}" for n in range(5)]
