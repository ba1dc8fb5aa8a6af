"""Which feeds exist and where their documents live in the site bucket."""

from __future__ import annotations

from dataclasses import dataclass

from syndicate.feeds.entries import one_line

DEFAULT_SITE_TITLE = "Syndicate"  # the SenderName Parameter's default


@dataclass(frozen=True)
class FeedSpec:
    slug: str | None  # None: the site-wide feed
    name: str | None
    site_title: str  # the publication's name (SenderName): every feed's title starts with it

    @property
    def key(self) -> str:
        """The feed's key in the render state and in withdrawals: "" for the site-wide feed."""
        return self.slug or ""

    @property
    def prefix(self) -> str:
        return f"feeds/categories/{self.slug}" if self.slug else "feeds"

    @property
    def title(self) -> str:
        return one_line(f"{self.site_title}: {self.name}" if self.name else self.site_title, 300)

    @property
    def description(self) -> str:
        text = f"Articles in {self.name}" if self.name else f"Every article published on {self.site_title}"
        return one_line(text, 300)

    def current_key(self, file_name: str) -> str:
        return f"{self.prefix}/{file_name}"

    def archive_key(self, page: int, file_name: str) -> str:
        return f"{self.prefix}/archive/{page}/{file_name}"
