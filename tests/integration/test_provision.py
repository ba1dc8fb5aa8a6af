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
