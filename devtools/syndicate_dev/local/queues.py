"""SQS event source mappings of the template: messages delivered to their consumer functions.

Like Lambda's poller, it receives through SQS itself (so moto applies the queue's redrive
policy: after ``maxReceiveCount`` receives a message moves to the dead-letter queue), builds the
SQS event of up to ``BatchSize`` records, deletes what succeeded and leaves the failures to
become visible again. With ``ReportBatchItemFailures`` only the reported items fail; without it,
or when the function raises, the whole batch does. A failed message is retried after
``retry_delay`` seconds rather than the queue's full visibility timeout, so a local run finishes
in seconds (the number of attempts before the DLQ is the template's).
"""

from __future__ import annotations

import base64
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from syndicate_dev import template as tpl
from syndicate_dev.local.runtime import FunctionFailed, Invoker


@dataclass
class DeliveryStats:
    batches: int = 0
    delivered: int = 0
    failed: int = 0


class QueueDelivery:
    def __init__(
        self,
        template: dict[str, Any],
        resolver: tpl.Resolver,
        runtime: Invoker,
        sqs: Any,
        *,
        retry_delay: int = 1,
        poll_interval: float = 0.25,
        say: Callable[[str], None] = print,
    ) -> None:
        self.sources = tpl.queue_sources(template)
        self.resolver = resolver
        self.runtime = runtime
        self.sqs = sqs
        self.retry_delay = retry_delay
        self.poll_interval = poll_interval
        self.say = say
        self.stats = {source.event: DeliveryStats() for source in self.sources}
        self._locks = {source.event: threading.Lock() for source in self.sources}
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def counts(self, since: dict[str, dict[str, int]] | None = None) -> dict[str, dict[str, int]]:
        """Messages delivered and failed per event source (since an earlier ``counts()``)."""
        earlier = since or {}
        return {
            event: {
                "delivered": stats.delivered - earlier.get(event, {}).get("delivered", 0),
                "failed": stats.failed - earlier.get(event, {}).get("failed", 0),
            }
            for event, stats in self.stats.items()
        }

    def describe(self) -> list[dict[str, Any]]:
        return [
            {
                "event": source.event,
                "function": source.function,
                "queue": source.queue,
                "batch_size": source.batch_size,
                "report_batch_item_failures": source.report_batch_item_failures,
            }
            for source in self.sources
        ]

    def queue_url(self, source: tpl.QueueSource) -> str:
        return self.resolver.names[source.queue]

    def queue_arn(self, source: tpl.QueueSource) -> str:
        return self.resolver.attributes[(source.queue, "Arn")]

    # -- one batch ---------------------------------------------------------------------------
    def deliver_once(self, source: tpl.QueueSource) -> int:
        """Receive one batch for ``source`` and hand it to its function; how many messages it had."""
        with self._locks[source.event]:
            messages = self._receive(source)
            if not messages:
                return 0
            event = {"Records": [self._record(source, message) for message in messages]}
            stats = self.stats[source.event]
            stats.batches += 1
            failed_ids: set[str]
            try:
                result = self.runtime.invoke(source.function, event)
            except FunctionFailed:
                failed_ids = {message["MessageId"] for message in messages}
            else:
                failed_ids = self._reported_failures(source, result, messages)
            for message in messages:
                if message["MessageId"] in failed_ids:
                    self.sqs.change_message_visibility(
                        QueueUrl=self.queue_url(source),
                        ReceiptHandle=message["ReceiptHandle"],
                        VisibilityTimeout=self.retry_delay,
                    )
                else:
                    self.sqs.delete_message(QueueUrl=self.queue_url(source), ReceiptHandle=message["ReceiptHandle"])
            stats.failed += len(failed_ids)
            stats.delivered += len(messages) - len(failed_ids)
            return len(messages)

    def _receive(self, source: tpl.QueueSource) -> list[dict[str, Any]]:
        messages: list[dict[str, Any]] = []
        while len(messages) < source.batch_size:
            answer = self.sqs.receive_message(
                QueueUrl=self.queue_url(source),
                MaxNumberOfMessages=min(10, source.batch_size - len(messages)),
                AttributeNames=["All"],
                MessageAttributeNames=["All"],
                WaitTimeSeconds=0,
            )
            received = answer.get("Messages") or []
            messages.extend(received)
            if len(received) < 10:
                break
        return messages

    def _record(self, source: tpl.QueueSource, message: dict[str, Any]) -> dict[str, Any]:
        attributes = {}
        for name, value in (message.get("MessageAttributes") or {}).items():
            attribute = {"stringListValues": [], "binaryListValues": [], "dataType": value["DataType"]}
            if "StringValue" in value:
                attribute["stringValue"] = value["StringValue"]
            if "BinaryValue" in value:
                attribute["binaryValue"] = base64.b64encode(value["BinaryValue"]).decode("ascii")
            attributes[name] = attribute
        record = {
            "messageId": message["MessageId"],
            "receiptHandle": message["ReceiptHandle"],
            "body": message["Body"],
            "attributes": dict(message.get("Attributes") or {}),
            "messageAttributes": attributes,
            "md5OfBody": message.get("MD5OfBody"),
            "eventSource": "aws:sqs",
            "eventSourceARN": self.queue_arn(source),
            "awsRegion": self.runtime.region,
        }
        if "MD5OfMessageAttributes" in message:
            record["md5OfMessageAttributes"] = message["MD5OfMessageAttributes"]
        return record

    def _reported_failures(self, source: tpl.QueueSource, result: Any, messages: list[dict[str, Any]]) -> set[str]:
        if not source.report_batch_item_failures or not isinstance(result, dict):
            return set()
        ids = {message["MessageId"] for message in messages}
        failures = result.get("batchItemFailures") or []
        reported = {str((item or {}).get("itemIdentifier") or "") for item in failures}
        if any(identifier not in ids for identifier in reported):
            return ids  # Lambda treats a malformed report as a failure of the whole batch
        return reported

    # -- background and draining -------------------------------------------------------------
    def start(self) -> None:
        if not self.sources:
            return
        self._thread = threading.Thread(target=self._loop, name="local-sqs-poller", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread:
            self._thread.join(timeout=10)

    def _loop(self) -> None:
        while not self._stop.is_set():
            busy = False
            for source in self.sources:
                try:
                    busy = self.deliver_once(source) > 0 or busy
                except Exception as error:
                    if not self._stop.is_set():
                        self.say(f"delivering {source.event} failed: {error}")
            if not busy:
                self._wake.wait(self.poll_interval)
                self._wake.clear()

    def pending(self) -> int:
        """Messages still to be delivered (visible, in flight or delayed) on every consumed queue."""
        total = 0
        for source in self.sources:
            attributes = self.sqs.get_queue_attributes(
                QueueUrl=self.queue_url(source),
                AttributeNames=[
                    "ApproximateNumberOfMessages",
                    "ApproximateNumberOfMessagesNotVisible",
                    "ApproximateNumberOfMessagesDelayed",
                ],
            )["Attributes"]
            total += sum(int(value) for value in attributes.values())
        return total

    def drain(self, timeout: float = 120.0) -> bool:
        """Deliver until every consumed queue is empty (failures retried until the DLQ takes them)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            delivered = sum(self.deliver_once(source) for source in self.sources)
            if delivered == 0:
                if self.pending() == 0:
                    return True
                time.sleep(0.05)
        return False
