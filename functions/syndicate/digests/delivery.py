"""Delivering one queued batch of an edition: ledger claim, then SES, once per recipient.

For each recipient the sender first claims the delivery in the ledger (a conditional write
keyed by edition and recipient), then hands the message to SES. Whoever claims first sends;
a retried batch, a duplicate SQS message or a re-run schedule finds the claim and skips.

* A refusal that concerns one recipient (``RecipientRejected``: an address SES cannot take, a
  message it rejects) is final for that recipient: the claim is marked rejected, counted, and the
  batch goes on. One bad address never holds back the rest of its batch.
* Throttling slows the sender down (``Pacer``) and the same recipient is tried again: a
  throttled batch is late, not failed.
* Failures that concern every message (sending refused for the account, unreachable) release
  the claim and fail the batch, so SQS delivers it again and that recipient is sent then: never
  lost. When SES has paused or suspended the account's sending, or the reputation guard says
  stop, the batch is parked instead (see ``guard``), to be sent by an operator's resume.
* An unknown outcome (the process dies, the SES call times out after sending) keeps the claim:
  the crash window errs towards "at most once". See the README for why.

Each attempt rewrites the batch's record (``BatchRecord``) from what the ledger says of its
recipients, so a retry, a duplicate message or a crash never counts anyone twice.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from syndicate.clock import Clock, isoformat
from syndicate.digests.guard import ReputationGuard, hour_of
from syndicate.digests.pacing import Pacer
from syndicate.digests.ports import (
    BatchRecord,
    ClaimedBefore,
    EditionRecords,
    Editions,
    Ledger,
    SendingRecords,
    Subscribers,
)
from syndicate.digests.rendering import RenderedEdition
from syndicate.mailing import tokens
from syndicate.mailing.links import SubscriptionLinks
from syndicate.mailing.message import MessageTemplate, Personal, SenderProfile
from syndicate.mailing.model import Subscriber
from syndicate.mailing.ports import MailNotSent, MailTransport, RecipientRejected, SendingPaused, SendThrottled

LEDGER_RETENTION = timedelta(days=35)
REJECTED = "rejected"
# The tag SES returns on a message's bounce and complaint events: which edition they concern.
EDITION_TAG = "edition"


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

    @property
    def batch_id(self) -> str:
        """The same for the same recipients of the same edition, whoever queued them and how often."""
        identity = "|".join((self.edition_id, *self.subscriber_ids))
        return hashlib.sha256(identity.encode("utf-8")).hexdigest()[:24]

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
    """One attempt at a batch: what it did now (the metrics), and what the ledger says (the record)."""

    sent: int = 0
    already_sent: int = 0  # claims found, whoever made them
    not_receiving: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    message_ids: list[str] = field(default_factory=list)
    sent_before: int = 0  # claimed by this same batch in an earlier attempt
    rejected_before: int = 0
    claimed_elsewhere: int = 0  # claimed by another batch of the edition
    throttled: int = 0  # sends SES refused for rate, tried again more slowly
    paused: str | None = None  # why the batch was parked instead of sent

    def record(self, batch: DigestBatch) -> BatchRecord:
        return BatchRecord(
            batch.edition_id,
            batch.batch_id,
            len(batch.subscriber_ids),
            sent=self.sent + self.sent_before,
            already_sent=self.claimed_elsewhere,
            rejected=len(self.rejected) + self.rejected_before,
            skipped=self.not_receiving,
        )

    def count_claimed_before(self, batch: DigestBatch, claim: ClaimedBefore) -> None:
        self.already_sent += 1
        if claim.batch_id != batch.batch_id:
            self.claimed_elsewhere += 1
        elif claim.outcome == REJECTED:
            self.rejected_before += 1
        else:
            self.sent_before += 1


class DigestMessages:
    """An edition's message for one subscriber, from its skeleton (built once per container)."""

    def __init__(
        self,
        editions: Editions,
        signer: tokens.TokenSigner,
        links: SubscriptionLinks,
        sender_profile: SenderProfile,
        clock: Clock,
    ) -> None:
        self._editions = editions
        self._signer = signer
        self._links = links
        self.profile = sender_profile
        self._clock = clock
        self._templates: dict[str, MessageTemplate] = {}

    def template(self, edition_id: str) -> MessageTemplate:
        if edition_id not in self._templates:
            rendered = RenderedEdition.from_document(self._editions.get(edition_id))
            self._templates[edition_id] = MessageTemplate(
                self.profile, rendered.subject, rendered.text, rendered.html, self._clock()
            )
        return self._templates[edition_id]

    def message(self, edition_id: str, subscriber: Subscriber) -> bytes:
        """The edition for one subscriber; ValueError if their address cannot be written in a header."""
        unsubscribe = self._signer.issue(tokens.UNSUBSCRIBE, subscriber.id)
        preferences = self._signer.issue(tokens.PREFERENCES, subscriber.id)
        return self.template(edition_id).personalise(
            Personal(
                to=subscriber.email,
                message_id=f"{edition_id}.{subscriber.id}@{self.profile.domain}",
                unsubscribe_url=self._links.unsubscribe(unsubscribe),
                preferences_url=self._links.preferences(preferences),
            )
        )


