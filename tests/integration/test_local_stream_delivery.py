"""DynamoDB Streams deliveries of the local stack: filters, batching window and size, partial batch
failures, retries and the on-failure queue, on moto, with a table and a consumer declared the way
template.yaml declares them (and a clock the test moves)."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

from syndicate_dev.local.runtime import FunctionFailed
from syndicate_dev.local.streams import StreamDelivery
from syndicate_dev.provision import create_resources


def template(**overrides: Any) -> dict[str, Any]:
    properties = {
        "Stream": {"Fn::GetAtt": ["WorkTable", "StreamArn"]},
        "StartingPosition": "LATEST",
        "BatchSize": 3,
        "MaximumBatchingWindowInSeconds": 2,
        "FunctionResponseTypes": ["ReportBatchItemFailures"],
        "MaximumRetryAttempts": 2,
        "FilterCriteria": {"Filters": [{"Pattern": '{"dynamodb": {"NewImage": {"kind": {"S": ["work"]}}}}'}]},
        "DestinationConfig": {"OnFailure": {"Type": "SQS", "Destination": {"Fn::GetAtt": ["FailedQueue", "Arn"]}}},
        **overrides,
    }
    return {
        "Resources": {
            "WorkTable": {
                "Type": "AWS::DynamoDB::Table",
                "Properties": {
                    "BillingMode": "PAY_PER_REQUEST",
                    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                    "StreamSpecification": {"StreamViewType": "NEW_IMAGE"},
                },
            },
            "FailedQueue": {"Type": "AWS::SQS::Queue", "Properties": {}},
            "WorkerFunction": {
                "Type": "AWS::Serverless::Function",
                "Properties": {
                    "Handler": "none.handler",
                    "Events": {"Changes": {"Type": "DynamoDB", "Properties": properties}},
                },
            },
        }
    }


class Worker:
    """A consumer that fails the records whose item says so: reported, or by raising."""

    region = "us-east-1"

    def __init__(self, *, raise_on_failure: bool = False, malformed: bool = False) -> None:
        self.batches: list[list[str]] = []
        self.raise_on_failure, self.malformed = raise_on_failure, malformed

    def invoke(self, function: str, event: dict[str, Any]) -> dict[str, Any]:
        records = event["Records"]
        assert all(record["eventSource"] == "aws:dynamodb" and record["eventSourceARN"] for record in records)
        self.batches.append([record["dynamodb"]["Keys"]["pk"]["S"] for record in records])
        failing = [r["dynamodb"]["SequenceNumber"] for r in records if "fail" in r["dynamodb"]["NewImage"]]
        if failing and self.raise_on_failure:
            raise FunctionFailed(function, RuntimeError("a record failed"))
        if failing and self.malformed:
            return {"batchItemFailures": [{"itemIdentifier": "not-a-sequence-number"}]}
        return {"batchItemFailures": [{"itemIdentifier": number} for number in failing]}


class World:
    def __init__(self, worker: Worker, **overrides: Any) -> None:
        declared = template(**overrides)
        self.resolver = create_resources(declared, prefix="s")
        self.table = self.resolver.names["WorkTable"]
        self.worker = worker
        self.now = 0.0
        self.delivery = StreamDelivery(
            declared,
            self.resolver,
            worker,
            boto3.client("dynamodbstreams"),
            boto3.client("sqs"),
            retry_delay=1,
            monotonic=lambda: self.now,
        )

    def put(self, key: str, kind: str = "work", fail: bool = False) -> None:
        item: dict[str, dict[str, Any]] = {"pk": {"S": key}, "kind": {"S": kind}}
        if fail:
            item["fail"] = {"BOOL": True}
        boto3.client("dynamodb").put_item(TableName=self.table, Item=item)

    def after(self, seconds: float) -> bool:
        self.now += seconds
        return self.delivery.poll()

    def failed_queue(self) -> list[dict[str, Any]]:
        answer = boto3.client("sqs").receive_message(
            QueueUrl=self.resolver.names["FailedQueue"], MaxNumberOfMessages=10
        )
        return [json.loads(message["Body"]) for message in answer.get("Messages", [])]


@pytest.fixture
def world(aws) -> World:
    return World(Worker())


def test_records_wait_for_the_batching_window_then_go_in_one_batch(world):
    world.put("a")
    world.put("b")

    assert not world.after(0)
    assert not world.after(1.9)
    assert world.after(0.1)
    assert world.worker.batches == [["a", "b"]]


def test_a_full_batch_goes_at_once_and_the_rest_waits_for_its_window(world):
    for key in "abcde":
        world.put(key)

    assert world.after(0)
    assert world.worker.batches == [["a", "b", "c"]]
    assert not world.after(1)
    assert world.after(1)
    assert world.worker.batches == [["a", "b", "c"], ["d", "e"]]


def test_records_no_filter_pattern_matches_are_passed_over(world):
    world.put("a", kind="noise")
    world.put("b")
    world.put("c", kind="noise")

    world.after(0)
    world.after(2)

    assert world.worker.batches == [["b"]]
    assert world.delivery.stats["Changes"].filtered_out == 2


def test_changes_made_before_the_stack_started_are_not_delivered_from_latest(aws):
    worker = Worker()
    world = World(worker)
    boto3.client("dynamodb").put_item(TableName=world.table, Item={"pk": {"S": "old"}, "kind": {"S": "work"}})
    late = StreamDelivery(
        template(),
        world.resolver,
        worker,
        boto3.client("dynamodbstreams"),
        boto3.client("sqs"),
        monotonic=lambda: world.now,
    )
    world.put("new")

    world.now = 5
    late.poll()
    world.now = 7
    late.poll()

    assert worker.batches == [["new"]]


def test_a_reported_failure_keeps_what_came_before_and_retries_from_it_with_what_came_after(world):
    world.put("a")
    world.put("b", fail=True)
    world.put("c")

    world.after(0)  # a, b, c: b fails
    world.put("d")
    world.after(1)  # retried from b: b, c, d

    assert world.worker.batches[:2] == [["a", "b", "c"], ["b", "c", "d"]]


def test_after_the_last_retry_the_failed_records_go_and_the_queue_is_told(world):
    world.put("a")
    world.put("b", fail=True)
    world.put("c")

    world.after(0)
    world.after(1)
    world.after(1)  # the second retry: MaximumRetryAttempts 2
    world.put("d")
    world.after(0)
    world.after(2)

    assert world.worker.batches == [["a", "b", "c"], ["b", "c"], ["b", "c"], ["d"]]
    (told,) = world.failed_queue()
    assert told["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert told["requestContext"]["approximateInvokeCount"] == 3
    assert told["DDBStreamBatchInfo"]["batchSize"] == 2
    assert world.delivery.stats["Changes"].dropped == 2


def test_a_function_that_raises_gets_the_whole_batch_again(aws):
    world = World(Worker(raise_on_failure=True))
    world.put("a")
    world.put("b", fail=True)

    world.after(0)
    world.after(2)
    world.after(1)

    assert world.worker.batches == [["a", "b"], ["a", "b"]]


def test_a_malformed_failure_report_fails_the_whole_batch(aws):
    world = World(Worker(malformed=True))
    world.put("a")
    world.put("b", fail=True)

    world.after(0)
    world.after(2)
    world.after(1)

    assert world.worker.batches == [["a", "b"], ["a", "b"]]


def test_without_a_retry_limit_records_go_once_they_are_too_old(aws):
    world = World(Worker(), MaximumRetryAttempts=-1, MaximumRecordAgeInSeconds=60)
    world.put("a", fail=True)

    world.after(0)
    attempts = 0
    while world.delivery.waiting() and attempts < 1000:
        world.after(1)
        attempts += 1

    assert 55 <= len(world.worker.batches) <= 62
    assert world.failed_queue()[0]["requestContext"]["condition"] == "RecordAgeExceeded"
