"""The template's alarms and dashboard in the local stack: created in moto from template.yaml,
fed by what the stack measures, and evaluated with the stack's clock."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from syndicate_dev import template as tpl
from syndicate_dev.local.runtime import FunctionFailed
from syndicate_dev.local.stack import LocalStack
from syndicate_dev.local.terminal import Terminal
from tests.support.local_stack import LocalStackClient

HOUR = 3600


@pytest.fixture
def stack() -> Iterator[LocalStack]:
    # moto servers of one process share their state: each stack its own name.
    name = f"alarms-{uuid.uuid4().hex[:8]}"
    with LocalStack("127.0.0.1", 0, stack_name=name, run_schedules=False, terminal=Terminal.silent()) as started:
        yield started


def aws(stack: LocalStack, service: str) -> Any:
    return stack.aws.client(service)


def states(stack: LocalStack) -> dict[str, Any]:
    return {alarm.logical_id: alarm for alarm in stack.alarms.states()}


def advance(stack: LocalStack, seconds: float) -> None:
    stack.clock.advance(seconds)


def test_every_alarm_of_the_template_exists_in_moto_with_its_dimensions_resolved(stack):
    template_alarms = tpl.resources(tpl.load(), "AWS::CloudWatch::Alarm")
    created = {a["AlarmName"]: a for a in aws(stack, "cloudwatch").describe_alarms()["MetricAlarms"]}
    names = stack.description()["alarms"]

    assert set(names) == set(template_alarms)
    assert set(created) == set(names.values())
    errors = created[names["SendDigestsFunctionErrorsAlarm"]]
    assert errors["Dimensions"] == [{"Name": "FunctionName", "Value": f"{stack.stack_name}-SendDigestsFunction"}]
    assert errors["AlarmActions"] == [stack.resolver.names["AlarmTopic"]]
    stale = created[names["FeedsStaleAlarm"]]
    assert (stale["Period"], stale["EvaluationPeriods"]) == (180, 5)  # rate(5 minutes): three periods
    assert stale["Dimensions"] == [{"Name": "service", "Value": stack.stack_name}]


def test_the_dashboard_exists_in_moto_and_shows_the_local_alarms(stack):
    ((logical_id, name),) = stack.description()["dashboards"].items()
    body = json.loads(aws(stack, "cloudwatch").get_dashboard(DashboardName=name)["DashboardBody"])
    (alarm_widget,) = [w for w in body["widgets"] if w["type"] == "alarm"]

    assert logical_id == "OperationsDashboard"
    assert sorted(alarm_widget["properties"]["alarms"]) == sorted(
        stack.resolver.attributes[(alarm, "Arn")] for alarm in stack.description()["alarms"]
    )


def test_a_new_stack_has_not_yet_rendered_or_run_a_digest_so_the_heartbeats_are_in_alarm(stack):
    found = states(stack)

    assert found["FeedsStaleAlarm"].state == "ALARM"
    assert found["DailyDigestRunMissingAlarm"].state == "ALARM"
    assert found["DigestDeadLetterQueueAlarm"].state == "OK"
    assert found["ArticlesApiFunctionErrorsAlarm"].state == "OK"


def test_a_message_in_a_dead_letter_queue_puts_its_alarm_in_alarm_and_moto_says_so(stack):
    sqs = aws(stack, "sqs")
    sqs.send_message(QueueUrl=stack.resolver.names["DigestDeadLetterQueue"], MessageBody='{"edition": "e"}')

    found = states(stack)

    assert found["DigestDeadLetterQueueAlarm"].state == "ALARM"
    assert found["DigestDeadLetterQueueAlarm"].values[0] == 1.0
    assert found["ConfirmationDeadLetterQueueAlarm"].state == "OK"
    name = stack.description()["alarms"]["DigestDeadLetterQueueAlarm"]
    (described,) = aws(stack, "cloudwatch").describe_alarms(AlarmNames=[name])["MetricAlarms"]
    assert described["StateValue"] == "ALARM"


def test_the_feeds_go_stale_three_render_periods_after_the_last_render(stack):
    stack.scheduler.fire("render-feeds")
    assert states(stack)["FeedsStaleAlarm"].state == "OK"

    advance(stack, 14 * 60)
    assert states(stack)["FeedsStaleAlarm"].state == "OK"

    advance(stack, 2 * 60)
    assert states(stack)["FeedsStaleAlarm"].state == "ALARM"


def test_a_daily_run_clears_its_alarm_for_26_hours(stack):
    stack.scheduler.fire("daily-digest")
    assert states(stack)["DailyDigestRunMissingAlarm"].state == "OK"
    assert states(stack)["WeeklyDigestRunMissingAlarm"].state == "ALARM"

    advance(stack, 25 * HOUR)
    assert states(stack)["DailyDigestRunMissingAlarm"].state == "OK"

    advance(stack, 2 * HOUR)
    assert states(stack)["DailyDigestRunMissingAlarm"].state == "ALARM"


def test_the_weekly_run_counts_from_the_first_midnight_after_it_for_seven_whole_days(stack):
    now = stack.clock()
    stack.scheduler.fire("weekly-digest")
    assert states(stack)["WeeklyDigestRunMissingAlarm"].state == "ALARM"  # today is not a whole day yet

    to_midnight = (24 * HOUR) - (now.hour * HOUR + now.minute * 60 + now.second) + 60
    advance(stack, to_midnight)
    assert states(stack)["WeeklyDigestRunMissingAlarm"].state == "OK"

    advance(stack, 6 * 24 * HOUR)
    assert states(stack)["WeeklyDigestRunMissingAlarm"].state == "OK"

    advance(stack, 24 * HOUR)
    assert states(stack)["WeeklyDigestRunMissingAlarm"].state == "ALARM"


def test_a_function_that_raises_puts_its_errors_alarm_in_alarm(stack):
    with pytest.raises(FunctionFailed):
        stack.invoke("ScheduleDigestsFunction", {"cadence": "hourly"})

    found = states(stack)

    assert found["ScheduleDigestsFunctionErrorsAlarm"].state == "ALARM"
    assert found["RenderFeedsFunctionErrorsAlarm"].state == "OK"

    advance(stack, 6 * 60)
    assert states(stack)["ScheduleDigestsFunctionErrorsAlarm"].state == "OK"


def test_the_api_alarms_when_5xx_answers_pass_5_percent_in_two_of_three_periods(stack):
    for _ in range(3):
        stack.metrics.api_reply(502)
    assert states(stack)["ApiServerErrorsAlarm"].state == "OK"  # one period of three

    advance(stack, 5 * 60)
    stack.metrics.api_reply(200)
    stack.metrics.api_reply(500)
    assert states(stack)["ApiServerErrorsAlarm"].state == "ALARM"


def test_the_api_counts_what_it_answers(stack):
    client = LocalStackClient(stack.base_url, stack.api_url, stack.api_key or "", stack.description())

    assert client.call("GET", "/articles").status == 200
    assert client.call("GET", "/no-such-route").status == 404

    found = states(stack)["ApiServerErrorsAlarm"]
    assert found.state == "OK" and found.values[0] == 0.0


def test_ses_reputation_has_no_local_source_so_its_alarms_say_so(stack):
    found = states(stack)["SesBounceRateAlarm"]

    assert found.state == "INSUFFICIENT_DATA"
    assert "nothing publishes AWS/SES locally" in found.reason


def test_the_console_lists_every_alarm_with_its_state(stack):
    client = LocalStackClient(stack.base_url, stack.api_url, stack.api_key or "", stack.description())
    aws(stack, "sqs").send_message(QueueUrl=stack.resolver.names["RenderFeedsDeadLetterQueue"], MessageBody="{}")

    answer = client.console("GET", "/alarms.json")

    listed = {alarm["logical_id"]: alarm for alarm in answer.json}
    assert answer.status == 200
    assert set(listed) == set(tpl.resources(tpl.load(), "AWS::CloudWatch::Alarm"))
    assert listed["RenderFeedsDeadLetterQueueAlarm"]["state"] == "ALARM"
    assert listed["RenderFeedsDeadLetterQueueAlarm"]["description"].endswith("#renderfeedsdeadletterqueuealarm")
