"""What the subscription pages do, on plain values: sign up, confirm, preferences, unsubscribe.

POST /subscriptions answers the same whatever the address's state, so it reveals nothing; the
confirmation mail is the only thing that differs, and it goes out at most once per address per
``CONFIRMATION_INTERVAL``, never to a suppressed address.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from syndicate import contract
from syndicate.clock import Clock, isoformat
from syndicate.errors import InvalidRequest, InvalidToken, SubscriptionGone, TooManyRequests
from syndicate.mailing import tokens
from syndicate.mailing.links import SubscriptionLinks
from syndicate.mailing.message import MessageTemplate, Personal, SenderProfile
from syndicate.mailing.model import (
    PENDING,
    SUBSCRIBED,
    Subscriber,
    category_slugs,
    normalise_email,
    subscriber_id,
)
from syndicate.mailing.ports import MailNotSent, MailTransport
from syndicate.mailing.templates import email_environment
from syndicate.subscriptions.ports import SubscriberRepository

CONFIRMATION_INTERVAL = timedelta(minutes=15)


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
        mailer: MailTransport,
        sender: SenderProfile,
        clock: Clock,
        *,
        id_secret: bytes,
    ) -> None:
        self._store = store
        self._signer = signer
        self._mailer = mailer
        self._sender = sender
        self._clock = clock
        self._id_secret = id_secret

    # -- sign-up ------------------------------------------------------------------------------

    def subscribe(self, document: Any, links: SubscriptionLinks) -> None:
        found = contract.violations("subscription", document)
        if found:
            raise InvalidRequest.in_document("subscription", found)
        email = normalise_email(document["email"])
        identity = subscriber_id(self._id_secret, email)
        now = self._clock()
        stamp = isoformat(now)
        existing = self._store.get(identity)
        if existing is not None and (existing.suppressed or existing.status == SUBSCRIBED):
            # Suppressed: never mailed again. Subscribed: nothing to confirm, preferences unchanged.
            return
        pending = Subscriber(
            id=identity,
            email=email,
            status=PENDING,
            cadence=document["cadence"],
            categories=unique_categories(document.get("categories", [])),
            created_at=existing.created_at if existing else stamp,
            updated_at=stamp,
            confirmation_sent_at=existing.confirmation_sent_at if existing else None,
        )
        if not self._store.save_pending(pending):
            return  # confirmed or suppressed in the meantime
        if not self._store.claim_confirmation_slot(identity, stamp, isoformat(now - CONFIRMATION_INTERVAL)):
            return  # one confirmation mail per CONFIRMATION_INTERVAL
        message = self._confirmation(pending, links.confirm(self._signer.issue(tokens.CONFIRM, identity)))
        try:
            self._mailer.send_raw(self._sender.address, email, message)
        except MailNotSent:
            self._store.release_confirmation_slot(identity, stamp)
            raise TooManyRequests(
                "We could not send the confirmation email just now; try again in a few minutes."
            ) from None

    def _confirmation(self, subscriber: Subscriber, confirm_url: str) -> bytes:
        env = email_environment("syndicate.subscriptions")
        context = {
            "sender_name": self._sender.display_name,
            "confirm_url": confirm_url,
            "cadence": subscriber.cadence,
            "categories": subscriber.categories,
        }
        template = MessageTemplate(
            self._sender,
            f"Confirm your subscription to {self._sender.display_name}",
            (env.get_template("confirmation-email.txt.j2").render(**context),),
            (env.get_template("confirmation-email.html.j2").render(**context),),
            self._clock(),
            list_headers=False,
        )
        return template.personalise(
            Personal(
                to=subscriber.email,
                message_id=f"confirm.{subscriber.id}.{int(self._clock().timestamp())}@{self._sender.domain}",
                unsubscribe_url="",
                preferences_url="",
            )
        )

    def confirm(self, token: str | None) -> Subscriber:
        identity = self._signer.verify(token, tokens.CONFIRM)
        subscriber = self._existing(identity)
        if subscriber.status == SUBSCRIBED and not subscriber.suppressed:
            return subscriber  # a second click changes nothing
        if subscriber.suppressed or subscriber.status != PENDING:
            raise SubscriptionGone("This confirmation link is no longer valid; subscribe again.")
        if not self._store.confirm(identity, isoformat(self._clock())):
            raise SubscriptionGone("This confirmation link is no longer valid; subscribe again.")
        return self._existing(identity)

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
