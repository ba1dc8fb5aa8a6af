"""A reader's subscription, as plain values."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, replace
from typing import Any

from syndicate.articles.model import category_slug

PENDING = "pending"
SUBSCRIBED = "subscribed"
UNSUBSCRIBED = "unsubscribed"

DAILY = "daily"
WEEKLY = "weekly"
CADENCES = (DAILY, WEEKLY)


def normalise_email(address: str) -> str:
    """One spelling per inbox: surrounding space dropped, case folded."""
    return address.strip().lower()


def _keyed_id(purpose: bytes, secret: bytes, value: str) -> str:
    key = hashlib.sha256(purpose + b"\x00" + secret).digest()
    return hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


def subscriber_id(secret: bytes, address: str) -> str:
    """A keyed hash of the normalised address: stable per inbox, reveals nothing without the secret.

    Keying the subscriber by it makes "one record per address" a plain conditional write (no
    race between two sign-ups) and lets a bounce find its subscriber with one consistent read.
    """
    return "sub_" + _keyed_id(b"syndicate-subscriber-id", secret, normalise_email(address))


def mailbox(address: str) -> str:
    """The inbox an address reaches, for limits only: case folded and a ``+tag`` dropped, so
    ``Victim+1@Example.com`` and ``victim@example.com`` are one mailbox. Mail still goes to the
    address as given."""
    local, _, domain = normalise_email(address).rpartition("@")
    return f"{local.split('+', 1)[0] or local}@{domain}"


def mailbox_id(secret: bytes, address: str) -> str:
    """A keyed hash of the address's mailbox (what confirmation limits are kept under)."""
    return "mbx_" + _keyed_id(b"syndicate-mailbox-id", secret, mailbox(address))


def category_slugs(categories: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """The subscriber's categories as sorted, distinct slugs (how articles are indexed)."""
    return tuple(sorted({category_slug(c) for c in categories if category_slug(c)}))


@dataclass(frozen=True)
class Subscriber:
    id: str
    email: str
    status: str
    cadence: str
    categories: tuple[str, ...]  # slugs; empty means every category
    created_at: str
    updated_at: str
    confirmed_at: str | None = None
    # Articles that became public after this moment are due (confirmation, or cadence change).
    since: str | None = None
    unsubscribed_at: str | None = None
    suppressed_at: str | None = None
    suppression_reason: str | None = None
    # The confirmation (its confirmed_at) whose welcome email was claimed for sending.
    welcomed_for: str | None = None

    @property
    def suppressed(self) -> bool:
        return self.suppressed_at is not None

    @property
    def receives_digests(self) -> bool:
        return self.status == SUBSCRIBED and not self.suppressed

    def with_changes(self, **changes: Any) -> Subscriber:
        return replace(self, **changes)
