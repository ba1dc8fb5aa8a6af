"""What the feed renderer needs from outside: articles to show, a site to write, a lease, hub and image lookups."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from syndicate.articles.model import Article
from syndicate.articles.ports import Page


class ArticleSource(Protocol):
    def public_range(
        self, *, category: str | None, after: str | None, before: str, limit: int, newest_first: bool
    ) -> Page: ...

    def with_body(self, article: Article) -> Article: ...

    def list_categories(self) -> list[tuple[str, str]]: ...


@dataclass(frozen=True)
class Withdrawal:
    """An article left its place in some feeds: retracted, unpublished, re-dated or moved out of categories.

    ``marker`` orders the log (``{when}#{article id}``); ``feeds`` are the feeds it left (``""`` the
    site-wide one, else a category slug), at ``position``; ``gone``: it is public nowhere any more.
    """

    marker: str
    article_id: str
    position: str
    feeds: tuple[str, ...]
    gone: bool


class WithdrawalLog(Protocol):
    def since(self, after: str | None, *, limit: int) -> list[Withdrawal]:
        """Up to ``limit`` withdrawals with ``marker > after``, oldest first (a strongly consistent read)."""
        ...


class SiteWriter(Protocol):
    def read_state(self) -> dict[str, Any] | None: ...

    def write_state(self, state: dict[str, Any]) -> None: ...

    def put(self, key: str, body: bytes, *, content_type: str, cache_control: str, digest: str) -> None: ...

    def delete(self, key: str) -> None: ...


class RenderLease(Protocol):
    """At most one holder at a time until ``expires_at``; taken with a conditional write."""

    def acquire(self, holder: str, *, now: str, expires_at: str) -> bool:
        """True when ``holder`` now holds the lease (it was free or had expired), False when another does."""
        ...

    def release(self, holder: str, *, now: str) -> None:
        """Gives the lease up if ``holder`` still holds it; never takes it from another."""
        ...


class HubPinger(Protocol):
    def ping(self, hub_url: str, topic_url: str, *, timeout: float) -> None:
        """Raises when the hub did not accept the ping within ``timeout`` seconds, all included."""
        ...


class ImageProbe(Protocol):
    def describe(self, url: str, *, timeout: float) -> tuple[int, str]:
        """The image's (length in bytes, media type) within ``timeout`` seconds; raises when it cannot tell."""
        ...
