"""RecordMailFeedbackFunction: SES bounce / complaint events -> the address is suppressed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from syndicate import dependencies
from syndicate.observability import logger, metrics, tracer


def ses_events(event: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The SES event objects in an EventBridge event (``detail``) or an SNS delivery (``Message``)."""
    if "detail" in event:
        yield event["detail"]
    for record in event.get("Records") or []:
        if "Sns" in record:
            yield json.loads(record["Sns"]["Message"])


@logger.inject_lambda_context(log_event=False)
@tracer.capture_lambda_handler
@metrics.log_metrics(capture_cold_start_metric=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    recorder = dependencies.feedback_recorder()
    suppressed = 0
    for ses_event in ses_events(event):
        feedback = recorder.record(ses_event)
        if feedback is not None:
            suppressed += len(feedback.addresses)
            logger.info("addresses suppressed", extra={"kind": feedback.kind, "count": len(feedback.addresses)})
    metrics.add_metric(name="AddressesSuppressed", unit=MetricUnit.Count, value=suppressed)
    return {"suppressed": suppressed}
