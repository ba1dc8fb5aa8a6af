"""API keys: shown once at creation, stored only as a SHA-256 hash, resolved to a publisher id.

Keys carry 256 random bits, so a fast hash is enough: there is nothing to brute-force.

Each publisher also has a usage-plan key in API Gateway (its own throttling). That key is not a
secret: API Gateway takes it only from the authorizer's answer, never from a caller.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from syndicate.clock import Clock, isoformat
from syndicate.publishers.ports import AuthorizerCache, Publisher, PublisherRepository, UsagePlanKeys

KEY_PREFIX = "syn_"
USAGE_KEY_PREFIX = "syndicate-usage-"  # API Gateway wants at least 20 characters


@dataclass(frozen=True)
class NewPublisher:
    publisher: Publisher
    api_key: str  # the only time the key exists in clear


def hash_key(api_key: str) -> str:
    return hashlib.sha256(api_key.encode("utf-8")).hexdigest()


def usage_key(publisher_id: str) -> str:
    """The publisher's key in the API's usage plan (what the authorizer returns as usageIdentifierKey)."""
    return USAGE_KEY_PREFIX + publisher_id


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
    """Publishers and their keys; with ``usage_plan`` and ``authorizer_cache`` (the operator's
    command, against a deployed stack) also their usage-plan keys and the authorizer's cache."""

    def __init__(
        self,
        store: PublisherRepository,
        clock: Clock,
        *,
        usage_plan: UsagePlanKeys | None = None,
        authorizer_cache: AuthorizerCache | None = None,
    ) -> None:
        self._store = store
        self._clock = clock
        self._usage_plan = usage_plan
        self._authorizer_cache = authorizer_cache

    def create(self, name: str, *, api_key: str | None = None) -> NewPublisher:
        """A new publisher and its key (and its usage-plan key). ``api_key`` fixes the key
        (local development only). If enrolling fails, the publisher exists: ``enrol`` again."""
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
        self.enrol(publisher.publisher_id)
        return NewPublisher(publisher, key)

    def enrol(self, publisher_id: str) -> None:
        """Give the publisher its usage-plan key (safe to repeat)."""
        if self._usage_plan is not None:
            self._usage_plan.enrol(usage_key(publisher_id))

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
        """Revoke the key, then drop the authorizer's cached answers, so the key stops working at
        once rather than when its cached answer expires; False for an unknown publisher."""
        if not self._store.revoke(publisher_id, isoformat(self._clock())):
            return False
        if self._authorizer_cache is not None:
            self._authorizer_cache.flush()
        if self._usage_plan is not None:
            self._usage_plan.withdraw(usage_key(publisher_id))
        return True
