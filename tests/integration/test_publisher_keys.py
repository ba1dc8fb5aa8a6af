"""API keys: created by the `syndicate` command, resolved by the authorizer, revocable."""

from __future__ import annotations

import copy
import json
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSResponse

from syndicate.adapters.clients import client
from syndicate.adapters.publishers import PublisherStore
from syndicate.handlers import authorize_publisher
from syndicate.publishers.keys import usage_key
from syndicate_dev import cli
from tests.support import events
from tests.support.lambda_context import FakeLambdaContext


@pytest.fixture
def authorizer(stack, monkeypatch):
    stack.use("PublisherAuthorizerFunction", monkeypatch)

    def call(authorization: str | None) -> dict:
        event = copy.deepcopy(events.load("api/authorizer-request.json"))
        event["headers"] = {k: v for k, v in event["headers"].items() if k != "Authorization"}
        if authorization is not None:
            event["headers"]["Authorization"] = authorization
        return authorize_publisher.handler(event, FakeLambdaContext())

    return call


def create_key(stack, capsys, name="Space Desk") -> tuple[str, str]:
    assert cli.main(["publishers", "create", name, "--table", stack.name("PublishersTable")]) == 0
    printed = dict(line.split(":", 1) for line in capsys.readouterr().out.splitlines())
    return printed["publisher_id"].strip(), printed["api_key"].strip()


def test_created_key_resolves_to_its_publisher_with_a_policy_for_every_route(stack, authorizer, capsys):
    publisher_id, key = create_key(stack, capsys)

    policy = authorizer(f"Bearer {key}")

    assert policy["principalId"] == publisher_id
    assert policy["context"] == {"publisher_id": publisher_id}
    statement = policy["policyDocument"]["Statement"][0]
    assert statement["Effect"] == "Allow"
    assert statement["Resource"] == ["arn:aws:execute-api:us-east-1:123456789012:abc123defg/dev/*/*"]


def test_key_is_stored_only_as_a_hash(stack, capsys):
    import boto3

    _, key = create_key(stack, capsys)
    items = boto3.client("dynamodb").scan(TableName=stack.name("PublishersTable"))["Items"]
    assert key not in repr(items)
    assert len(items) == 1 and "key_hash" in items[0]


@pytest.mark.parametrize("header", [None, "", "Bearer", "Bearer syn_unknown", "Basic dXNlcjpwYXNz", "syn_raw"])
def test_missing_or_unknown_key_is_unauthorized(stack, authorizer, header):
    with pytest.raises(Exception, match=r"^Unauthorized$"):
        authorizer(header)


def test_revoked_key_stops_working(stack, authorizer, capsys):
    publisher_id, key = create_key(stack, capsys)

    assert cli.main(["publishers", "revoke", publisher_id, "--table", stack.name("PublishersTable")]) == 0

    with pytest.raises(Exception, match=r"^Unauthorized$"):
        authorizer(f"Bearer {key}")


def test_revoking_an_unknown_publisher_fails(stack, capsys):
    assert cli.main(["publishers", "revoke", "pub_nobody", "--table", stack.name("PublishersTable")]) == 1


def test_list_shows_publishers_without_keys(stack, capsys):
    _, key = create_key(stack, capsys, "Climate Desk")
    assert cli.main(["publishers", "list", "--table", stack.name("PublishersTable")]) == 0
    out = capsys.readouterr().out
    assert "Climate Desk" in out and key not in out


def test_the_authorizer_names_the_publishers_usage_plan_key(stack, authorizer, capsys):
    publisher_id, key = create_key(stack, capsys)

    policy = authorizer(f"Bearer {key}")

    assert policy["usageIdentifierKey"] == usage_key(publisher_id)
    assert len(policy["usageIdentifierKey"]) >= 20  # API Gateway's shortest API key


# -- against a deployed stack (its outputs name the table, the usage plan and the API) ------------


class FlushRecorder:
    """FlushStageAuthorizersCache, answered here (moto does not implement it), with what the
    publisher's record said at that moment."""

    def __init__(self, table: str) -> None:
        self.table = table
        self.flushes: list[dict] = []

    def __call__(self, params: dict, **kwargs) -> tuple:
        revoked = PublisherStore(self.table).list()
        request = f"{params['method']} {params['url_path']}"  # the REST request botocore built
        self.flushes.append({"request": request, "revoked_before": [p.publisher_id for p in revoked if p.revoked_at]})
        return AWSResponse("https://apigateway.us-east-1.amazonaws.com", 202, {}, None), {  # type: ignore[arg-type]
            "ResponseMetadata": {"HTTPStatusCode": 202}
        }


