"""What a digest run tells CloudWatch for the alarms: that it completed (per cadence), and how much
of SES's 24-hour quota its recipients will use, from one GetAccount call per run."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.awsrequest import AWSResponse

from syndicate.adapters.clients import client
from tests.support import events
from tests.support.logs import json_lines

SPACE = events.article("photo-of-the-day")


def emitted(text: str, name: str) -> list[tuple[float, dict[str, str]]]:
    """(value, dimensions but the service) of each EMF document that carries metric ``name``.

    Every document has the ``service`` dimension (POWERTOOLS_SERVICE_NAME); its value is whatever
    this test process had when Powertools first read it, so only its presence is checked."""
    found = []
    for document in json_lines(text):
        directives = (document.get("_aws") or {}).get("CloudWatchMetrics") or []
        for directive in directives:
            if any(metric["Name"] == name for metric in directive["Metrics"]):
                assert directive["Namespace"] == "Syndicate"
                (dimension_names,) = directive["Dimensions"]
                assert "service" in dimension_names
                value = document[name]
                found.append(
                    (
                        sum(value) if isinstance(value, list) else value,
                        {key: document[key] for key in dimension_names if key != "service"},
                    )
                )
    return found


@pytest.fixture
def readers(world, clock):
    clock.set("2025-12-17T06:00:00Z")
    world.subscribed("one@example.com")
    world.subscribed("two@example.com")
    clock.set("2025-12-17T10:00:00Z")
    world.publish(SPACE)


class GetAccountCalls:
    """Counts SES v2 GetAccount calls; answers them with ``refusal`` (code, status) when set."""

    def __init__(self, refusal: tuple[str, int] | None = None) -> None:
        self.calls = 0
        self.refusal = refusal

    def __call__(self, **_: Any) -> Any:
        self.calls += 1
        if self.refusal is None:
            return None
        code, status = self.refusal
        response = AWSResponse("https://email.us-east-1.amazonaws.com", status, {}, None)  # type: ignore[arg-type]
        return response, {"Error": {"Code": code, "Message": "refused"}, "ResponseMetadata": {"HTTPStatusCode": status}}


def watch_get_account(functions, refusal: tuple[str, int] | None = None) -> GetAccountCalls:
    functions.activate("ScheduleDigestsFunction")
    counter = GetAccountCalls(refusal)
    client("sesv2").meta.events.register_first("before-call.sesv2.GetAccount", counter)
    return counter


def test_a_completed_run_is_counted_once_under_its_cadence(world, readers, output):
    world.run_schedule("daily", at="2025-12-18T07:00:00Z")
    world.run_schedule("weekly", at="2025-12-22T07:00:00Z")

    completed = emitted(output.text(), "DigestRunCompleted")

    assert completed == [
        (1.0, {"cadence": "daily"}),
        (1.0, {"cadence": "weekly"}),
    ]


def test_the_runs_other_metrics_keep_their_dimensions(world, readers, output):
    world.run_schedule("daily", at="2025-12-18T07:00:00Z")

    assert emitted(output.text(), "DigestRecipientsQueued") == [(2.0, {})]


def test_a_failed_run_is_not_counted_as_completed(world, readers, output, monkeypatch):
    from syndicate import dependencies

    world.functions.activate("ScheduleDigestsFunction")
    scheduler = dependencies.digest_scheduler()

    def broken(*_: Any) -> Any:
        raise RuntimeError("the run failed")

    monkeypatch.setattr(scheduler, "run", broken)
    monkeypatch.setattr(dependencies, "digest_scheduler", lambda: scheduler)

    with pytest.raises(RuntimeError):
        world.run_schedule("daily", at="2025-12-18T07:00:00Z")

    assert emitted(output.text(), "DigestRunCompleted") == []


def test_the_run_reports_the_quota_its_recipients_will_use_from_one_get_account_call(world, readers, output):
    world.functions.activate("ScheduleDigestsFunction")
    quota = client("sesv2").get_account()["SendQuota"]  # what SES says it has sent so far
    calls = watch_get_account(world.functions)

    report = world.run_schedule("daily", at="2025-12-18T07:00:00Z")

    expected = 100 * (quota["SentLast24Hours"] + report["recipients"]) / quota["Max24HourSend"]
    assert report["recipients"] == 2 and quota["SentLast24Hours"] > 0
    assert calls.calls == 1
    assert emitted(output.text(), "SendQuotaProjectedUse") == [(round(expected, 2), {})]


def test_a_run_whose_quota_ses_does_not_tell_still_queues_and_completes(world, readers, output):
    calls = watch_get_account(world.functions, refusal=("AccessDeniedException", 403))

    report = world.run_schedule("daily", at="2025-12-18T07:00:00Z")

    assert calls.calls == 1 and report["recipients"] == 2
    assert len(world.queued()) == 1
    assert emitted(output.text(), "SendQuotaProjectedUse") == []
    assert [value for value, _ in emitted(output.text(), "DigestRunCompleted")] == [1.0]
    warnings = [line for line in output.logs() if line["message"] == "SES account status unreadable"]
    assert [line["code"] for line in warnings] == ["AccessDeniedException"]
