"""What the subscription service needs from outside: the subscriber store, the limits kept on
confirmation emails, the queue where sign-ups wait for their confirmation email and confirmations
for their welcome email, and the public articles the subscribe page and the welcome show."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from syndicate.articles.ports import Page
from syndicate.mailing.model import Subscriber


@dataclass(frozen=True)
class SignUp:
    """A reader's request for a digest, as ``POST /subscriptions`` queued it (already valid)."""

    request_id: str  # the same on every delivery of the queued message
    email: str  # as given (trimmed, case folded): where the confirmation goes
    cadence: str
    categories: tuple[str, ...]

    def as_body(self) -> dict[str, Any]:
        return {
            "request_id": self.request_id,
            "email": self.email,
            "cadence": self.cadence,
            "categories": list(self.categories),
        }

    @classmethod
    def from_body(cls, body: dict[str, Any]) -> SignUp:
        return cls(body["request_id"], body["email"], body["cadence"], tuple(body.get("categories") or ()))


@dataclass(frozen=True)
class WelcomeDue:
    """A confirmation whose welcome email is to be sent (queued by id: no address in the queue)."""

    subscriber_id: str
    confirmed_at: str  # which confirmation: one welcome each

    def as_body(self) -> dict[str, Any]:
        return {"welcome": self.subscriber_id, "confirmed_at": self.confirmed_at}

    @classmethod
    def from_body(cls, body: dict[str, Any]) -> WelcomeDue:
        return cls(body["welcome"], body["confirmed_at"])


def queued_mail(body: dict[str, Any]) -> SignUp | WelcomeDue:
    """What a message of the confirmation queue asks for."""
    return WelcomeDue.from_body(body) if "welcome" in body else SignUp.from_body(body)


class SubscriberRepository(Protocol):
    def get(self, subscriber_id: str) -> Subscriber | None: ...
    def save_pending(self, subscriber: Subscriber, *, expires_at: int) -> bool:
        """Store a new or renewed sign-up, forgotten at ``expires_at`` unless confirmed; False when
        the address is subscribed or suppressed."""
        ...

    def confirm(self, subscriber_id: str, now: str) -> bool: ...
    def save_preferences(self, subscriber: Subscriber) -> bool: ...
    def unsubscribe(self, subscriber_id: str, now: str) -> bool: ...
    def claim_welcome(self, subscriber_id: str, confirmed_at: str) -> bool:
        """Claim the welcome email of that confirmation; False if claimed before or no longer due."""
        ...

    def release_welcome(self, subscriber_id: str, confirmed_at: str) -> None: ...


class ConfirmationLimits(Protocol):
    """Counters that say whether one more confirmation email may go out."""

    def claim_mailbox(
        self, mailbox_id: str, request_id: str, *, now: str, quiet_since: str, day: str, per_day: int, expires_at: int
    ) -> bool:
        """Count one email to the mailbox unless one went after ``quiet_since`` or ``per_day`` went
        on ``day``; True as well for a retry of the ``request_id`` that made the latest count."""
        ...

    def claim_budget(self, hour: str, budget: int, expires_at: int) -> bool:
        """Count one email in ``hour`` unless ``budget`` went out in it."""
        ...

    def release_budget(self, hour: str) -> None:
        """Give back a count of ``hour`` whose email was not sent."""
        ...


class ConfirmationQueue(Protocol):
    """Where sign-ups wait for their confirmation email (``SignUp.as_body``) and confirmations for
    their welcome email (``WelcomeDue.as_body``)."""

    def send_all(self, bodies: Sequence[dict[str, Any]]) -> None: ...


class PublicArticles(Protocol):
    """The article store's public side: the category directory and the newest public articles."""

    def list_categories(self) -> list[tuple[str, str]]:
        """(slug, display name) of every category articles were published in."""
        ...

    def list_public(self, *, category: str | None, now: str, limit: int, cursor: str | None) -> Page: ...
