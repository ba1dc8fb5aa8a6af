"""Which feeds exist and where their documents live in the site bucket."""

from __future__ import annotations

from dataclasses import dataclass

from syndicate.feeds.entries import one_line

SITE_TITLE = "Syndicate"


@dataclass(frozen=True)
class FeedSpec:
    slug: str | None  # None: the site-wide feed
    name: str | None

    @property
    def key(self) -> str:
        """The feed's key in the render state and in withdrawals: "" for the site-wide feed."""
        return self.slug or ""

    @property
    def prefix(self) -> str:
        return f"feeds/categories/{self.slug}" if self.slug else "feeds"

    @property
    def title(self) -> str:
        return one_line(f"{SITE_TITLE}: {self.name}", 300) if self.name else SITE_TITLE

    @property
    def description(self) -> str:
        return one_line(f"Articles in {self.name}", 300) if self.name else "Every article published on Syndicate"

    def current_key(self, file_name: str) -> str:
        return f"{self.prefix}/{file_name}"

    def archive_key(self, page: int, file_name: str) -> str:
        return f"{self.prefix}/archive/{page}/{file_name}"
