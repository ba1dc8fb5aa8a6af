"""API keys: shown once at creation, stored only as a SHA-256 hash, resolved to a publisher id.

Keys carry 256 random bits, so a fast hash is enough: there is nothing to brute-force.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from syndicate.clock import Clock, isoformat
from syndicate.publishers.ports import Publisher, PublisherRepository

KEY_PREFIX = "syn_"


@dataclass(frozen=True)
class NewPublisher:
    publisher: Publisher
    api_key: str  # the only time the key exists in clear


def hash_key(api_key: str) -> str:
    return hashlib.sha256(api_key.encode("utf-8")).hexdigest()


def bearer_token(authorization: str | None) -> str | None:
    """The key in an ``Authorization: Bearer <key>`` header, or None."""
    if not authorization:
        return None
    scheme, _, token = authorization.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token.startswith(KEY_PREFIX) or len(token) > 200:
        return None
    return token


class PublisherDirectory:
    def __init__(self, store: PublisherRepository, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    def create(self, name: str, *, api_key: str | None = None) -> NewPublisher:
        """A new publisher and its key. ``api_key`` fixes the key (local development only)."""
        name = name.strip()
        if not name or len(name) > 200:
            raise ValueError("a publisher name is 1 to 200 characters")
        key = api_key or KEY_PREFIX + secrets.token_urlsafe(32)
        if not key.startswith(KEY_PREFIX):
            raise ValueError(f"an API key starts with {KEY_PREFIX}")
        publisher = Publisher(
            publisher_id="pub_" + secrets.token_hex(8), name=name, created_at=isoformat(self._clock())
        )
        self._store.add(publisher, hash_key(key))
        return NewPublisher(publisher, key)

    def resolve(self, authorization: str | None) -> Publisher | None:
        """The publisher an Authorization header speaks for, or None (missing, unknown, revoked)."""
        token = bearer_token(authorization)
        if token is None:
            return None
        publisher = self._store.find_by_key_hash(hash_key(token))
        if publisher is None or publisher.revoked_at is not None:
            return None
        return publisher

    def revoke(self, publisher_id: str) -> bool:
        return self._store.revoke(publisher_id, isoformat(self._clock()))
