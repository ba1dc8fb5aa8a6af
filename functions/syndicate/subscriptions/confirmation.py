"""Sending the confirmation email of a queued sign-up, within the limits that stop mail-bombing.

``POST /subscriptions`` only checks the request and queues it, so it takes the same time
whatever the address's state; everything that depends on that state happens here:

* an address already subscribed, or suppressed (it bounced or complained), gets nothing;
* a mailbox gets at most one confirmation per ``MAILBOX_INTERVAL`` and ``MAILBOX_PER_DAY`` a
  (UTC) day, counted per mailbox (``mailing.model.mailbox``: case and ``+tags`` folded), so
  ``victim+1@``, ``victim+2@``... share one allowance while each still gets mail as given;
* the whole service sends at most ``hourly_budget`` confirmations an hour, whoever asks;
* a sign-up is stored (pending) only when its email goes out, and expires unconfirmed after
  ``PENDING_LIFETIME``, so a flood of sign-ups leaves at most the budget's worth of records.

A send SES refuses for this address alone (``RecipientRejected``) is final; throttling, an
unreachable SES or a refusal of the account as a whole (``SendingRefused``) raise, so the queue
delivers the sign-up again; the retry keeps the mailbox count its first attempt took.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from syndicate.clock import Clock, isoformat
from syndicate.mailing import tokens
from syndicate.mailing.links import SubscriptionLinks
from syndicate.mailing.message import MessageTemplate, Personal, SenderProfile
from syndicate.mailing.model import PENDING, SUBSCRIBED, Subscriber, mailbox_id, subscriber_id
from syndicate.mailing.ports import MailNotSent, MailTransport, RecipientRejected
from syndicate.mailing.templates import email_environment
from syndicate.subscriptions.pages import shown_categories
from syndicate.subscriptions.ports import ConfirmationLimits, SignUp, SubscriberRepository

MAILBOX_INTERVAL = timedelta(minutes=15)
MAILBOX_PER_DAY = 3
MAILBOX_MEMORY = timedelta(days=2)
BUDGET_MEMORY = timedelta(hours=2)
# An unconfirmed sign-up is forgotten a day after its link expires (bots cannot fill the table).
PENDING_LIFETIME = tokens.LIFETIMES[tokens.CONFIRM] + timedelta(days=1)


class Outcome(Enum):
    SENT = "sent"
    NOT_NEEDED = "not_needed"  # subscribed or suppressed already
    MAILBOX_LIMITED = "mailbox_limited"
    OVER_BUDGET = "over_budget"
    REJECTED = "rejected"  # SES refused this address for good


@dataclass(frozen=True)
class ConfirmationResult:
    outcome: Outcome
    code: str | None = None  # SES's error code, when rejected
    detail: str | None = None  # its message, without addresses


class ConfirmationService:
    def __init__(
        self,
        store: SubscriberRepository,
        limits: ConfirmationLimits,
        signer: tokens.TokenSigner,
        transport: MailTransport,
        sender_profile: SenderProfile,
        links: SubscriptionLinks,
        clock: Clock,
        *,
        id_secret: bytes,
        hourly_budget: int,
    ) -> None:
        self._store = store
        self._limits = limits
        self._signer = signer
        self._transport = transport
        self._profile = sender_profile
        self._links = links
        self._clock = clock
        self._id_secret = id_secret
        self._hourly_budget = hourly_budget

    def send(self, sign_up: SignUp) -> ConfirmationResult:
        identity = subscriber_id(self._id_secret, sign_up.email)
        existing = self._store.get(identity)
        if existing is not None and (existing.suppressed or existing.status == SUBSCRIBED):
            return ConfirmationResult(Outcome.NOT_NEEDED)  # never mailed again / preferences unchanged
        now = self._clock()
        if not self._claim_mailbox(sign_up, now):
            if existing is not None and existing.status == PENDING:
                # Its link is out already and will confirm these choices; nothing new is stored.
                self._store.save_pending(self._pending(sign_up, identity, existing, now), expires_at=self._expiry(now))
            return ConfirmationResult(Outcome.MAILBOX_LIMITED)
        hour = isoformat(now)[:13]
        if not self._limits.claim_budget(hour, self._hourly_budget, int((now + BUDGET_MEMORY).timestamp())):
            return ConfirmationResult(Outcome.OVER_BUDGET)
        # Stored only once an email will go: limited sign-ups leave nothing behind.
        pending = self._pending(sign_up, identity, existing, now)
        if not self._store.save_pending(pending, expires_at=self._expiry(now)):
            self._limits.release_budget(hour)
            return ConfirmationResult(Outcome.NOT_NEEDED)  # confirmed or suppressed in the meantime
        try:
            self._transport.send_raw(self._profile.address, pending.email, self.message(pending))
        except RecipientRejected as rejected:
            self._limits.release_budget(hour)
            return ConfirmationResult(Outcome.REJECTED, rejected.code, rejected.detail)
        except MailNotSent:
            self._limits.release_budget(hour)
            raise
        return ConfirmationResult(Outcome.SENT)

    @staticmethod
    def _expiry(now: datetime) -> int:
        return int((now + PENDING_LIFETIME).timestamp())

    def _claim_mailbox(self, sign_up: SignUp, now: datetime) -> bool:
        return self._limits.claim_mailbox(
            mailbox_id(self._id_secret, sign_up.email),
            sign_up.request_id,
            now=isoformat(now),
            quiet_since=isoformat(now - MAILBOX_INTERVAL),
            day=isoformat(now)[:10],
            per_day=MAILBOX_PER_DAY,
            expires_at=int((now + MAILBOX_MEMORY).timestamp()),
        )

    @staticmethod
    def _pending(sign_up: SignUp, identity: str, existing: Subscriber | None, now: datetime) -> Subscriber:
        stamp = isoformat(now)
        return Subscriber(
            id=identity,
            email=sign_up.email,
            status=PENDING,
            cadence=sign_up.cadence,
            categories=sign_up.categories,
            created_at=existing.created_at if existing else stamp,
            updated_at=stamp,
        )

    def message(self, subscriber: Subscriber) -> bytes:
        """The confirmation email: a link to the page whose button confirms."""
        env = email_environment("syndicate.subscriptions")
        context = {
            "sender_name": self._profile.display_name,
            "confirm_url": self._links.confirm(self._signer.issue(tokens.CONFIRM, subscriber.id)),
            "cadence": subscriber.cadence,
            "categories": shown_categories(subscriber.categories),
        }
        now = self._clock()
        template = MessageTemplate(
            self._profile,
            f"Confirm your subscription to {self._profile.display_name}",
            (env.get_template("confirmation-email.txt.j2").render(**context),),
            (env.get_template("confirmation-email.html.j2").render(**context),),
            now,
            list_headers=False,
        )
        return template.personalise(
            Personal(
                to=subscriber.email,
                message_id=f"confirm.{subscriber.id}.{int(now.timestamp())}@{self._profile.domain}",
                unsubscribe_url="",
                preferences_url="",
            )
        )
