"""Alarms, the dashboard and the runbook, checked on the template CloudFormation receives.

Every check walks the whole template: a function or a dead-letter queue added to template.yaml
fails here until it has its alarms, its dashboard lines and its runbook sections; an alarm or a
widget on a metric that nobody emits fails too (the code's metric names are read from the code,
AWS's from its documentation: ``tests/support/metrics.py``).
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from syndicate.mailing.model import CADENCES
from syndicate_dev import template as tpl
from tests.deploy.test_translated_template import dead_letter_queues, resources_of, views
from tests.support.metrics import Metric, logged_messages, problems_with
from tests.support.translated import VARIANTS, StackView, translated

RUNBOOK = tpl.REPO / "docs" / "operations.md"
DAY, WEEK = 86_400, 604_800


def alarms(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {k: r["Properties"] for k, r in resources_of(template, "AWS::CloudWatch::Alarm").items()}


def metric_of(props: dict[str, Any]) -> Metric:
    dimensions = {d["Name"]: d["Value"] for d in props.get("Dimensions", [])}
    return Metric(props["Namespace"], props["MetricName"], dimensions)


def service_name(view: StackView) -> Any:
    """What every function has as POWERTOOLS_SERVICE_NAME (the metrics' service dimension)."""
    names = {
        json.dumps(view.value(r["Properties"]["Environment"]["Variables"]["POWERTOOLS_SERVICE_NAME"]))
        for _, r in view.created()
        if r["Type"] == "AWS::Lambda::Function"
    }
    (name,) = names
    return json.loads(name)


def evaluated(metric: Metric, view: StackView) -> Metric:
    return Metric(metric.namespace, metric.name, {k: view.value(v) for k, v in metric.dimensions.items()})


def dimension_values(view: StackView) -> dict[str, set[Any]]:
    """What each dimension may name in this stack: its functions, queues, API, stage, cadences."""
    created = dict(view.created())

    def of_type(resource_type: str) -> list[str]:
        return [k for k, r in created.items() if r["Type"] == resource_type]

    apis = [created[k]["Properties"] for k in of_type("AWS::ApiGateway::RestApi")]
    return {
        "FunctionName": {view.value({"Ref": k}) for k in of_type("AWS::Lambda::Function")},
        "QueueName": {view.value({"Fn::GetAtt": [k, "QueueName"]}) for k in of_type("AWS::SQS::Queue")},
        "ApiName": {view.value(api.get("Name") or api["Body"]["info"]["title"]) for api in apis},
        "Stage": {view.value(created[k]["Properties"]["StageName"]) for k in of_type("AWS::ApiGateway::Stage")},
        "service": {service_name(view)},
        "cadence": set(CADENCES),
    }


def wrong_dimensions(metric: Metric, view: StackView, allowed: dict[str, set[Any]]) -> list[str]:
    """Dimensions that name nothing of this stack (``allowed``: its ``dimension_values``)."""
    return [
        f"{metric.name}: {name}={view.value(value)!r} names nothing of this stack"
        for name, value in metric.dimensions.items()
        if view.value(value) not in allowed.get(name, set())
    ]


def watching(view: StackView, namespace: str, name: str, dimension: str, target: Any) -> list[dict[str, Any]]:
    """The alarms on ``namespace``/``name`` whose ``dimension`` is ``target`` (evaluated)."""
    found = []
    for props in alarms(view.template).values():
        metric = metric_of(props)
        if (
            (metric.namespace, metric.name) == (namespace, name)
            and dimension in metric.dimensions
            and view.value(metric.dimensions[dimension]) == view.value(target)
        ):
            found.append(props)
    return found


# -- every function and every dead-letter queue has its alarms ------------------------------------


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_every_function_alarms_on_any_error_and_any_throttle(variant):
    (view, _) = views(variant)
    missing = []
    for function, resource in view.created():
        if resource["Type"] != "AWS::Lambda::Function":
            continue
        for metric in ("Errors", "Throttles"):
            found = watching(view, "AWS/Lambda", metric, "FunctionName", {"Ref": function})
            if not any(
                a["Statistic"] == "Sum" and a["ComparisonOperator"] == "GreaterThanThreshold" and a["Threshold"] == 0
                for a in found
            ):
                missing.append(f"{function} {metric}")

    assert missing == []


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_every_dead_letter_queue_alarms_on_its_first_message(variant):
    (view, _) = views(variant)
    missing = []
    for queue in dead_letter_queues(view.template):
        found = watching(
            view, "AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", {"Fn::GetAtt": [queue, "QueueName"]}
        )
        if not any(a["ComparisonOperator"] == "GreaterThanThreshold" and a["Threshold"] == 0 for a in found):
            missing.append(queue)

    assert missing == []


def test_the_api_alarms_on_its_5xx_rate():
    (view, _) = views("dev")
    (api,) = [a for a in alarms(view.template).values() if a["MetricName"] == "5XXError"]

    assert api["Namespace"] == "AWS/ApiGateway" and api["Statistic"] == "Average"  # Average of 5XXError: the rate
    assert 0 < api["Threshold"] < 1


# -- every alarm watches a metric that exists, and tells the operator ------------------------------


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_every_alarm_watches_a_metric_that_the_code_emits_or_aws_publishes(variant):
    (view, _) = views(variant)
    service, allowed = service_name(view), dimension_values(view)
    problems = []
    for logical_id, props in alarms(view.template).items():
        metric = evaluated(metric_of(props), view)
        problems += [f"{logical_id}: {p}" for p in problems_with(metric, service)]
        problems += [f"{logical_id}: {p}" for p in wrong_dimensions(metric, view, allowed)]

    assert problems == []


def test_every_metric_our_alarms_watch_carries_the_stacks_name_so_a_second_stack_cannot_answer_for_it():
    first, second = views("dev")

    assert service_name(first) != service_name(second)
    assert service_name(first) == first.value({"Ref": "AWS::StackName"})


def test_every_alarm_notifies_the_alarm_topic_when_it_fires_and_when_it_clears():
    template = translated()
    (topic,) = resources_of(template, "AWS::SNS::Topic")

    for logical_id, props in alarms(template).items():
        assert props["AlarmActions"] == [{"Ref": topic}], logical_id
        assert props["OKActions"] == [{"Ref": topic}], logical_id


def test_the_alarm_email_is_subscribed_only_when_an_operator_gives_one():
    quiet = StackView(translated(), "s", tpl.parameter_defaults(translated()))
    told = StackView(translated({"AlarmEmail": "ops@example.org"}), "s", {"AlarmEmail": "ops@example.org"})

    def subscriptions(view: StackView) -> list[dict[str, Any]]:
        return [view.value(r["Properties"]) for _, r in view.created() if r["Type"] == "AWS::SNS::Subscription"]

    assert subscriptions(quiet) == []
    (subscription,) = subscriptions(told)
    assert subscription["Protocol"] == "email" and subscription["Endpoint"] == "ops@example.org"


# -- windows CloudWatch accepts, and windows that mean what they say -------------------------------

SCHEDULES = ["rate(5 minutes)", "rate(1 minute)", "rate(480 minutes)", "rate(1 hour)", "rate(56 hours)", "rate(2 days)"]


WINDOW = ("Period", "EvaluationPeriods", "DatapointsToAlarm", "EvaluationWindow", "Threshold")


def evaluated_alarms(parameters: dict[str, str]) -> dict[str, dict[str, Any]]:
    """Every alarm's window and threshold, evaluated for these parameters (no stack needed)."""
    template = tpl.load()
    resolver = tpl.Resolver(template, {}, parameters)
    return {
        logical_id: {key: resolver.deep_value(props[key]) for key in WINDOW if key in props}
        for logical_id, props in alarms(template).items()
    }


def window_problems(logical_id: str, props: dict[str, Any]) -> list[str]:
    """Against PutMetricAlarm's documented limits."""
    period, evaluations = int(props["Period"]), int(props["EvaluationPeriods"])
    datapoints = int(props.get("DatapointsToAlarm", evaluations))
    problems = []
    if period not in (10, 20, 30) and period % 60:
        problems.append(f"{logical_id}: a period of {period} s (10, 20, 30 or a multiple of 60)")
    limit = DAY if period < 3600 else WEEK
    if period * evaluations > limit:
        problems.append(f"{logical_id}: evaluates {period * evaluations} s, over {limit} s")
    if not 1 <= datapoints <= evaluations:
        problems.append(f"{logical_id}: {datapoints} datapoints of {evaluations} periods")
    if "WallClockWindow" in (props.get("EvaluationWindow") or {}) and period not in (60, 300, 3600, DAY, WEEK):
        problems.append(f"{logical_id}: a wall clock window takes 1 minute, 5 minutes, 1 hour, 1 day or 1 week")
    return problems


@pytest.mark.parametrize("schedule", [*SCHEDULES, "cron(0/10 * * * ? *)"])
def test_every_alarm_fits_cloudwatchs_limits_on_its_window(schedule):
    problems = [
        problem
        for logical_id, props in evaluated_alarms({"FeedRenderSchedule": schedule}).items()
        for problem in window_problems(logical_id, props)
    ]

    assert problems == []


def stale_window(parameters: dict[str, str]) -> int:
    props = evaluated_alarms(parameters)["FeedsStaleAlarm"]
    assert int(props["DatapointsToAlarm"]) == int(props["EvaluationPeriods"]), "every period must have no render"
    return int(props["Period"]) * int(props["EvaluationPeriods"])


UNITS = {"minute": 60, "hour": 3600, "day": DAY}
LONGEST = {"minute": 480, "hour": 56, "day": 2}  # three periods within CloudWatch's limits


@settings(max_examples=40, deadline=None)
@given(unit=st.sampled_from(sorted(UNITS)), data=st.data())
def test_the_feeds_are_stale_after_three_periods_of_a_rate_schedule(unit, data):
    count = data.draw(st.integers(min_value=1, max_value=LONGEST[unit]))
    schedule = f"rate({count} {unit}{'s' if count > 1 else ''})"

    assert stale_window({"FeedRenderSchedule": schedule}) == 3 * count * UNITS[unit]


def test_a_cron_render_schedule_takes_its_stale_window_from_feed_stale_minutes():
    schedule = "cron(0/20 * * * ? *)"

    assert stale_window({"FeedRenderSchedule": schedule, "FeedStaleMinutes": "60"}) == 3600


def test_heartbeats_alarm_when_the_data_is_missing():
    heartbeats = {
        k: p for k, p in alarms(tpl.load()).items() if p["MetricName"] in ("FeedRenderSucceeded", "DigestRunCompleted")
    }

    assert set(heartbeats) == {"FeedsStaleAlarm", "DailyDigestRunMissingAlarm", "WeeklyDigestRunMissingAlarm"}
    for logical_id, props in heartbeats.items():
        assert props["TreatMissingData"] == "breaching", logical_id
        assert (props["ComparisonOperator"], props["Threshold"]) == ("LessThanThreshold", 1), logical_id


def test_each_cadence_has_its_run_alarm_over_more_than_its_period():
    evaluated = evaluated_alarms({})
    template_alarms = alarms(tpl.load())
    windows = {}
    for logical_id, props in template_alarms.items():
        cadence = metric_of(props).dimensions.get("cadence")
        if props["MetricName"] == "DigestRunCompleted":
            window = evaluated[logical_id]
            windows[cadence] = int(window["Period"]) * int(window["EvaluationPeriods"])

    assert set(windows) == set(CADENCES)
    assert windows["daily"] > DAY
    # A week cannot have slack (CloudWatch evaluates seven days at most): whole calendar days
    # of the digests' own time zone instead, so a run later in its week than the last is no alarm.
    assert windows["weekly"] == WEEK
    weekly = evaluated["WeeklyDigestRunMissingAlarm"]
    assert weekly["EvaluationWindow"] == {"WallClockWindow": {"Timezone": "UTC"}}
    assert tpl.load()["Resources"]["WeeklyDigestRunMissingAlarm"]["Properties"]["EvaluationWindow"] == {
        "WallClockWindow": {"Timezone": {"Ref": "DigestTimezone"}}
    }


def test_the_reputation_warnings_stay_below_the_levels_at_which_ses_reviews_the_account():
    parameters = tpl.load()["Parameters"]
    review = {"BounceRateAlarmThreshold": 0.05, "ComplaintRateAlarmThreshold": 0.001}

    for name, level in review.items():
        assert float(parameters[name]["Default"]) < level
        assert float(parameters[name]["MaxValue"]) <= level
    assert float(parameters["BounceRateAlarmThreshold"]["Default"]) == 0.04
    assert float(parameters["ComplaintRateAlarmThreshold"]["Default"]) == 0.0008


# -- the dashboard ---------------------------------------------------------------------------------


def dashboard(view: StackView) -> tuple[str, dict[str, Any]]:
    ((logical_id, resource),) = [(k, r) for k, r in view.created() if r["Type"] == "AWS::CloudWatch::Dashboard"]
    return logical_id, json.loads(view.value(resource["Properties"]["DashboardBody"]))


def widget_metrics(widget: dict[str, Any]) -> list[Metric]:
    """The metrics of a metric widget (``"."`` repeats the line before, as CloudWatch reads it)."""
    found: list[Metric] = []
    previous: list[Any] = []
    for line in widget["properties"].get("metrics", []):
        parts = [p for p in line if not isinstance(p, dict)]
        if not parts:
            continue  # a math expression: it names no metric of its own
        parts = [previous[i] if p == "." and i < len(previous) else p for i, p in enumerate(parts)]
        previous = parts
        namespace, name, *pairs = parts
        found.append(Metric(namespace, name, dict(zip(pairs[::2], pairs[1::2], strict=True))))
    return found


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_every_metric_of_the_dashboard_exists(variant):
    (view, _) = views(variant)
    _, body = dashboard(view)
    service, allowed = service_name(view), dimension_values(view)
    problems = []
    for widget in body["widgets"]:
        for metric in widget_metrics(widget):
            problems += [f"{widget['properties']['title']}: {p}" for p in problems_with(metric, service)]
            problems += [f"{widget['properties']['title']}: {p}" for p in wrong_dimensions(metric, view, allowed)]

    assert problems == []
    assert all(
        w["properties"]["region"] == view.value({"Ref": "AWS::Region"}) for w in body["widgets"] if w["type"] != "alarm"
    )


def test_the_dashboard_shows_every_alarm():
    (view, _) = views("dev")
    _, body = dashboard(view)
    shown = [arn for w in body["widgets"] if w["type"] == "alarm" for arn in w["properties"]["alarms"]]

    assert sorted(shown) == sorted(view.value({"Fn::GetAtt": [a, "Arn"]}) for a in alarms(view.template))
    assert all(len(w["properties"]["alarms"]) <= 100 for w in body["widgets"] if w["type"] == "alarm")


def shown(body: dict[str, Any], namespace: str, name: str, dimension: str) -> set[Any]:
    return {
        metric.dimensions[dimension]
        for widget in body["widgets"]
        for metric in widget_metrics(widget)
        if (metric.namespace, metric.name) == (namespace, name) and dimension in metric.dimensions
    }


def test_the_dashboard_shows_every_functions_errors_and_duration_and_every_dead_letter_queue():
    (view, _) = views("dev")
    _, body = dashboard(view)
    functions = dimension_values(view)["FunctionName"]
    queues = {view.value({"Fn::GetAtt": [q, "QueueName"]}) for q in dead_letter_queues(view.template)}

    assert shown(body, "AWS/Lambda", "Errors", "FunctionName") >= functions
    assert shown(body, "AWS/Lambda", "Duration", "FunctionName") >= functions
    assert shown(body, "AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName") >= queues


def test_the_dashboard_stays_within_cloudwatchs_free_tier_of_50_metrics():
    (view, _) = views("dev")
    _, body = dashboard(view)

    assert sum(len(widget_metrics(widget)) for widget in body["widgets"]) <= 50


def test_the_dashboard_shows_what_the_issue_asks_for():
    (view, _) = views("dev")
    _, body = dashboard(view)
    names = {metric.name for widget in body["widgets"] for metric in widget_metrics(widget)}

    assert {
        "ArticlesPublished",
        "ValidationFailed",
        "FeedRenderSucceeded",
        "DigestEditions",
        "DigestRecipientsQueued",
        "DigestsSent",
        "DigestsAlreadySent",
        "DigestsRejected",
        "Bounce",
        "Complaint",
    } <= names


def test_the_dashboards_log_query_reads_a_function_log_group_for_a_line_the_code_logs():
    (view, _) = views("dev")
    _, body = dashboard(view)
    functions = [k for k, r in view.created() if r["Type"] == "AWS::Lambda::Function"]
    groups = {  # Ref of a log group is its name: those Lambda writes the functions' logs to
        view.value({"Ref": k})
        for k, r in view.created()
        if r["Type"] == "AWS::Logs::LogGroup"
        and r["Properties"].get("LogGroupName") in [{"Fn::Sub": f"/aws/lambda/${{{f}}}"} for f in functions]
    }
    queries = [w["properties"]["query"] for w in body["widgets"] if w["type"] == "log"]

    assert queries
    for query in queries:
        (source,) = re.findall(r"SOURCE '([^']+)'", query)
        messages = re.findall(r"filter message = '([^']+)'", query)
        assert source in groups
        assert messages and set(messages) <= logged_messages()


def test_the_dashboard_url_output_opens_this_stacks_dashboard():
    (view, _) = views("dev")
    logical_id, _ = dashboard(view)
    url = view.value(view.template["Outputs"]["DashboardUrl"]["Value"])

    assert url.endswith(f"#dashboards:name={view.value({'Ref': logical_id})}")
    assert f"region={view.value({'Ref': 'AWS::Region'})}" in url


# -- the runbook -----------------------------------------------------------------------------------

PARTS = ("What it means", "Look", "Fix", "Redrive")


def runbook_sections() -> dict[str, str]:
    text = RUNBOOK.read_text(encoding="utf-8")
    chunks = re.split(r"^### ", text, flags=re.MULTILINE)[1:]
    return {chunk.split("\n", 1)[0].strip(): chunk.split("\n", 1)[1] for chunk in chunks}


def test_the_runbook_has_a_section_for_every_alarm_and_none_for_an_alarm_that_does_not_exist():
    sections = {name for name in runbook_sections() if name.endswith("Alarm")}

    assert sections == set(alarms(tpl.load()))


@pytest.mark.parametrize("alarm", sorted(alarms(tpl.load())))
def test_each_runbook_section_says_what_it_means_how_to_look_how_to_fix_and_how_to_redrive(alarm):
    section = runbook_sections()[alarm]

    assert [part for part in PARTS if f"**{part}**" not in section] == []


@pytest.mark.parametrize("alarm", sorted(alarms(tpl.load())))
def test_each_alarm_points_at_its_runbook_section(alarm):
    description = alarms(tpl.load())[alarm]["AlarmDescription"]

    assert description.endswith(f"Runbook: docs/operations.md#{alarm.lower()}")
    assert len(description) <= 1024


# -- the sender's domain ---------------------------------------------------------------------------


def test_a_custom_mail_from_domain_is_under_the_senders_domain_so_spf_aligns_for_dmarc():
    parameters = {"SenderVerification": "domain", "MailFromSubdomain": "mail"}
    template = translated(parameters)
    view = StackView(template, "s", {**tpl.parameter_defaults(template), **parameters})
    identity = view.value(template["Resources"]["SenderIdentity"]["Properties"])
    sender_domain = view.value({"Ref": "SenderEmail"}).split("@")[1]

    assert identity["EmailIdentity"] == sender_domain
    assert identity["MailFromAttributes"]["MailFromDomain"] == f"mail.{sender_domain}"
    records = {k: view.value(o["Value"]) for k, o in template["Outputs"].items() if k.startswith("Sender")}
    assert records["SenderMailFromMxRecord"] == f"mail.{sender_domain} MX 10 feedback-smtp.us-east-1.amazonses.com"
    assert records["SenderMailFromSpfRecord"] == f'mail.{sender_domain} TXT "v=spf1 include:amazonses.com ~all"'
    assert records["SenderDmarcRecord"] == f'_dmarc.{sender_domain} TXT "v=DMARC1; p=none"'


def test_without_a_mail_from_subdomain_ses_keeps_its_own_and_no_record_is_asked_for():
    (view, _) = views("domain-identity")
    identity = view.value(view.template["Resources"]["SenderIdentity"]["Properties"])
    outputs = {
        k
        for k, o in view.template["Outputs"].items()
        if "Condition" not in o or view.resolver.condition(o["Condition"])
    }

    assert "MailFromAttributes" not in identity
    assert not {"SenderMailFromMxRecord", "SenderMailFromSpfRecord"} & outputs


@pytest.mark.parametrize(("verification", "accepted"), [("address", True), ("domain", True), ("existing", False)])
def test_a_mail_from_subdomain_is_refused_for_an_identity_the_stack_does_not_create(verification, accepted):
    template = tpl.load()
    rule = template["Rules"]["MailFromNeedsTheStacksIdentity"]
    resolver = tpl.Resolver(template, {}, {"SenderVerification": verification, "MailFromSubdomain": "mail"})

    assert resolver.value(rule["RuleCondition"]) is True
    assert all(resolver.value(a["Assert"]) for a in rule["Assertions"]) is accepted
