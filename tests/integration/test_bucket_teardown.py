"""BucketTeardownFunction: a deleted stack's buckets are emptied (every version) and deleted, and
only then; CloudFormation always gets an answer."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from moto.cloudformation.models import cloudformation_backends
from moto.core import DEFAULT_ACCOUNT_ID

from tests.support.lambda_context import FakeLambdaContext

REGION = "us-east-1"
RESPONSE_URL = "https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/answer?X-Amz-Signature=x"


class Answers:
    """What the function PUT to the ResponseURL (CloudFormation's pre-signed S3 URL)."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, dict[str, Any]]] = []

    def __call__(self, request: Any, timeout: float) -> Answers:
        self.sent.append((request.get_method(), request.full_url, json.loads(request.data)))
        return self

    def __enter__(self) -> Answers:
        return self

    def __exit__(self, *exc: Any) -> None:
        pass

    def read(self) -> bytes:
        return b""


@pytest.fixture
def answers(monkeypatch) -> Answers:
    recorder = Answers()
    monkeypatch.setattr("syndicate.adapters.cloudformation.urllib.request.urlopen", recorder)
    return recorder


@pytest.fixture
def teardown(stack, monkeypatch, answers, sleeps):
    stack.use("BucketTeardownFunction", monkeypatch)
    from syndicate.handlers import bucket_teardown

    return bucket_teardown.handler


def cloudformation_stack(status: str) -> str:
    stack_id = boto3.client("cloudformation", region_name=REGION).create_stack(
        StackName="syndicate-under-test",
        TemplateBody=json.dumps({"Resources": {"Marker": {"Type": "AWS::SQS::Queue"}}}),
    )["StackId"]
    cloudformation_backends[DEFAULT_ACCOUNT_ID][REGION].stacks[stack_id].status = status
    return stack_id


def used_bucket(name: str, *, versioned: bool) -> str:
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket=name)
    if versioned:
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    for n in range(3):
        s3.put_object(Bucket=name, Key="articles/a/body.json", Body=f"version {n}".encode())
        s3.put_object(Bucket=name, Key=f"feeds/{n}.xml", Body=b"<rss/>")
    s3.delete_object(Bucket=name, Key="feeds/0.xml")  # a delete marker when versioned
    return name


def request(request_type: str, stack_id: str, buckets: list[str]) -> dict[str, Any]:
    return {
        "RequestType": request_type,
        "ResponseURL": RESPONSE_URL,
        "StackId": stack_id,
        "RequestId": "d1e2f3a4-0000-4000-8000-000000000001",
        "LogicalResourceId": "BucketTeardown",
        "PhysicalResourceId": "bucket-teardown",
        "ResourceType": "Custom::BucketTeardown",
        "ResourceProperties": {"ServiceToken": "arn:aws:lambda:us-east-1:123456789012:function:x", "Buckets": buckets},
    }


def bucket_names() -> set[str]:
    return {b["Name"] for b in boto3.client("s3", region_name=REGION).list_buckets()["Buckets"]}


def test_deleting_the_stack_erases_every_version_of_every_bucket_it_names(teardown, answers):
    stack_id = cloudformation_stack("DELETE_IN_PROGRESS")
    buckets = [used_bucket("syn-articles", versioned=True), used_bucket("syn-site", versioned=False)]

    teardown(request("Delete", stack_id, buckets), FakeLambdaContext())

    assert not bucket_names() & set(buckets)
    [(method, url, answer)] = answers.sent
    assert (method, url) == ("PUT", RESPONSE_URL)
    assert answer["Status"] == "SUCCESS" and answer["PhysicalResourceId"] == "bucket-teardown"
    assert answer["Data"] == {"Erased": 7 + 3}  # 6 versions and a delete marker; 3 unversioned objects


def test_a_failed_create_rolling_back_erases_the_buckets_too(teardown, answers):
    stack_id = cloudformation_stack("ROLLBACK_IN_PROGRESS")
    bucket = used_bucket("syn-site", versioned=False)

    teardown(request("Delete", stack_id, [bucket]), FakeLambdaContext())

    assert bucket not in bucket_names()


