"""SQS deliveries of the local stack: batch size, partial batch failures and redrive to the DLQ,
on moto, with a queue pair and consumer declared the way template.yaml declares them."""

from __future__ import annotations

import json

import boto3

from syndicate_dev.local.queues import QueueDelivery
from syndicate_dev.local.runtime import FunctionFailed
from syndicate_dev.provision import create_resources


def template(report_failures: bool) -> dict:
    events = {
        "Batches": {
            "Type": "SQS",
            "Properties": {
                "Queue": {"Fn::GetAtt": ["WorkQueue", "Arn"]},
                "BatchSize": 4,
                "FunctionResponseTypes": ["ReportBatchItemFailures"] if report_failures else [],
            },
        }
    }
    return {
        "Resources": {
            "WorkDeadLetterQueue": {"Type": "AWS::SQS::Queue", "Properties": {}},
            "WorkQueue": {
                "Type": "AWS::SQS::Queue",
                "Properties": {
                    "VisibilityTimeout": 60,
                    "RedrivePolicy": {
                        "deadLetterTargetArn": {"Fn::GetAtt": ["WorkDeadLetterQueue", "Arn"]},
                        "maxReceiveCount": 3,
                    },
                },
            },
            "WorkerFunction": {
                "Type": "AWS::Serverless::Function",
                "Properties": {"Handler": "none.handler", "Events": events},
            },
        }
    }


class Worker:
    """A consumer that fails every message whose body says so."""

    region = "us-east-1"

    def __init__(self, raise_on_failure: bool = False) -> None:
        self.batches: list[list[dict]] = []
        self.raise_on_failure = raise_on_failure

    def invoke(self, function: str, event: dict) -> dict:
        records = event["Records"]
        self.batches.append(records)
        failing = [r["messageId"] for r in records if json.loads(r["body"]).get("fail")]
        if failing and self.raise_on_failure:
            raise FunctionFailed(function, RuntimeError("a record failed"))
        return {"batchItemFailures": [{"itemIdentifier": identifier} for identifier in failing]}

    def attempts(self, body: dict) -> int:
        return sum(1 for batch in self.batches for record in batch if json.loads(record["body"]) == body)


def deliver(report_failures: bool, bodies: list[dict], worker: Worker):
    tpl = template(report_failures)
    resolver = create_resources(tpl, prefix="q")
    sqs = boto3.client("sqs")
    for body in bodies:
        sqs.send_message(QueueUrl=resolver.names["WorkQueue"], MessageBody=json.dumps(body))
    delivery = QueueDelivery(tpl, resolver, worker, sqs, retry_delay=0)
    assert delivery.drain(timeout=60)
    dead = sqs.receive_message(QueueUrl=resolver.names["WorkDeadLetterQueue"], MaxNumberOfMessages=10)
    return [json.loads(m["Body"]) for m in dead.get("Messages", [])]


def test_messages_are_delivered_in_batches_of_the_template_batch_size(aws):
    worker = Worker()

    deliver(True, [{"n": n} for n in range(10)], worker)

    assert sorted(len(batch) for batch in worker.batches) == [2, 4, 4]


def test_records_have_the_lambda_sqs_event_shape(aws):
    worker = Worker()

    deliver(True, [{"n": 1}], worker)

    record = worker.batches[0][0]
    assert record["eventSource"] == "aws:sqs"
    assert record["eventSourceARN"].endswith(":q-WorkQueue")
    assert {"messageId", "receiptHandle", "body", "attributes", "messageAttributes", "md5OfBody", "awsRegion"} <= set(
        record
    )
    assert record["attributes"]["ApproximateReceiveCount"] == "1"


def test_a_reported_failure_is_retried_until_the_dead_letter_queue_takes_it(aws):
    worker = Worker()

    dead = deliver(True, [{"n": 1}, {"n": 2, "fail": True}, {"n": 3}], worker)

    assert dead == [{"n": 2, "fail": True}]
    assert worker.attempts({"n": 2, "fail": True}) == 3
    assert worker.attempts({"n": 1}) == worker.attempts({"n": 3}) == 1


def test_without_partial_failure_reports_a_raising_function_fails_the_whole_batch(aws):
    worker = Worker(raise_on_failure=True)

    dead = deliver(False, [{"n": 1}, {"n": 2, "fail": True}], worker)

    assert sorted(d["n"] for d in dead) == [1, 2]
    assert worker.attempts({"n": 1}) == 3
