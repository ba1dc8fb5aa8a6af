"""SendDigestsFunction: SQS batches of digest recipients -> SES, partial failures reported."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from syndicate import dependencies
from syndicate.digests.delivery import DigestBatch
from syndicate.observability import logger, metrics, tracer

processor = BatchProcessor(event_type=EventType.SQS)
# Stop claiming recipients when less than this is left: what is unsent goes back to the queue.
SAFETY_MARGIN_MS = 15_000


def send_batch(record: SQSRecord, lambda_context: LambdaContext) -> None:
    batch = DigestBatch.from_body(json.loads(record.body))
    report = dependencies.digest_delivery().deliver(
        batch, time_left=lambda: lambda_context.get_remaining_time_in_millis() > SAFETY_MARGIN_MS
    )
    metrics.add_metric(name="DigestsSent", unit=MetricUnit.Count, value=report.sent)
    metrics.add_metric(name="DigestsAlreadySent", unit=MetricUnit.Count, value=report.already_sent)
    metrics.add_metric(name="DigestsRejected", unit=MetricUnit.Count, value=len(report.rejected))
    metrics.add_metric(name="DigestSendsThrottled", unit=MetricUnit.Count, value=report.throttled)
    if report.paused:
        # Not sent and not failed: the batch waits, parked, for `syndicate digests resume`.
        logger.warning("digest batch paused", extra={"edition": batch.edition_id, "reason": report.paused})
        metrics.add_metric(name="DigestSendingPaused", unit=MetricUnit.Count, value=1)
    for rejection in report.rejected:
        # Final for that reader and this edition; the code says why (the detail has no address).
        logger.warning("digest recipient rejected", extra={"edition": batch.edition_id, **asdict(rejection)})
    logger.info(
        "digest batch delivered",
        extra={
            "edition": batch.edition_id,
            "sent": report.sent,
            "already_sent": report.already_sent,
            "not_receiving": report.not_receiving,
            "rejected": len(report.rejected),
            "throttled": report.throttled,
            "paused": report.paused is not None,
        },
    )


@logger.inject_lambda_context(log_event=False)
@tracer.capture_lambda_handler
@metrics.log_metrics(capture_cold_start_metric=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    response = process_partial_response(event=event, record_handler=send_batch, processor=processor, context=context)
    return dict(response)
