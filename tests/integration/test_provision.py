"""What the local stack and the tests create from template.yaml, beyond tables, buckets and queues."""

from __future__ import annotations

import boto3

from syndicate_dev import template as tpl
from syndicate_dev.provision import create_resources


def test_the_public_route_web_acl_is_created_in_moto_with_its_rate_rule(stack):
    wafv2 = boto3.client("wafv2", region_name="us-east-1")
    [summary] = wafv2.list_web_acls(Scope="REGIONAL")["WebACLs"]
    acl = wafv2.get_web_acl(Name=summary["Name"], Scope="REGIONAL", Id=summary["Id"])["WebACL"]
    [rule] = acl["Rules"]

    assert rule["Statement"]["RateBasedStatement"]["Limit"] == int(
        tpl.load()["Parameters"]["PublicRouteRateLimit"]["Default"]
    )
    assert rule["Action"]["Block"]["CustomResponse"]["ResponseCode"] == 429


def test_resources_whose_condition_is_false_are_left_out(aws):
    template = tpl.load()

    create_resources(
        template, prefix="optional", parameters={"SenderVerification": "existing", "PublicRouteFirewall": "disabled"}
    )

    assert boto3.client("sesv2", region_name="us-east-1").list_email_identities()["EmailIdentities"] == []
    assert boto3.client("wafv2", region_name="us-east-1").list_web_acls(Scope="REGIONAL")["WebACLs"] == []


def test_alarms_are_created_in_moto_with_the_thresholds_and_windows_the_parameters_give(aws):
    create_resources(
        tpl.load(),
        prefix="alarmed",
        parameters={"BounceRateAlarmThreshold": "0.03", "FeedRenderSchedule": "rate(2 hours)"},
    )
    cloudwatch = boto3.client("cloudwatch", region_name="us-east-1")
    alarms = {a["AlarmName"]: a for a in cloudwatch.describe_alarms()["MetricAlarms"]}

    assert set(alarms) == {f"alarmed-{name}" for name in tpl.resources(tpl.load(), "AWS::CloudWatch::Alarm")}
    assert alarms["alarmed-SesBounceRateAlarm"]["Threshold"] == 0.03
    stale = alarms["alarmed-FeedsStaleAlarm"]
    assert (stale["Period"], stale["EvaluationPeriods"]) == (3 * 3600, 2)  # three periods of two hours


def test_the_alarm_email_is_subscribed_to_the_alarm_topic_only_when_given(aws):
    sns = boto3.client("sns", region_name="us-east-1")

    create_resources(tpl.load(), prefix="quiet")
    assert sns.list_subscriptions()["Subscriptions"] == []

    create_resources(tpl.load(), prefix="told", parameters={"AlarmEmail": "ops@example.org"})
    (subscription,) = sns.list_subscriptions()["Subscriptions"]
    assert (subscription["Protocol"], subscription["Endpoint"]) == ("email", "ops@example.org")
    assert subscription["TopicArn"].endswith(":told-AlarmTopic")
