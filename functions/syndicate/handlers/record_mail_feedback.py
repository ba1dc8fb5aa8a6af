"""RecordMailFeedbackFunction: SES bounce / complaint events -> the address is suppressed, and a
digest's feedback counted against its edition and the hour it was sent (the reputation guard)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from syndicate import dependencies
from syndicate.digests.feedback import understood
from syndicate.observability import logger, metrics, tracer


def ses_events(event: dict[str, Any]) -> Iterator[Any]:
    """The SES event objects in an EventBridge event (``detail``) or an SNS delivery (``Message``);
    None for a message that is not JSON."""
    if "detail" in event:
        yield event["detail"]
    for record in event.get("Records") or []:
        if "Sns" in record:
            try:
                yield json.loads(record["Sns"]["Message"])
            except (TypeError, ValueError):
                yield None


@logger.inject_lambda_context(log_event=False)
@tracer.capture_lambda_handler
@metrics.log_metrics(capture_cold_start_metric=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    recorder = dependencies.feedback_recorder()
    suppressed = not_understood = 0
    counted = {"bounce": 0, "complaint": 0}
    for ses_event in ses_events(event):
        if not understood(ses_event):
            # Counted, never guessed at; what it held may name readers, so it is not logged.
            not_understood += 1
            continue
        feedback = recorder.record(ses_event)
        if feedback is not None:
            suppressed += len(feedback.addresses)
            if feedback.edition_id is not None:
                counted[feedback.kind] += len(feedback.addresses)
            logger.info("addresses suppressed", extra={"kind": feedback.kind, "count": len(feedback.addresses)})
    if not_understood:
        logger.warning("SES notifications not understood", extra={"count": not_understood})
    metrics.add_metric(name="AddressesSuppressed", unit=MetricUnit.Count, value=suppressed)
    metrics.add_metric(name="MailFeedbackNotUnderstood", unit=MetricUnit.Count, value=not_understood)
    # Of digests (their edition tag came back), as the reputation guard counts them.
    metrics.add_metric(name="DigestsBounced", unit=MetricUnit.Count, value=counted["bounce"])
    metrics.add_metric(name="DigestsComplained", unit=MetricUnit.Count, value=counted["complaint"])
    return {"suppressed": suppressed}
