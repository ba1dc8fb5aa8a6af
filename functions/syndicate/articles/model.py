"""The article as Syndicate holds it: the publisher's fields plus what the server owns."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field, fields, replace
from typing import Any

PUBLISHED = "published"
DRAFT = "draft"
RETRACTED = "retracted"

# Publisher fields other than title/body/categories/status/published_at, kept as sent.
OPTIONAL_FIELDS = ("summary", "tags", "authors", "image", "canonical_url", "language")
_BODY_FIELDS = ("body_markdown", "body_html")


def category_slug(category: str) -> str:
    """Stable URL part for a category: "Space/science journalism" -> "space-science-journalism"."""
    return re.sub(r"[^a-z0-9]+", "-", category.lower()).strip("-")


def public_article_id(publisher_id: str, own_id: str) -> str:
    """The id readers see (feed entries, pages, digests) of the article a publisher calls ``own_id``.

    Each publisher has an id space of its own: the API addresses an article by the publisher's
    id for it, and the store by this hash of both, so two publishers may use the same id and
    neither can reach, probe or take the other's. 128 bits, like a random id.
    """
    named = f"{len(publisher_id)}:{publisher_id}:{own_id}".encode()
    return hashlib.sha256(named).hexdigest()[:32]


@dataclass(frozen=True)
class Article:
    id: str  # public_article_id(publisher_id, own_id): unique across publishers
    publisher_id: str
    version: int
    status: str
    title: str
    categories: tuple[str, ...]
    published_at: str  # UTC, isoformat() of syndicate.clock
    created_at: str
    updated_at: str
    content_hash: str
    extras: dict[str, Any] = field(default_factory=dict)  # OPTIONAL_FIELDS that were sent
    body_markdown: str | None = None  # None when only metadata was loaded
    body_html: str | None = None
    retracted_at: str | None = None
    body_key: str | None = None  # S3 key of the stored body this metadata points at (one per write)
    body_version: str | None = None  # and its version id
    own_id: str | None = None  # the publisher's id for it, unique per publisher (the API's {id})

    @property
    def etag(self) -> str:
        return f'"{self.version}-{self.content_hash[:16]}"'

    @property
    def category_slugs(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(category_slug(c) for c in self.categories))

    @property
    def position(self) -> str:
        """Sort key shared by every listing: newest first when read backwards."""
        return f"{self.published_at}#{self.id}"

    def is_public(self, now: str) -> bool:
        return self.status == PUBLISHED and self.published_at <= now

    @property
    def api_id(self) -> str:
        """How its publisher addresses it in the API: its own id (the public one if it has none)."""
        return self.own_id or self.id

    def with_changes(self, **changes: Any) -> Article:
        return replace(self, **changes)

    def metadata(self) -> dict[str, Any]:
        """Everything but the body, as plain JSON-able values."""
        values = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in _BODY_FIELDS}
        values["categories"] = list(self.categories)
        return values

    def resource(self, site_url: str, *, with_body: bool = True) -> dict[str, Any]:
        """The article as the API returns it (the body only when loaded and ``with_body``)."""
        document: dict[str, Any] = {
            "id": self.api_id,
            "public_id": self.id,
            "publisher_id": self.publisher_id,
            "version": self.version,
            "status": self.status,
            "title": self.title,
            "categories": list(self.categories),
            "published_at": self.published_at,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "url": self.extras.get("canonical_url") or article_url(site_url, self.id),
        }
        document.update(self.extras)
        if with_body and self.body_markdown is not None:
            document["body"] = self.body_markdown
            document["body_html"] = self.body_html
        return document


def article_url(site_url: str, article_id: str) -> str:
    return f"{site_url}/articles/{article_id}.html"


def content_hash(document: dict[str, Any]) -> str:
    """Hash of what the publisher sent, so an identical PUT changes nothing."""
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