class DigestDelivery:
    def __init__(
        self,
        subscribers: Subscribers,
        ledger: Ledger,
        transport: MailTransport,
        messages: DigestMessages,
        guard: ReputationGuard,
        records: EditionRecords,
        volume: SendingRecords,
        pacer: Pacer,
        clock: Clock,
    ) -> None:
        self._subscribers = subscribers
        self._ledger = ledger
        self._transport = transport
        self.messages = messages
        self._guard = guard
        self._records = records
        self._volume = volume
        self._pacer = pacer
        self._clock = clock

    def deliver(self, batch: DigestBatch, *, time_left: Callable[[], bool] = lambda: True) -> DeliveryReport:
        """Send the batch, or park it while sending is paused; raises (after releasing the failed
        claim) when a retry must follow."""
        report = DeliveryReport()
        self.messages.template(batch.edition_id)  # fail before claiming anything if the edition is missing
        health = self._guard.check()
        if not health.ok:
            if not health.already_paused:
                self._guard.pause(str(health.reason))
            self._park(batch, report, str(health.reason))
            return report
        try:
            self._send_all(batch, report, time_left)
        except SendingPaused as paused:  # SES stopped the account's sending mid-batch
            reason = f"SES refused to send ({paused.code}: {paused.detail})"
            self._guard.pause(reason)
            self._park(batch, report, reason)
        finally:
            self._records.record_batch(report.record(batch))
            if report.sent:
                self._volume.count_sent(hour_of(self._clock()), report.sent)
        return report

    def _park(self, batch: DigestBatch, report: DeliveryReport, reason: str) -> None:
        report.paused = reason
        now = isoformat(self._clock())
        self._records.park(report.record(batch), batch.subscriber_ids, reason, now)

    def _send_all(self, batch: DigestBatch, report: DeliveryReport, time_left: Callable[[], bool]) -> None:
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
            claim = self._ledger.claim(batch.edition_id, subscriber_id, isoformat(now), expires_at, batch.batch_id)
            if isinstance(claim, ClaimedBefore):
                report.count_claimed_before(batch, claim)
                continue
            self._send(batch.edition_id, subscriber, claim, report, time_left)

    def _message_or_rejection(self, edition_id: str, subscriber: Subscriber) -> bytes:
        try:
            return self.messages.message(edition_id, subscriber)
        except ValueError as error:  # an address no To header can carry: no retry changes that
            raise RecipientRejected("UnwritableAddress", str(error)) from error

    def _send(
        self, edition_id: str, subscriber: Subscriber, claim: str, report: DeliveryReport, time_left: Callable[[], bool]
    ) -> None:
        """Send to one claimed subscriber: sent, rejected for good, or (raised) released for a retry."""
        try:
            message = self._message_or_rejection(edition_id, subscriber)
            message_id = self._paced_send(edition_id, subscriber.email, message, report, time_left)
        except RecipientRejected as rejection:
            self._ledger.reject(edition_id, subscriber.id, claim, rejection.code)
            report.rejected.append(Rejection(subscriber.id, rejection.code, rejection.detail))
            return
        except (MailNotSent, DeadlineNear):
            self._ledger.release(edition_id, subscriber.id, claim)
            raise
        report.sent += 1
        report.message_ids.append(message_id)

    def _paced_send(
        self, edition_id: str, recipient: str, message: bytes, report: DeliveryReport, time_left: Callable[[], bool]
    ) -> str:
        """Hand the message to SES at this sender's pace; throttled, slow down and try again."""
        while True:
            self._pacer.wait()
            try:
                message_id = self._transport.send_raw(
                    self.messages.profile.address, recipient, message, {EDITION_TAG: edition_id}
                )
            except SendThrottled:
                report.throttled += 1
                self._pacer.throttled()
                if not time_left():
                    raise DeadlineNear("throttled until the time ran short; the batch will be retried") from None
                continue
            self._pacer.accepted()
            return message_id
