"""SendConfirmationsFunction: the confirmation queue's mail, partial failures reported: the
confirmation email of each sign-up (within the limits), and the welcome email of each confirmation.

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
from syndicate.subscriptions.ports import SignUp, WelcomeDue, queued_mail
from syndicate.subscriptions.welcome import WelcomeOutcome

processor = BatchProcessor(event_type=EventType.SQS)
# Time one send may take with every SES backoff (about 6 s of waits); with less left, a message
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
WELCOME_METRICS = {
    WelcomeOutcome.SENT: "WelcomeEmailsSent",
    WelcomeOutcome.ALREADY_SENT: "WelcomesAlreadySent",
    WelcomeOutcome.NOT_DUE: "WelcomesNotDue",
    WelcomeOutcome.REJECTED: "WelcomeEmailsRefused",
}
REFUSED = "confirmation email refused by SES"
WELCOME_REFUSED = "welcome email refused by SES"


class DeadlineNear(Exception):
    """Too little time left to send safely; the message goes back to the queue."""


def send_queued_mail(record: SQSRecord, lambda_context: LambdaContext) -> None:
    if lambda_context.get_remaining_time_in_millis() < SAFETY_MARGIN_MS:
        raise DeadlineNear("too little time left to send; the message will be retried")
    queued = queued_mail(json.loads(record.body))
    try:
        if isinstance(queued, WelcomeDue):
            send_welcome(queued)
        else:
            send_confirmation(queued)
    except SendingRefused as refused:
        # SES sends nothing for this account now (sandbox, sender not verified, IAM, paused):
        # the operator's to fix; the message is retried, then waits in the dead-letter queue.
        welcome = isinstance(queued, WelcomeDue)
        metrics.add_metric(
            name=WELCOME_METRICS[WelcomeOutcome.REJECTED] if welcome else METRICS[Outcome.REJECTED],
            unit=MetricUnit.Count,
            value=1,
        )
        logger.error(
            WELCOME_REFUSED if welcome else REFUSED,
            extra={"code": refused.code, "detail": refused.detail, "retried": True},
        )
        raise


def send_confirmation(sign_up: SignUp) -> None:
    result = dependencies.confirmation_service().send(sign_up)
    metrics.add_metric(name=METRICS[result.outcome], unit=MetricUnit.Count, value=1)
    if result.outcome is Outcome.REJECTED:
        # This address alone (in the SES sandbox: any address not verified there); final.
        logger.warning(REFUSED, extra={"code": result.code, "detail": result.detail, "retried": False})
    elif result.outcome is Outcome.OVER_BUDGET:
        logger.warning("confirmation email over the hourly budget")


def send_welcome(due: WelcomeDue) -> None:
    result = dependencies.welcome_service().send(due)
    metrics.add_metric(name=WELCOME_METRICS[result.outcome], unit=MetricUnit.Count, value=1)
    if result.outcome is WelcomeOutcome.REJECTED:
        logger.warning(
            WELCOME_REFUSED,
            extra={"subscriber": due.subscriber_id, "code": result.code, "detail": result.detail, "retried": False},
        )


@logger.inject_lambda_context(log_event=False)
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics(capture_cold_start_metric=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    response = process_partial_response(
        event=event, record_handler=send_queued_mail, processor=processor, context=context
    )
    return dict(response)
