"""Publishers as the directory stores them, and the store the directory needs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Publisher:
    publisher_id: str
    name: str
    created_at: str
    revoked_at: str | None = None


class PublisherRepository(Protocol):
    def add(self, publisher: Publisher, key_hash: str) -> None: ...

    def find_by_key_hash(self, key_hash: str) -> Publisher | None: ...

    def revoke(self, publisher_id: str, revoked_at: str) -> bool: ...


class UsagePlanKeys(Protocol):
    """API Gateway's per-publisher throttling: one key of the API's usage plan per publisher.

    The authorizer names the key (``usageIdentifierKey``), so publishers never send it; without
    one, a deployed API refuses the publisher's requests (403).
    """

    def enrol(self, usage_key: str) -> None:
        """Make ``usage_key`` a key of the usage plan (nothing changes if it already is)."""
        ...

    def withdraw(self, usage_key: str) -> None:
        """Delete ``usage_key`` (nothing happens if there is none)."""
        ...


class AuthorizerCache(Protocol):
    """The API stage's cache of authorizer answers (per Authorization header)."""

    def flush(self) -> None: ...
