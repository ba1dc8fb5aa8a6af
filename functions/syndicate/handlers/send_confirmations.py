"""SendConfirmationsFunction: queued sign-ups -> confirmation emails (within the limits), partial failures reported.

Records hold readers' addresses: the event is never logged and nothing of a record reaches a
trace or a log line; what is logged is the outcome and, for a refusal, SES's code and message
(with addresses already replaced by the SES adapter).
"""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from syndicate import dependencies
from syndicate.mailing.ports import SendingRefused
from syndicate.observability import logger, metrics, tracer
from syndicate.subscriptions.confirmation import Outcome
from syndicate.subscriptions.ports import SignUp

processor = BatchProcessor(event_type=EventType.SQS)
# Time one send may take with every SES backoff (about 6 s of waits); with less left, a sign-up
# goes back to the queue untouched rather than be cut off mid-send (when the whole batch, the
# ones already mailed included, would come back).
SAFETY_MARGIN_MS = 10_000
METRICS = {
    Outcome.SENT: "ConfirmationEmailsSent",
    Outcome.NOT_NEEDED: "ConfirmationsNotNeeded",
    Outcome.MAILBOX_LIMITED: "ConfirmationEmailsMailboxLimited",
    Outcome.OVER_BUDGET: "ConfirmationEmailsOverBudget",
    Outcome.REJECTED: "ConfirmationEmailsRefused",
}
REFUSED = "confirmation email refused by SES"


class DeadlineNear(Exception):
    """Too little time left to send safely; the sign-up goes back to the queue."""


def send_confirmation(record: SQSRecord, lambda_context: LambdaContext) -> None:
    if lambda_context.get_remaining_time_in_millis() < SAFETY_MARGIN_MS:
        raise DeadlineNear("too little time left to send; the sign-up will be retried")
    sign_up = SignUp.from_body(json.loads(record.body))
    try:
        result = dependencies.confirmation_service().send(sign_up)
    except SendingRefused as refused:
        # SES sends nothing for this account now (sandbox, sender not verified, IAM, paused):
        # the operator's to fix; the sign-up is retried, then waits in the dead-letter queue.
        metrics.add_metric(name="ConfirmationEmailsRefused", unit=MetricUnit.Count, value=1)
        logger.error(REFUSED, extra={"code": refused.code, "detail": refused.detail, "retried": True})
        raise
    metrics.add_metric(name=METRICS[result.outcome], unit=MetricUnit.Count, value=1)
    if result.outcome is Outcome.REJECTED:
        # This address alone (in the SES sandbox: any address not verified there); final.
        logger.warning(REFUSED, extra={"code": result.code, "detail": result.detail, "retried": False})
    elif result.outcome is Outcome.OVER_BUDGET:
        logger.warning("confirmation email over the hourly budget")


@logger.inject_lambda_context(log_event=False)
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics(capture_cold_start_metric=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    response = process_partial_response(
        event=event, record_handler=send_confirmation, processor=processor, context=context
    )
    return dict(response)
