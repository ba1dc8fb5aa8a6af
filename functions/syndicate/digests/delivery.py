"""Delivering one queued batch of an edition: ledger claim, then SES, once per recipient.

For each recipient the sender first claims the delivery in the ledger (a conditional write
keyed by edition and recipient), then hands the message to SES. Whoever claims first sends;
a retried batch, a duplicate SQS message or a re-run schedule finds the claim and skips.

* A refusal that concerns one recipient (``RecipientRejected``: an address SES cannot take, a
  message it rejects) is final for that recipient: the claim is marked rejected, counted, and the
  batch goes on. One bad address never holds back the rest of its batch.
* Failures that concern every message (throttled after every backoff, sending refused for the
  account, unreachable) release the claim and fail the batch, so SQS delivers it again and that
  recipient is sent then: never lost.
* An unknown outcome (the process dies, the SES call times out after sending) keeps the claim:
  the crash window errs towards "at most once". See the README for why.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from syndicate.clock import Clock, isoformat
from syndicate.digests.ports import Editions, Ledger, Subscribers
from syndicate.digests.rendering import RenderedEdition
from syndicate.mailing import tokens
from syndicate.mailing.links import SubscriptionLinks
from syndicate.mailing.message import MessageTemplate, Personal, SenderProfile
from syndicate.mailing.model import Recipient
from syndicate.mailing.ports import MailNotSent, MailTransport, RecipientRejected

LEDGER_RETENTION = timedelta(days=35)


class DeadlineNear(Exception):
    """Too little time left to send safely; the rest of the batch goes back to the queue."""


@dataclass(frozen=True)
class DigestBatch:
    edition_id: str
    cadence: str
    recipients: tuple[Recipient, ...]

    @classmethod
    def from_body(cls, body: dict[str, Any]) -> DigestBatch:
        return cls(body["edition"], body["cadence"], tuple(Recipient(r["id"], r["email"]) for r in body["recipients"]))


@dataclass(frozen=True)
class Rejection:
    """A recipient the mail service refused for good (no address: the code and redacted reason)."""

    subscriber_id: str
    code: str
    detail: str


@dataclass
class DeliveryReport:
    sent: int = 0
    already_sent: int = 0
    not_receiving: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    message_ids: list[str] = field(default_factory=list)


class DigestDelivery:
    def __init__(
        self,
        subscribers: Subscribers,
        ledger: Ledger,
        mailer: MailTransport,
        editions: Editions,
        signer: tokens.TokenSigner,
        links: SubscriptionLinks,
        sender: SenderProfile,
        clock: Clock,
    ) -> None:
        self._subscribers = subscribers
        self._ledger = ledger
        self._mailer = mailer
        self._editions = editions
        self._signer = signer
        self._links = links
        self._sender = sender
        self._clock = clock
        self._templates: dict[str, MessageTemplate] = {}

    def template(self, edition_id: str) -> MessageTemplate:
        """The edition's message skeleton, built once per container."""
        if edition_id not in self._templates:
            rendered = RenderedEdition.from_document(self._editions.get(edition_id))
            self._templates[edition_id] = MessageTemplate(
                self._sender,
                rendered.subject,
                rendered.text,
                rendered.html,
                self._clock(),
            )
        return self._templates[edition_id]

    def message(self, edition_id: str, recipient: Recipient) -> bytes:
        unsubscribe = self._signer.issue(tokens.UNSUBSCRIBE, recipient.id)
        preferences = self._signer.issue(tokens.PREFERENCES, recipient.id)
        return self.template(edition_id).personalise(
            Personal(
                to=recipient.email,
                message_id=f"{edition_id}.{recipient.id}@{self._sender.domain}",
                unsubscribe_url=self._links.unsubscribe(unsubscribe),
                preferences_url=self._links.preferences(preferences),
            )
        )

    def _send(self, edition_id: str, recipient: Recipient, address: str) -> str:
        try:
            message = self.message(edition_id, recipient)
        except ValueError as error:  # an address no To header can carry
            raise RecipientRejected("UnwritableAddress", str(error)) from error
        return self._mailer.send_raw(self._sender.address, address, message)

    def deliver(self, batch: DigestBatch, *, time_left: Callable[[], bool] = lambda: True) -> DeliveryReport:
        """Send the batch; raises (after releasing the failed claim) when a retry must follow."""
        report = DeliveryReport()
        template = self.template(batch.edition_id)  # fail before claiming anything if it is missing
        del template
        current = self._subscribers.get_many(r.id for r in batch.recipients)
        now = self._clock()
        expires_at = int((now + LEDGER_RETENTION).timestamp())
        for recipient in batch.recipients:
            subscriber = current.get(recipient.id)
            if subscriber is None or not subscriber.receives_digests or subscriber.cadence != batch.cadence:
                report.not_receiving += 1  # unsubscribed, suppressed or moved since the schedule ran
                continue
            if not time_left():
                raise DeadlineNear(f"stopped before {recipient.id}; the batch will be retried")
            claim = self._ledger.claim(batch.edition_id, recipient.id, isoformat(now), expires_at)
            if claim is None:
                report.already_sent += 1
                continue
            try:
                message_id = self._send(batch.edition_id, recipient, subscriber.email)
            except RecipientRejected as rejection:
                self._ledger.reject(batch.edition_id, recipient.id, claim, rejection.code)
                report.rejected.append(Rejection(recipient.id, rejection.code, rejection.detail))
                continue
            except MailNotSent:
                self._ledger.release(batch.edition_id, recipient.id, claim)
                raise
            report.sent += 1
            report.message_ids.append(message_id)
        return report
