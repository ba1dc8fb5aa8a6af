"""What the subscription pages do, on plain values: sign up, confirm, preferences, unsubscribe.

POST /subscriptions checks the request and queues it, nothing more, so its answer and the time
it takes are the same whatever the address's state; the confirmation email (or none) is the
queue consumer's business (``syndicate.subscriptions.confirmation``). The link in that email
opens a page whose button confirms: mail scanners fetch links, and a fetch must change nothing.

A sign-up that gives itself away as a bot's (the honeypot filled in, a form stamp that is not
ours, too fresh or too old) is answered like any other and queues nothing.

Confirming queues the welcome email (``syndicate.subscriptions.welcome``) until its sender has
claimed it, so a retried or doubled confirm POST, or one whose answer was lost, still leads to
one welcome: the sender claims each confirmation's welcome once.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import Enum
from typing import Any

from syndicate import contract
from syndicate.clock import Clock, isoformat
from syndicate.errors import InvalidRequest, InvalidToken, SubscriptionGone
from syndicate.mailing import tokens
from syndicate.mailing.model import PENDING, SUBSCRIBED, Subscriber, category_slugs, normalise_email
from syndicate.subscriptions.ports import ConfirmationQueue, SignUp, SubscriberRepository, WelcomeDue
from syndicate.subscriptions.stamps import FormStamps, Verdict

_STALE_CONFIRMATION = "This confirmation link is no longer valid; subscribe again."


class SignUpOutcome(Enum):
    QUEUED = "queued"
    HONEYPOT = "honeypot"  # refused quietly, as every outcome below
    TOO_FAST = "too_fast"
    TOO_OLD = "too_old"
    FORGED_STAMP = "forged_stamp"


_REFUSALS = {
    Verdict.TOO_FAST: SignUpOutcome.TOO_FAST,
    Verdict.TOO_OLD: SignUpOutcome.TOO_OLD,
    Verdict.FORGED: SignUpOutcome.FORGED_STAMP,
}


@dataclass(frozen=True)
class ManagePage:
    """What the preferences page shows."""

    subscriber: Subscriber
    preferences_token: str
    unsubscribe_token: str


def unique_categories(categories: list[str]) -> tuple[str, ...]:
    """The categories as given, one per slug, in the slug order."""
    by_slug: dict[str, str] = {}
    for name in categories:
        slugs = category_slugs([name])
        if slugs:
            by_slug.setdefault(slugs[0], name.strip())
    return tuple(by_slug[slug] for slug in sorted(by_slug))


class SubscriptionService:
    def __init__(
        self,
        store: SubscriberRepository,
        signer: tokens.TokenSigner,
        queue: ConfirmationQueue,
        clock: Clock,
        stamps: FormStamps,
    ) -> None:
        self._store = store
        self._signer = signer
        self._queue = queue
        self._clock = clock
        self._stamps = stamps

    # -- sign-up ------------------------------------------------------------------------------

    def subscribe(self, document: Any) -> SignUpOutcome:
        """Queue a valid sign-up for its confirmation email (the same work whoever it is for),
        unless it is a bot's; either way the caller answers the same."""
        found = contract.violations("subscription", document)
        if found:
            raise InvalidRequest.in_document("subscription", found)
        if document.get("website"):
            return SignUpOutcome.HONEYPOT
        if "form_stamp" in document:
            verdict = self._stamps.judge(document["form_stamp"], self._clock())
            if verdict is not Verdict.FRESH:
                return _REFUSALS[verdict]
        sign_up = SignUp(
            request_id=uuid.uuid4().hex,
            email=normalise_email(document["email"]),
            cadence=document["cadence"],
            categories=unique_categories(document.get("categories", [])),
        )
        self._queue.send_all([sign_up.as_body()])
        return SignUpOutcome.QUEUED

    def confirmation(self, token: str | None) -> Subscriber:
        """Whom a confirmation link is for (the page it opens only shows a button)."""
        subscriber = self._existing(self._signer.verify(token, tokens.CONFIRM))
        if subscriber.suppressed or subscriber.status not in (PENDING, SUBSCRIBED):
            raise SubscriptionGone(_STALE_CONFIRMATION)
        return subscriber

    def confirm(self, token: str | None) -> Subscriber:
        """Confirm (harmless to repeat), and queue the welcome email until its sender claims it."""
        identity = self._signer.verify(token, tokens.CONFIRM)
        subscriber = self._existing(identity)
        if subscriber.suppressed or subscriber.status not in (PENDING, SUBSCRIBED):
            raise SubscriptionGone(_STALE_CONFIRMATION)
        if subscriber.status == PENDING:
            if not self._store.confirm(identity, isoformat(self._clock())):
                raise SubscriptionGone(_STALE_CONFIRMATION)
            subscriber = self._existing(identity)
        if subscriber.confirmed_at and subscriber.welcomed_for != subscriber.confirmed_at:
            # Again on a second click or a retry: the sender sends each confirmation's welcome once.
            self._queue.send_all([WelcomeDue(identity, subscriber.confirmed_at).as_body()])
        return subscriber

    # -- managing -----------------------------------------------------------------------------

    def manage(self, token: str | None) -> ManagePage:
        identity = self._signer.verify(token, tokens.PREFERENCES)
        subscriber = self._existing(identity)
        if subscriber.status != SUBSCRIBED or subscriber.suppressed:
            raise SubscriptionGone("You are not subscribed any more; subscribe again to choose what you receive.")
        return ManagePage(
            subscriber,
            self._signer.issue(tokens.PREFERENCES, identity),
            self._signer.issue(tokens.UNSUBSCRIBE, identity),
        )

    def change_preferences(self, token: str | None, form: dict[str, Any]) -> ManagePage:
        """Apply the preferences form ({"cadence", "categories"}); a cadence change restarts the window."""
        page = self.manage(token)
        found = contract.violations("subscription-preferences", form)
        if found:
            raise InvalidRequest(found, "The preferences are not valid.")
        current = page.subscriber
        stamp = isoformat(self._clock())
        changed = current.with_changes(
            cadence=form["cadence"],
            categories=unique_categories(form.get("categories", [])),
            # A new cadence starts now, so no article comes twice (once per cadence).
            since=stamp if form["cadence"] != current.cadence else current.since,
            updated_at=stamp,
        )
        if not self._store.save_preferences(changed):
            raise SubscriptionGone("You are not subscribed any more; subscribe again to choose what you receive.")
        return ManagePage(changed, page.preferences_token, page.unsubscribe_token)

    def check_unsubscribe(self, token: str | None) -> str:
        """The subscriber id an unsubscribe link is for (the GET page only shows a button)."""
        identity = self._signer.verify(token, tokens.UNSUBSCRIBE)
        self._existing(identity)
        return identity

    def unsubscribe(self, token: str | None) -> None:
        """RFC 8058 one-click: at once, and harmless to repeat."""
        identity = self._signer.verify(token, tokens.UNSUBSCRIBE)
        if not self._store.unsubscribe(identity, isoformat(self._clock())):
            raise InvalidToken("This link is not valid.")

    def _existing(self, identity: str) -> Subscriber:
        subscriber = self._store.get(identity)
        if subscriber is None:
            raise InvalidToken("This link is not valid.")
        return subscriber