@pytest.mark.parametrize(
    "status", ["UPDATE_IN_PROGRESS", "UPDATE_ROLLBACK_IN_PROGRESS", "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS"]
)
def test_the_buckets_stay_when_only_the_teardown_resource_leaves_the_stack(teardown, answers, status):
    stack_id = cloudformation_stack(status)
    bucket = used_bucket("syn-site", versioned=False)

    teardown(request("Delete", stack_id, [bucket]), FakeLambdaContext())

    assert bucket in bucket_names()
    assert answers.sent[0][2]["Status"] == "SUCCESS"


@pytest.mark.parametrize("request_type", ["Create", "Update"])
def test_create_and_update_touch_nothing_and_keep_one_physical_id(teardown, answers, request_type):
    stack_id = cloudformation_stack("DELETE_IN_PROGRESS")  # even so: only a Delete erases
    bucket = used_bucket("syn-site", versioned=False)
    event = request(request_type, stack_id, [bucket])
    if request_type == "Create":
        del event["PhysicalResourceId"]

    teardown(event, FakeLambdaContext())

    assert bucket in bucket_names()
    assert answers.sent[0][2]["PhysicalResourceId"] == "bucket-teardown"


def test_an_object_written_after_the_emptying_is_erased_before_the_bucket_goes(teardown, answers, monkeypatch):
    """A function still running while the stack goes may write after the first emptying."""
    stack_id = cloudformation_stack("DELETE_IN_PROGRESS")
    bucket = used_bucket("syn-site", versioned=False)
    late_writes: list[int] = []

    from syndicate.adapters import clients

    real_client = clients.client

    def client_with_a_late_writer(service: str, **options: Any) -> Any:
        created = real_client(service, **options)
        if service == "s3" and not late_writes:

            def write_late(**kwargs: Any) -> None:
                if not late_writes:
                    late_writes.append(1)
                    boto3.client("s3", region_name=REGION).put_object(Bucket=bucket, Key="feeds/late.xml", Body=b"x")

            created.meta.events.register("before-call.s3.DeleteBucket", write_late)
        return created

    monkeypatch.setattr("syndicate.adapters.buckets.client", client_with_a_late_writer)

    teardown(request("Delete", stack_id, [bucket]), FakeLambdaContext())

    assert late_writes and bucket not in bucket_names()
    assert answers.sent[0][2]["Status"] == "SUCCESS"


def test_a_bucket_already_gone_counts_as_erased(teardown, answers):
    stack_id = cloudformation_stack("DELETE_IN_PROGRESS")

    teardown(request("Delete", stack_id, ["syn-never-created"]), FakeLambdaContext())

    assert answers.sent[0][2]["Status"] == "SUCCESS"


def test_a_failure_is_answered_with_its_reason_so_the_stack_does_not_wait_an_hour(teardown, answers, monkeypatch):
    stack_id = cloudformation_stack("DELETE_IN_PROGRESS")
    bucket = used_bucket("syn-site", versioned=False)
    from syndicate.adapters import buckets

    def refused(eraser: Any, bucket_name: str) -> int:  # as S3 answers a deny policy in AWS
        raise buckets.BucketEraseFailed(f"S3 kept 1 objects of {bucket_name} (feeds/1.xml: AccessDenied)")

    monkeypatch.setattr(buckets.S3BucketEraser, "_empty", refused)

    teardown(request("Delete", stack_id, [bucket]), FakeLambdaContext())

    [(_, _, answer)] = answers.sent
    assert answer["Status"] == "FAILED"
    assert answer["Reason"] == "BucketEraseFailed: S3 kept 1 objects of syn-site (feeds/1.xml: AccessDenied)"
    assert answer["PhysicalResourceId"] == "bucket-teardown" and bucket in bucket_names()


def test_an_answer_goes_only_to_an_https_url(stack, monkeypatch):
    from syndicate.adapters.cloudformation import CustomResourceResponder

    with pytest.raises(ValueError, match="https"):
        CustomResourceResponder().send("http://169.254.169.254/latest/meta-data", {"Status": "SUCCESS"})
