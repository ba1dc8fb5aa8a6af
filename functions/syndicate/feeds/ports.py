"""What the feed renderer needs from outside: articles to show, a site to write, hub and image lookups."""

from __future__ import annotations

from typing import Any, Protocol

from syndicate.articles.model import Article
from syndicate.articles.ports import Page


class ArticleSource(Protocol):
    def public_range(
        self, *, category: str | None, after: str | None, before: str, limit: int, newest_first: bool
    ) -> Page: ...

    def with_body(self, article: Article) -> Article: ...

    def list_categories(self) -> list[tuple[str, str]]: ...


class SiteWriter(Protocol):
    def read_state(self) -> dict[str, Any] | None: ...

    def write_state(self, state: dict[str, Any]) -> None: ...

    def put(self, key: str, body: bytes, *, content_type: str, cache_control: str, digest: str) -> None: ...

    def delete(self, key: str) -> None: ...


class HubPinger(Protocol):
    def ping(self, hub_url: str, topic_url: str) -> None: ...


class ImageProbe(Protocol):
    """Finds an image's size and media type (e.g. an HTTP HEAD); raises when it cannot."""

    def describe(self, url: str) -> tuple[int, str]: ...
