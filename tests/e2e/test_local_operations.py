"""The console's operations panel and `syndicate digests --endpoint`: a paused run, shown and resumed."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator

import pytest

from syndicate_dev.delivery import adds_up
from tests.e2e import flows
from tests.e2e.conftest import REPO, checkout_environment
from tests.support import events

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def syndicate(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "syndicate_dev.cli", *args],
        cwd=REPO,
        env=checkout_environment(),
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def account_under_review(local_stack) -> Iterator[None]:
    """SES says the account is under review; afterwards it is healthy and sending resumed again."""
    assert local_stack.console("POST", "/ses/account", body={"enforcement_status": "PROBATION"}).status == 200
    yield
    local_stack.console("POST", "/ses/account", body={"enforcement_status": "HEALTHY"})
    local_stack.console("POST", "/operations/resume")
    flows.drain_queues(local_stack)


def test_a_paused_digest_run_is_shown_with_its_reason_and_resumed_by_the_button(local_stack, account_under_review):
    reader = flows.new_reader()
    flows.subscribe_and_confirm(local_stack, reader)
    assert (
        local_stack.call("POST", "/articles", body=flows.published_now(events.article("photo-of-the-day"))).status
        == 201
    )
    flows.run_schedule(local_stack, "render-feeds")
    flows.next_second(local_stack)

    run = flows.run_schedule(local_stack, "daily-digest")
    mailed_while_paused = [m["subject"] for m in flows.emails_to(local_stack, reader)]
    paused = local_stack.console("GET", "/operations.json").json
    page = local_stack.console("GET", "/").body
    printed = syndicate("digests", "report", "--endpoint", local_stack.base_url)
    pressed = local_stack.call(
        "POST", f"{local_stack.base_url}/_local/operations/resume", raw_body=b"", key=None, headers=FORM
    )
    flows.drain_queues(local_stack)
    resumed = local_stack.console("GET", "/operations.json").json

    assert "PROBATION" in run["result"]["paused"]
    assert not any("digest" in subject for subject in mailed_while_paused), mailed_while_paused  # sign-up mail only
    assert paused["sending"]["paused"] and paused["editions"][0]["paused"] >= 1
    assert "Digests are paused" in page and 'action="/_local/operations/resume"' in page
    assert printed.returncode == 0 and printed.stdout.startswith("Sending: PAUSED"), printed.stderr
    assert pressed.status == 200 and "Sending resumed: " in pressed.body  # the page, after the redirect
    assert [m["subject"] for m in flows.emails_to(local_stack, reader)][-1].startswith("Syndicate daily digest")
    assert not resumed["sending"]["paused"] and all(adds_up(edition) for edition in resumed["editions"])
    assert resumed["editions"][0]["paused"] == 0
    assert resumed["last_render"]["function"] == "RenderFeedsFunction"
    assert "DigestDeadLetterQueue" in resumed["dead_letter_queues"]


def test_the_report_over_the_endpoint_prints_json_that_adds_up(local_stack):
    done = syndicate("digests", "report", "--json", "--endpoint", local_stack.base_url)

    report = json.loads(done.stdout)
    assert done.returncode == 0, done.stderr
    assert all(adds_up(edition) for edition in report["editions"])


def test_an_account_change_the_model_cannot_hold_is_refused(local_stack):
    answer = local_stack.console("POST", "/ses/account", body={"enforcement_status": "FINE"})

    assert answer.status == 400 and "enforcement_status" in answer.json["detail"]
