"""What the article service needs from outside: its store, the store's answers and failures."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from syndicate.articles.model import Article


class VersionConflict(Exception):
    """Raised by a store when the version it was told to expect is no longer current."""


class InvalidCursor(ValueError):
    """A listing cursor the store did not issue (forged, altered or from another listing)."""


@dataclass(frozen=True)
class Page:
    articles: list[Article]
    cursor: str | None


class ArticleRepository(Protocol):
    def get(self, article_id: str, *, with_body: bool = True) -> Article | None: ...

    def save(self, article: Article, previous: Article | None) -> Article: ...

    def list_public(self, *, category: str | None, now: str, limit: int, cursor: str | None) -> Page: ...

    def list_by_publisher(self, publisher_id: str, *, limit: int, cursor: str | None) -> Page: ...


class ImageNotHosted(ValueError):
    """A URL of this site's hosted images that the publisher cannot use (the message says why)."""


class HostedImages(Protocol):
    def facts(self, publisher_id: str, url: str) -> dict[str, Any] | None:
        """The recorded ``type``, ``length``, ``width`` and ``height`` of a hosted image URL, None for
        any other URL; raises ImageNotHosted for a hosted URL the publisher has no verified upload of."""
        ...