@pytest.fixture
def deployed(stack, monkeypatch):
    """A stack in moto's CloudFormation whose outputs are the ones `syndicate publishers` reads."""
    apigateway = boto3.client("apigateway", region_name="us-east-1")
    api_id = apigateway.create_rest_api(name="syndicate")["id"]
    plan_id = apigateway.create_usage_plan(name="publishers", throttle={"rateLimit": 10, "burstLimit": 20})["id"]
    outputs = {
        "PublishersTableName": stack.name("PublishersTable"),
        "PublisherUsagePlanId": plan_id,
        "PublicApiId": api_id,
        "PublicApiStage": "dev",
    }
    boto3.client("cloudformation", region_name="us-east-1").create_stack(
        StackName="syndicate-prod",
        TemplateBody=json.dumps(
            {
                "Resources": {"Marker": {"Type": "AWS::SQS::Queue"}},
                "Outputs": {key: {"Value": value} for key, value in outputs.items()},
            }
        ),
    )
    recorder = FlushRecorder(outputs["PublishersTableName"])
    from syndicate.adapters import api_gateway

    def client_answering_flushes(service: str, **options) -> object:
        created = client(service, **options)
        created.meta.events.register_first("before-call.apigateway.FlushStageAuthorizersCache", recorder)
        return created

    monkeypatch.setattr(api_gateway, "client", client_answering_flushes)
    return outputs, recorder


def usage_plan_keys(plan_id: str) -> list[Any]:
    apigateway = boto3.client("apigateway", region_name="us-east-1")
    return list(apigateway.get_usage_plan_keys(usagePlanId=plan_id)["items"])


def create_on_stack(capsys, name="Space Desk") -> tuple[str, str]:
    assert cli.main(["publishers", "create", name, "--stack", "syndicate-prod"]) == 0
    printed = dict(line.split(":", 1) for line in capsys.readouterr().out.splitlines())
    return printed["publisher_id"].strip(), printed["api_key"].strip()


def test_create_on_a_stack_gives_the_publisher_its_own_key_in_the_usage_plan(deployed, capsys):
    outputs, _ = deployed

    publisher_id, _ = create_on_stack(capsys)

    [plan_key] = usage_plan_keys(outputs["PublisherUsagePlanId"])
    assert plan_key["value"] == usage_key(publisher_id) and plan_key["type"] == "API_KEY"


def test_enrolling_again_changes_nothing(deployed, capsys):
    outputs, _ = deployed
    publisher_id, _ = create_on_stack(capsys)

    assert cli.main(["publishers", "enrol", publisher_id, "--stack", "syndicate-prod"]) == 0

    assert len(usage_plan_keys(outputs["PublisherUsagePlanId"])) == 1


def test_revoke_on_a_stack_flushes_the_stages_authorizer_cache_after_revoking(deployed, authorizer, capsys):
    outputs, recorder = deployed
    publisher_id, key = create_on_stack(capsys)

    assert cli.main(["publishers", "revoke", publisher_id, "--stack", "syndicate-prod"]) == 0

    assert recorder.flushes == [
        {
            "request": f"DELETE /restapis/{outputs['PublicApiId']}/stages/dev/cache/authorizers",
            "revoked_before": [publisher_id],
        }
    ]
    assert usage_plan_keys(outputs["PublisherUsagePlanId"]) == []
    assert boto3.client("apigateway", region_name="us-east-1").get_api_keys()["items"] == []
    with pytest.raises(Exception, match=r"^Unauthorized$"):
        authorizer(f"Bearer {key}")


def test_a_revoked_publisher_cannot_be_enrolled_again(deployed, capsys):
    publisher_id, _ = create_on_stack(capsys)
    assert cli.main(["publishers", "revoke", publisher_id, "--stack", "syndicate-prod"]) == 0

    assert cli.main(["publishers", "enrol", publisher_id, "--stack", "syndicate-prod"]) == 1
