"""A digest edition: one cadence, one category set, one window of articles.

Every recipient of an edition gets the same articles, so it is rendered once. Recipients
whose window starts later (they confirmed, or changed cadence, during the last period) get an
edition of their own window: each reader sees each article at most once.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import timedelta

from syndicate.articles.model import Article
from syndicate.mailing.model import DAILY, WEEKLY

PERIODS = {DAILY: timedelta(days=1), WEEKLY: timedelta(days=7)}
MAX_ARTICLES = 30
_EDITION_ID = re.compile(r"(daily|weekly)-\d{4}-\d{2}-\d{2}-[0-9a-f]{20}")


def is_edition_id(value: object) -> bool:
    """Whether ``value`` is spelt like an edition id (what an SES event's tag may claim to be)."""
    return isinstance(value, str) and _EDITION_ID.fullmatch(value) is not None


def became_public(article: Article) -> str:
    """When readers could first see the article: its publication time, or when it was stored if
    it was backdated."""
    return max(article.published_at, article.created_at)


@dataclass(frozen=True)
class DigestEdition:
    cadence: str
    categories: tuple[str, ...]  # sorted category slugs; empty = every category
    since: str  # exclusive
    until: str  # inclusive

    @property
    def id(self) -> str:
        """Deterministic, so a retried schedule run produces the same ids (and the ledger holds)."""
        identity = "|".join((self.cadence, ",".join(self.categories), self.since, self.until))
        return f"{self.cadence}-{self.until[:10]}-" + hashlib.sha256(identity.encode("utf-8")).hexdigest()[:20]

    def includes(self, article: Article) -> bool:
        if not (self.since < became_public(article) <= self.until) or not article.is_public(self.until):
            return False
        return not self.categories or bool(set(self.categories) & set(article.category_slugs))

    def select(self, articles: list[Article]) -> list[Article]:
        """The edition's articles, newest first, at most MAX_ARTICLES."""
        chosen = [article for article in articles if self.includes(article)]
        chosen.sort(key=lambda a: (became_public(a), a.id), reverse=True)
        return chosen[:MAX_ARTICLES]
