"""DynamoDB Streams event sources of the template (``Type: DynamoDB`` events), delivered the way
Lambda's stream poller delivers them.

Each source reads its table's stream through the Streams API (moto keeps one shard per table)
from its ``StartingPosition``, opened when the stack starts. A record that matches none of the
``FilterCriteria`` patterns is passed over (moto's EventBridge pattern matcher: the syntax Lambda
filtering uses), tested on the record as the function would receive it. Matching records wait
until ``BatchSize`` of them do or ``MaximumBatchingWindowInSeconds`` has passed since the first
was read; then up to ``BatchSize`` go to the function in one event, in stream order, one batch
at a time per source.

A batch fails when the function raises, or (with ``ReportBatchItemFailures``) reports failures:
the records before the lowest sequence number it reported are done, and the rest are delivered
again (with what came after them, up to ``BatchSize``, and no batching window) after
``retry_delay`` seconds rather than Lambda's own backoff. After ``MaximumRetryAttempts`` retries
(-1: no limit) or once its oldest record waited ``MaximumRecordAgeInSeconds`` (-1: no limit) the
failed records are dropped, and with an ``OnFailure`` queue a description of them is sent there,
as Lambda does.
"""

from __future__ import annotations

import base64
import json
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, cast

from moto.events.models import EventPattern

from syndicate_dev import template as tpl
from syndicate_dev.local.runtime import ACCOUNT, FunctionFailed


@dataclass(frozen=True)
class StreamSource:
    function: str
    event: str
    table: str  # logical id of the AWS::DynamoDB::Table whose stream it reads
    starting_position: str  # LATEST or TRIM_HORIZON
    batch_size: int
    window_seconds: float
    patterns: tuple[str, ...]  # FilterCriteria patterns (JSON); none: every record
    report_batch_item_failures: bool
    max_retries: int  # -1: until the records are too old
    max_record_age: float  # seconds; -1: no limit
    on_failure: str | None  # logical id of the SQS queue told about dropped records


def stream_sources(template: dict[str, Any]) -> list[StreamSource]:
    found = []
    for logical_id, props in tpl.resources(template, "AWS::Serverless::Function").items():
        for event_name, event in (props.get("Events") or {}).items():
            if event["Type"] == "DynamoDB":
                found.append(_source(logical_id, event_name, event["Properties"]))
    return found


def _source(function: str, event: str, props: dict[str, Any]) -> StreamSource:
    filters = (props.get("FilterCriteria") or {}).get("Filters") or []
    on_failure = ((props.get("DestinationConfig") or {}).get("OnFailure") or {}).get("Destination")
    return StreamSource(
        function=function,
        event=event,
        table=_logical_id(props["Stream"]),
        starting_position=str(props.get("StartingPosition", "LATEST")),
        batch_size=int(props.get("BatchSize", 100)),
        window_seconds=float(props.get("MaximumBatchingWindowInSeconds", 0)),
        patterns=tuple(str(each["Pattern"]) for each in filters),
        report_batch_item_failures="ReportBatchItemFailures" in (props.get("FunctionResponseTypes") or []),
        max_retries=int(props.get("MaximumRetryAttempts", -1)),
        max_record_age=float(props.get("MaximumRecordAgeInSeconds", -1)),
        on_failure=_logical_id(on_failure) if on_failure else None,
    )


def _logical_id(node: Any) -> str:
    """The resource a ``!GetAtt Resource.Attribute`` names."""
    if isinstance(node, dict) and "Fn::GetAtt" in node:
        target = node["Fn::GetAtt"]
        return str(target[0] if isinstance(target, list) else target.split(".", 1)[0])
    raise ValueError(f"the local stack reads streams and queues of the template only (a !GetAtt), not {node!r}")


@dataclass
class StreamStats:
    batches: int = 0
    delivered: int = 0  # records in batches the function took
    failed_batches: int = 0
    filtered_out: int = 0
    dropped: int = 0  # failed records given up on


@dataclass
class _Reader:
    source: StreamSource
    stream_arn: str
    iterator: str | None
    matchers: list[EventPattern]
    waiting: list[tuple[float, dict[str, Any]]] = field(default_factory=list)  # (read at, record)
    attempts: int = 0
    retry_at: float = 0.0


