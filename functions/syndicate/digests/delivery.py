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
from syndicate.mailing.model import Subscriber
from syndicate.mailing.ports import MailNotSent, MailTransport, RecipientRejected

LEDGER_RETENTION = timedelta(days=35)


class DeadlineNear(Exception):
    """Too little time left to send safely; the rest of the batch goes back to the queue."""


@dataclass(frozen=True)
class DigestBatch:
    """One queued message: up to RECIPIENTS_PER_MESSAGE subscribers of one edition.

    It names subscribers by id only: the sender reads each one's current state (and address)
    when it sends, so the queue and its dead-letter queue hold no addresses.
    """

    edition_id: str
    cadence: str
    subscriber_ids: tuple[str, ...]

    def as_body(self) -> dict[str, Any]:
        return {"edition": self.edition_id, "cadence": self.cadence, "subscribers": list(self.subscriber_ids)}

    @classmethod
    def from_body(cls, body: dict[str, Any]) -> DigestBatch:
        # A message may also name them as {"recipients": [{"id", "email"}]}: read for the ids.
        ids = body.get("subscribers") or [recipient["id"] for recipient in body.get("recipients", [])]
        return cls(body["edition"], body["cadence"], tuple(ids))


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
        transport: MailTransport,
        editions: Editions,
        signer: tokens.TokenSigner,
        links: SubscriptionLinks,
        sender_profile: SenderProfile,
        clock: Clock,
    ) -> None:
        self._subscribers = subscribers
        self._ledger = ledger
        self._transport = transport
        self._editions = editions
        self._signer = signer
        self._links = links
        self._profile = sender_profile
        self._clock = clock
        self._templates: dict[str, MessageTemplate] = {}

    def template(self, edition_id: str) -> MessageTemplate:
        """The edition's message skeleton, built once per container."""
        if edition_id not in self._templates:
            rendered = RenderedEdition.from_document(self._editions.get(edition_id))
            self._templates[edition_id] = MessageTemplate(
                self._profile, rendered.subject, rendered.text, rendered.html, self._clock()
            )
        return self._templates[edition_id]

    def message(self, edition_id: str, subscriber: Subscriber) -> bytes:
        """The edition for one subscriber; ValueError if their address cannot be written in a header."""
        unsubscribe = self._signer.issue(tokens.UNSUBSCRIBE, subscriber.id)
        preferences = self._signer.issue(tokens.PREFERENCES, subscriber.id)
        return self.template(edition_id).personalise(
            Personal(
                to=subscriber.email,
                message_id=f"{edition_id}.{subscriber.id}@{self._profile.domain}",
                unsubscribe_url=self._links.unsubscribe(unsubscribe),
                preferences_url=self._links.preferences(preferences),
            )
        )

    def deliver(self, batch: DigestBatch, *, time_left: Callable[[], bool] = lambda: True) -> DeliveryReport:
        """Send the batch; raises (after releasing the failed claim) when a retry must follow."""
        report = DeliveryReport()
        self.template(batch.edition_id)  # fail before claiming anything if the edition is missing
        current = self._subscribers.get_many(batch.subscriber_ids)
        now = self._clock()
        expires_at = int((now + LEDGER_RETENTION).timestamp())
        for subscriber_id in batch.subscriber_ids:
            subscriber = current.get(subscriber_id)
            if subscriber is None or not subscriber.receives_digests or subscriber.cadence != batch.cadence:
                report.not_receiving += 1  # unsubscribed, suppressed or moved since the schedule ran
                continue
            if not time_left():
                raise DeadlineNear(f"stopped before {subscriber_id}; the batch will be retried")
            claim = self._ledger.claim(batch.edition_id, subscriber_id, isoformat(now), expires_at)
            if claim is None:
                report.already_sent += 1
                continue
            self._send(batch.edition_id, subscriber, claim, report)
        return report

    def _message_or_rejection(self, edition_id: str, subscriber: Subscriber) -> bytes:
        try:
            return self.message(edition_id, subscriber)
        except ValueError as error:  # an address no To header can carry: no retry changes that
            raise RecipientRejected("UnwritableAddress", str(error)) from error

    def _send(self, edition_id: str, subscriber: Subscriber, claim: str, report: DeliveryReport) -> None:
        """Send to one claimed subscriber: sent, rejected for good, or (raised) released for a retry."""
        try:
            message = self._message_or_rejection(edition_id, subscriber)
            message_id = self._transport.send_raw(self._profile.address, subscriber.email, message)
        except RecipientRejected as rejection:
            self._ledger.reject(edition_id, subscriber.id, claim, rejection.code)
            report.rejected.append(Rejection(subscriber.id, rejection.code, rejection.detail))
            return
        except MailNotSent:
            self._ledger.release(edition_id, subscriber.id, claim)
            raise
        report.sent += 1
        report.message_ids.append(message_id)
