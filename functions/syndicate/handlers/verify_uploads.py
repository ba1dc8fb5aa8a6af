"""VerifyUploadsFunction: each image upload that lands (S3 ``ObjectCreated`` events through the
upload queue) is checked, then published to ``media/`` or refused, and deleted; failures of one
record are reported so only it comes back."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote_plus

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from syndicate import dependencies
from syndicate.assets.model import REFUSED, VERIFIED
from syndicate.observability import logger, metrics, tracer

processor = BatchProcessor(event_type=EventType.SQS)
METRICS = {VERIFIED: "UploadsVerified", REFUSED: "UploadsRefused"}


def verify_record(record: SQSRecord) -> None:
    """One S3 notification (S3 sends a test event with no records when the queue is configured)."""
    notification = json.loads(record.body)
    for entry in notification.get("Records") or []:
        key = unquote_plus(entry["s3"]["object"]["key"])
        claim = dependencies.upload_verifier().verify_upload(key)
        if claim is None:
            logger.info("upload already handled or not an upload", extra={"key": key})
            continue
        metrics.add_metric(name=METRICS[claim.state], unit=MetricUnit.Count, value=1)
        logger.info("upload checked", extra={"key": key, "state": claim.state, "reason": claim.reason})


@logger.inject_lambda_context(log_event=False)
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics(capture_cold_start_metric=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    response = process_partial_response(event=event, record_handler=verify_record, processor=processor, context=context)
    return dict(response)
