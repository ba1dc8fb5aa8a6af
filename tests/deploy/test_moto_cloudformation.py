"""The translated template, created and deleted by moto's CloudFormation.

What moto cannot create is stood in for (``tests/support/moto_stack.py``); everything else is
created from the CloudFormation template ``sam deploy`` would send, with its parameters,
conditions, references and outputs, and compared with what the template asked for.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.events.models import EventPattern

from syndicate_dev import template as tpl
from tests.support.moto_stack import MOTO_CANNOT, deployable, moto_supported_types
from tests.support.translated import CODE_URI, REGION, VARIANTS, StackView, translated

STACK = "syndicate-moto"


@dataclass
class Deployed:
    view: StackView
    template: dict[str, Any]  # what moto was given
    stood_in: dict[str, str]
    resources: dict[str, dict[str, Any]]  # logical id -> stack resource summary
    outputs: dict[str, str]


def deploy(variant: str, stack_name: str = STACK) -> Deployed:
    bucket, key = CODE_URI.removeprefix("s3://").split("/", 1)
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket=bucket)  # what `sam deploy` uploads the artifact to
    package = io.BytesIO()
    with zipfile.ZipFile(package, "w") as archive:
        archive.writestr("syndicate/__init__.py", "")
    s3.put_object(Bucket=bucket, Key=key, Body=package.getvalue())
    template = translated(VARIANTS[variant])
    values = {**tpl.parameter_defaults(template), **VARIANTS[variant]}
    view = StackView(template, stack_name, values)
    body, stood_in = deployable(view)
    cloudformation = boto3.client("cloudformation", region_name=REGION)
    cloudformation.create_stack(
        StackName=stack_name,
        TemplateBody=json.dumps(body),
        Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in values.items()],
        Capabilities=["CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"],
    )
    stack = cloudformation.describe_stacks(StackName=stack_name)["Stacks"][0]
    assert stack["StackStatus"] == "CREATE_COMPLETE", stack.get("StackStatusReason")
    summaries = cloudformation.list_stack_resources(StackName=stack_name)["StackResourceSummaries"]
    return Deployed(
        view,
        body,
        stood_in,
        {s["LogicalResourceId"]: dict(s) for s in summaries},
        {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])},
    )


@pytest.fixture(scope="module")
def deployed() -> Iterator[Deployed]:
    with mock_aws():
        yield deploy("dev")


def physical(deployed: Deployed, logical_id: str) -> str:
    return str(deployed.resources[logical_id]["PhysicalResourceId"])


def of_type(deployed: Deployed, resource_type: str) -> dict[str, dict[str, Any]]:
    return {k: r for k, r in deployed.template["Resources"].items() if r["Type"] == resource_type}


def test_every_resource_of_a_type_moto_supports_is_created(deployed):
    assert set(deployed.resources) == set(deployed.template["Resources"])
    assert {r["ResourceStatus"] for r in deployed.resources.values()} == {"CREATE_COMPLETE"}


def test_what_moto_cannot_create_is_only_what_it_does_not_support(deployed):
    supported = moto_supported_types()

    assert not set(deployed.stood_in.values()) & supported
    assert set(MOTO_CANNOT) <= set(deployed.stood_in.values())


def test_every_output_resolves_to_a_value(deployed):
    assert set(deployed.outputs) == {
        key
        for key, output in deployed.view.template["Outputs"].items()
        if "Condition" not in output or deployed.view.resolver.condition(output["Condition"])
    }
    assert not [value for value in deployed.outputs.values() if "Fn::" in value or "{" in value]


def test_tables_have_the_keys_and_indexes_of_the_template(deployed):
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    for logical_id, resource in of_type(deployed, "AWS::DynamoDB::Table").items():
        props = resource["Properties"]
        table = dynamodb.describe_table(TableName=physical(deployed, logical_id))["Table"]

        assert table["KeySchema"] == props["KeySchema"], logical_id
        assert {i["IndexName"] for i in table.get("GlobalSecondaryIndexes", [])} == {
            i["IndexName"] for i in props.get("GlobalSecondaryIndexes", [])
        }, logical_id


def test_queues_redrive_to_their_dead_letter_queues_after_the_templates_receives(deployed):
    sqs = boto3.client("sqs", region_name=REGION)
    for logical_id, resource in of_type(deployed, "AWS::SQS::Queue").items():
        redrive = resource["Properties"].get("RedrivePolicy")
        if not redrive:
            continue
        attributes = sqs.get_queue_attributes(QueueUrl=physical(deployed, logical_id), AttributeNames=["All"])
        policy = json.loads(attributes["Attributes"]["RedrivePolicy"])
        dead_letters = physical(deployed, redrive["deadLetterTargetArn"]["Fn::GetAtt"][0]).rsplit("/", 1)[-1]

        assert policy["deadLetterTargetArn"].endswith(f":{dead_letters}"), logical_id
        assert int(policy["maxReceiveCount"]) == int(redrive["maxReceiveCount"]), logical_id


def test_functions_get_their_environment_role_and_no_reserved_concurrency(deployed):
    awslambda = boto3.client("lambda", region_name=REGION)
    iam = boto3.client("iam", region_name=REGION)
    for logical_id, resource in of_type(deployed, "AWS::Lambda::Function").items():
        name = physical(deployed, logical_id)
        configuration = awslambda.get_function_configuration(FunctionName=name)
        variables = configuration.get("Environment", {}).get("Variables", {})
        role = resource["Properties"]["Role"]["Fn::GetAtt"][0]

        assert set(variables) == set(resource["Properties"]["Environment"]["Variables"]), logical_id
        assert not [v for v in map(str, variables.values()) if "Fn::" in v or "${" in v], logical_id
        assert configuration["Role"] == iam.get_role(RoleName=physical(deployed, role))["Role"]["Arn"], logical_id
        assert "ReservedConcurrentExecutions" not in awslambda.get_function_concurrency(FunctionName=name)


def test_every_function_has_its_log_group_with_retention(deployed):
    logs = boto3.client("logs", region_name=REGION)
    groups = {g["logGroupName"]: g for g in logs.describe_log_groups()["logGroups"]}
    for logical_id in of_type(deployed, "AWS::Lambda::Function"):
        group = groups.get(f"/aws/lambda/{physical(deployed, logical_id)}")

        assert group and group.get("retentionInDays"), logical_id


def test_queue_consumers_are_mapped_to_their_queues(deployed):
    awslambda = boto3.client("lambda", region_name=REGION)
    for logical_id, resource in of_type(deployed, "AWS::Lambda::EventSourceMapping").items():
        mapping = awslambda.get_event_source_mapping(UUID=physical(deployed, logical_id))
        queue = physical(deployed, resource["Properties"]["EventSourceArn"]["Fn::GetAtt"][0]).rsplit("/", 1)[-1]

        assert mapping["EventSourceArn"].endswith(f":{queue}"), logical_id
        assert mapping["BatchSize"] == resource["Properties"]["BatchSize"], logical_id


def test_the_bounce_rule_matches_only_this_stacks_configuration_set(deployed):
    events = boto3.client("events", region_name=REGION)
    for logical_id in of_type(deployed, "AWS::Events::Rule"):
        rule = events.describe_rule(Name=physical(deployed, logical_id))
        pattern = json.loads(rule["EventPattern"])
        if pattern.get("source") != ["aws.ses"]:
            continue

        assert pattern["resources"] == [
            f"arn:aws:ses:{REGION}:123456789012:configuration-set/{deployed.outputs['SesConfigurationSetName']}"
        ]


def test_readme_names_only_resource_types_this_test_creates(deployed):
    readme = (tpl.REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("created by moto's CloudFormation:", 1)[1].split("\n\n", 1)[0]
    claimed = set(re.findall(r"`(AWS::[A-Za-z0-9]+::[A-Za-z0-9]+)`", section))

    assert claimed and claimed <= {r["Type"] for r in deployed.template["Resources"].values()}


@pytest.mark.parametrize(
    ("variant", "kept_types"),
    [("dev", set()), ("prod", {"AWS::DynamoDB::Table", "AWS::S3::Bucket"})],
)
def test_deleting_the_stack_leaves_only_what_the_stage_keeps(variant, kept_types):
    name = f"syndicate-delete-{variant}"
    with mock_aws():
        stack = deploy(variant, name)
        kept = {
            physical(stack, k)
            for k, r in stack.template["Resources"].items()
            if r.get("DeletionPolicy") == "Retain" and r["Type"] in ("AWS::DynamoDB::Table", "AWS::S3::Bucket")
        }
        boto3.client("cloudformation", region_name=REGION).delete_stack(StackName=name)

        tables = set(boto3.client("dynamodb", region_name=REGION).list_tables()["TableNames"])
        buckets = {b["Name"] for b in boto3.client("s3", region_name=REGION).list_buckets()["Buckets"]}
        left = {n for n in tables | buckets if n.lower().startswith(name)}

    assert left == kept
    assert {stack.template["Resources"][k]["Type"] for k in stack.resources if physical(stack, k) in left} == kept_types


@pytest.mark.parametrize("sample", ["bounce", "complaint"])
def test_ses_events_of_another_configuration_set_do_not_reach_the_feedback_function(deployed, sample):
    events = boto3.client("events", region_name=REGION)
    (rule,) = [
        json.loads(events.describe_rule(Name=physical(deployed, k))["EventPattern"])
        for k in of_type(deployed, "AWS::Events::Rule")
    ]
    ours = f"arn:aws:ses:{REGION}:123456789012:configuration-set/{deployed.outputs['SesConfigurationSetName']}"
    event = json.loads((tpl.REPO / "events" / "ses" / f"{sample}.json").read_text(encoding="utf-8"))

    def matches(configuration_set_arn: str) -> bool:
        # moto's own matcher, the one its event buses route with (it has no TestEventPattern).
        sent: Any = {**event, "resources": [configuration_set_arn]}
        return EventPattern.load(json.dumps(rule)).matches_event(sent)

    assert matches(ours)
    assert not matches(ours.rsplit("/", 1)[0] + "/another-application")
