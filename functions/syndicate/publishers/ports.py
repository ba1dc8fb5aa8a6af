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
