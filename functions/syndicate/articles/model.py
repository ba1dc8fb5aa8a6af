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


@dataclass(frozen=True)
class Article:
    id: str
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

    def visible_to(self, requester_id: str | None, now: str) -> bool:
        if self.status == RETRACTED:
            return False
        return self.is_public(now) or self.publisher_id == requester_id

    def with_changes(self, **changes: Any) -> Article:
        return replace(self, **changes)

    def metadata(self) -> dict[str, Any]:
        """Everything but the body, as plain JSON-able values."""
        values = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in _BODY_FIELDS}
        values["categories"] = list(self.categories)
        return values

    def resource(self, site_url: str) -> dict[str, Any]:
        """The article as the API returns it."""
        document: dict[str, Any] = {
            "id": self.id,
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
        if self.body_markdown is not None:
            document["body"] = self.body_markdown
            document["body_html"] = self.body_html
        return document


def article_url(site_url: str, article_id: str) -> str:
    return f"{site_url}/articles/{article_id}.html"


def content_hash(document: dict[str, Any]) -> str:
    """Hash of what the publisher sent, so an identical PUT changes nothing."""
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
