"""What digests need from outside: articles, the mailing list, editions, the queue, the ledger."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, Protocol

from syndicate.articles.ports import Page
from syndicate.mailing.model import Subscriber


class ArticleListing(Protocol):
    def list_public(self, *, category: str | None, now: str, limit: int, cursor: str | None) -> Page: ...


class MailingList(Protocol):
    def receiving(self, cadence: str) -> Iterator[Subscriber]: ...
    def digest_window(self, cadence: str, until: str, first_since: str) -> str: ...


class EditionArchive(Protocol):
    def put(self, edition_id: str, document: dict[str, Any]) -> None: ...


class BatchQueue(Protocol):
    def send_all(self, bodies: list[dict[str, Any]]) -> None: ...


class Ledger(Protocol):
    def claim(self, edition_id: str, subscriber_id: str, now: str, expires_at: int) -> str | None: ...
    def release(self, edition_id: str, subscriber_id: str, claim_id: str) -> None: ...
    def reject(self, edition_id: str, subscriber_id: str, claim_id: str, reason: str) -> None: ...


class Subscribers(Protocol):
    def get_many(self, subscriber_ids: Iterable[str]) -> dict[str, Subscriber]: ...


class Editions(Protocol):
    def get(self, edition_id: str) -> dict[str, Any]: ...


class SuppressionList(Protocol):
    def suppress(self, subscriber_id: str, email: str, reason: str, now: str) -> None: ...
