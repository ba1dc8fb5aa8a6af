"""The local stack's resources are template.yaml's: described on its running moto server."""

from __future__ import annotations

import json

import boto3
import pytest

from syndicate_dev import template as tpl
from syndicate_dev.local.schedules import schedule_name
from tests.e2e.conftest import STACK_NAME


@pytest.fixture(scope="module")
def aws(local_stack):
    session = boto3.session.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1"
    )
    return lambda service: session.client(service, endpoint_url=local_stack.description["moto_url"])


def _key_schema(schema):
    return sorted((key["AttributeName"], key["KeyType"]) for key in schema)


def test_every_resource_is_named_for_the_stack_it_was_started_as(local_stack):
    names = local_stack.description["names"]

    assert local_stack.description["stack_name"] == STACK_NAME
    for logical_id in tpl.resources(tpl.load(), "AWS::DynamoDB::Table"):
        assert names[logical_id] == f"{STACK_NAME}-{logical_id}"
    for schedule in local_stack.description["schedules"]:  # the template's Name, or one made from the stack's
        assert STACK_NAME in schedule["arn"], schedule


def test_every_table_has_the_key_schema_and_indexes_of_the_template(local_stack, aws):
    names = local_stack.description["names"]
    for logical_id, props in tpl.resources(tpl.load(), "AWS::DynamoDB::Table").items():
        table = aws("dynamodb").describe_table(TableName=names[logical_id])["Table"]

        assert _key_schema(table["KeySchema"]) == _key_schema(props["KeySchema"]), logical_id
        assert {(a["AttributeName"], a["AttributeType"]) for a in table["AttributeDefinitions"]} == {
            (a["AttributeName"], a["AttributeType"]) for a in props["AttributeDefinitions"]
        }
        local_indexes = {
            i["IndexName"]: (_key_schema(i["KeySchema"]), i["Projection"]["ProjectionType"])
            for i in table.get("GlobalSecondaryIndexes", [])
        }
        template_indexes = {
            i["IndexName"]: (_key_schema(i["KeySchema"]), i["Projection"]["ProjectionType"])
            for i in props.get("GlobalSecondaryIndexes", [])
        }
        assert local_indexes == template_indexes, logical_id


def test_every_table_with_a_ttl_in_the_template_has_it_locally(local_stack, aws):
    names = local_stack.description["names"]
    for logical_id, props in tpl.resources(tpl.load(), "AWS::DynamoDB::Table").items():
        described = aws("dynamodb").describe_time_to_live(TableName=names[logical_id])["TimeToLiveDescription"]
        wanted = props.get("TimeToLiveSpecification")

        if wanted:
            assert described["AttributeName"] == wanted["AttributeName"]
            assert described["TimeToLiveStatus"] == "ENABLED"
        else:
            assert described["TimeToLiveStatus"] == "DISABLED"


def test_every_bucket_exists_with_the_template_versioning(local_stack, aws):
    names = local_stack.description["names"]
    for logical_id, props in tpl.resources(tpl.load(), "AWS::S3::Bucket").items():
        versioning = aws("s3").get_bucket_versioning(Bucket=names[logical_id]).get("Status")

        assert versioning == (props.get("VersioningConfiguration") or {}).get("Status"), logical_id


def test_every_queue_exists_with_the_template_redrive_policy(local_stack, aws):
    names = local_stack.description["names"]
    queues = tpl.resources(tpl.load(), "AWS::SQS::Queue")
    for logical_id, props in queues.items():
        attributes = aws("sqs").get_queue_attributes(QueueUrl=names[logical_id], AttributeNames=["All"])["Attributes"]
        redrive = props.get("RedrivePolicy")

        if redrive:
            policy = json.loads(attributes["RedrivePolicy"])
            dlq = redrive["deadLetterTargetArn"]["Fn::GetAtt"][0]
            assert policy["deadLetterTargetArn"].endswith(":" + names[dlq].rsplit("/", 1)[-1])
            assert int(policy["maxReceiveCount"]) == int(redrive["maxReceiveCount"])
        else:
            assert "RedrivePolicy" not in attributes
    listed = aws("sqs").list_queues().get("QueueUrls", [])
    assert sorted(listed) == sorted(names[logical_id] for logical_id in queues)