class StreamDelivery:
    def __init__(
        self,
        template: dict[str, Any],
        resolver: tpl.Resolver,
        runtime: Any,
        streams: Any,
        sqs: Any,
        *,
        retry_delay: float = 1.0,
        poll_interval: float = 0.1,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.sources = stream_sources(template)
        self.resolver = resolver
        self.runtime = runtime
        self.streams = streams
        self.sqs = sqs
        self.retry_delay = retry_delay
        self.poll_interval = poll_interval
        self.monotonic = monotonic
        self.stats = {source.event: StreamStats() for source in self.sources}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._readers = [self._open(source) for source in self.sources]  # LATEST: from now on

    def _open(self, source: StreamSource) -> _Reader:
        arn = self.resolver.attributes[(source.table, "StreamArn")]
        shards = self.streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
        iterator = self.streams.get_shard_iterator(
            StreamArn=arn, ShardId=shards[0]["ShardId"], ShardIteratorType=source.starting_position
        )["ShardIterator"]
        return _Reader(source, arn, iterator, [EventPattern.load(pattern) for pattern in source.patterns])

    # -- one round ---------------------------------------------------------------------------
    def poll(self) -> bool:
        """Read what is new on every stream and deliver each batch that is due; True if one was."""
        with self._lock:
            delivered = [self._poll(reader) for reader in self._readers]
        return any(delivered)

    def waiting(self) -> int:
        """Matching records read and not yet delivered (or being retried)."""
        with self._lock:
            return sum(len(reader.waiting) for reader in self._readers)

    def _poll(self, reader: _Reader) -> bool:
        now = self.monotonic()
        self._read(reader, now)
        source = reader.source
        if not reader.waiting or now < reader.retry_at:
            return False
        gathering = len(reader.waiting) < source.batch_size and now - reader.waiting[0][0] < source.window_seconds
        if gathering and not reader.attempts:  # a retry does not wait for a window again
            return False
        batch = [record for _, record in reader.waiting[: source.batch_size]]
        stats = self.stats[source.event]
        stats.batches += 1  # handed to the function (its effects may show before it returns)
        failed_from = self._deliver(reader, batch)
        if failed_from is None:
            stats.delivered += len(batch)
            del reader.waiting[: len(batch)]
            reader.attempts = 0
            return True
        stats.failed_batches += 1
        stats.delivered += failed_from
        del reader.waiting[:failed_from]  # checkpointed before the first failure
        reader.attempts += 1
        reader.retry_at = now + self.retry_delay
        given_up = self._given_up(reader, now)
        if given_up:
            self._drop(reader, batch[failed_from:], given_up)
        return True

    def _read(self, reader: _Reader, now: float) -> None:
        while reader.iterator:
            answer = self.streams.get_records(ShardIterator=reader.iterator, Limit=1000)
            reader.iterator = answer.get("NextShardIterator")
            records = answer.get("Records") or []
            for record in records:
                event_record = _lambda_record(record, reader.stream_arn)
                if not reader.matchers or any(
                    matcher.matches_event(cast(Any, event_record)) for matcher in reader.matchers
                ):
                    reader.waiting.append((now, event_record))
                else:
                    self.stats[reader.source.event].filtered_out += 1
            if not records:
                return

    def _deliver(self, reader: _Reader, batch: list[dict[str, Any]]) -> int | None:
        """None when the batch succeeded, else the index of the first record to deliver again."""
        try:
            result = self.runtime.invoke(reader.source.function, {"Records": batch})
        except FunctionFailed:
            return 0
        if not reader.source.report_batch_item_failures or not isinstance(result, dict):
            return None
        failures = result.get("batchItemFailures") or []
        if not failures:
            return None
        numbers = [record["dynamodb"]["SequenceNumber"] for record in batch]
        reported = [str((failure or {}).get("itemIdentifier") or "") for failure in failures]
        if any(number not in numbers for number in reported):
            return 0  # Lambda treats a malformed report as a failure of the whole batch
        return min(numbers.index(number) for number in reported)

    def _given_up(self, reader: _Reader, now: float) -> str | None:
        source = reader.source
        if source.max_retries >= 0 and reader.attempts > source.max_retries:
            return "RetryAttemptsExhausted"
        if source.max_record_age >= 0 and reader.waiting and now - reader.waiting[0][0] >= source.max_record_age:
            return "RecordAgeExceeded"
        return None

    def _drop(self, reader: _Reader, failed: list[dict[str, Any]], condition: str) -> None:
        source = reader.source
        del reader.waiting[: len(failed)]
        self.stats[source.event].dropped += len(failed)
        attempts, reader.attempts, reader.retry_at = reader.attempts, 0, 0.0
        if source.on_failure is None:
            return
        numbers = [record["dynamodb"]["SequenceNumber"] for record in failed]
        description = {
            "requestContext": {
                "requestId": str(uuid.uuid4()),
                "functionArn": f"arn:aws:lambda:{self.runtime.region}:{ACCOUNT}:function:{source.function}",
                "condition": condition,
                "approximateInvokeCount": attempts,
            },
            "version": "1.0",
            "timestamp": datetime.now(UTC).isoformat(),
            "DDBStreamBatchInfo": {
                "startSequenceNumber": numbers[0],
                "endSequenceNumber": numbers[-1],
                "batchSize": len(failed),
                "streamArn": reader.stream_arn,
            },
        }
        self.sqs.send_message(QueueUrl=self.resolver.names[source.on_failure], MessageBody=json.dumps(description))

    # -- in the background -------------------------------------------------------------------
    def start(self) -> None:
        if not self.sources:
            return
        self._thread = threading.Thread(target=self._loop, name="local-stream-poller", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=10)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                busy = self.poll()
            except Exception as error:
                busy = False
                if not self._stop.is_set():
                    print(f"[local] reading the table streams failed: {error}")
            if not busy:
                self._stop.wait(self.poll_interval)


def _lambda_record(record: dict[str, Any], stream_arn: str) -> dict[str, Any]:
    """A record as the Streams API returned it (through boto3), in the shape Lambda delivers."""
    delivered = _as_json(record)
    delivered["eventSourceARN"] = stream_arn
    return delivered


def _as_json(value: Any) -> Any:
    """boto3's values back to the wire's: bytes as base64, times as epoch seconds."""
    if isinstance(value, dict):
        return {key: _as_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_as_json(item) for item in value]
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, datetime):
        return int(value.timestamp())
    return value