def test_the_schedules_are_the_template_schedules(local_stack):
    template = tpl.load()
    local = {(s["name"], s["function"], s["event"]) for s in local_stack.description["schedules"]}

    assert local == {(schedule_name(s.event), s.function, s.event) for s in tpl.schedules(template)}


def test_the_queue_consumers_are_the_template_event_sources(local_stack):
    local = {
        (s["event"], s["function"], s["queue"], s["batch_size"], s["report_batch_item_failures"])
        for s in local_stack.description["queue_sources"]
    }

    assert local == {
        (s.event, s.function, s.queue, s.batch_size, s.report_batch_item_failures)
        for s in tpl.queue_sources(tpl.load())
    }


EVENTS = tpl.REPO / "events"
# What a function fails with when it cannot even start: its code or its settings are missing.
CANNOT_START = {"ImportError", "ModuleNotFoundError", "AttributeError", "ConfigurationError", "NoRegionError"}


def sample_event(template: dict, function: str) -> dict:
    """A recorded event of a kind that triggers ``function`` in template.yaml (events/)."""
    routes = {(r.method, r.path) for r in tpl.api_routes(template) if r.function == function}
    for path in sorted((EVENTS / "api").glob("*.json")):
        event = json.loads(path.read_text(encoding="utf-8"))
        if (event.get("httpMethod"), event.get("resource")) in routes:
            return event
    candidates = [
        EVENTS / "schedules" / f"{schedule_name(s.event)}.json"
        for s in tpl.schedules(template)
        if s.function == function
    ]
    kinds = {e["Type"] for e in (template["Resources"][function]["Properties"].get("Events") or {}).values()}
    candidates += sorted((EVENTS / "sqs").glob("*.json")) if "SQS" in kinds else []
    candidates += sorted((EVENTS / "ses").glob("*.json")) if kinds & {"EventBridgeRule", "CloudWatchEvent"} else []
    authorizers = [
        spec.get("FunctionArn", {}).get("Fn::GetAtt", [None])[0]
        for api in tpl.resources(template, "AWS::Serverless::Api").values()
        for spec in ((api.get("Auth") or {}).get("Authorizers") or {}).values()
    ]
    candidates += [EVENTS / "api" / "authorizer-request.json"] if function in authorizers else []
    # A custom resource's function: CloudFormation's request (its ResponseURL answers nothing
    # locally, so the function runs up to its answer, which it cannot deliver).
    service_tokens = {
        (resource.get("Properties") or {}).get("ServiceToken", {}).get("Fn::GetAtt", [None])[0]
        for resource in template["Resources"].values()
        if str(resource.get("Type", "")).startswith("Custom::")
    }
    candidates += sorted((EVENTS / "cloudformation").glob("*.json")) if function in service_tokens else []
    found = [path for path in candidates if path.is_file()]
    if not found:
        pytest.fail(f"events/ has no recorded event that triggers {function}: add one")
    return json.loads(found[0].read_text(encoding="utf-8"))


@pytest.mark.parametrize("function", sorted(tpl.functions(tpl.load())))
def test_every_function_of_the_template_runs_locally_with_a_recorded_event(local_stack, function):
    event = sample_event(tpl.load(), function)

    answer = local_stack.console("POST", f"/invoke/{function}", body=event)

    assert answer.status == 200, answer.body
    if answer.header("X-Amz-Function-Error"):
        assert answer.json["errorType"] not in CANNOT_START, answer.json
    elif isinstance(answer.json, dict) and "statusCode" in answer.json:
        assert answer.json["statusCode"] < 500, answer.json
