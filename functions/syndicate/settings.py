"""Configuration, read from the environment once per container and validated at start-up."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

_REPO_SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"


class MissingSetting(RuntimeError):
    """A variable the function needs is not set: a deployment mistake, reported at cold start."""


def required(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise MissingSetting(f"environment variable {name} must be set")
    return value


def schemas_dir() -> Path:
    """Where schemas/ is: the ContractLayer (/opt) in Lambda, the repository's schemas/ elsewhere."""
    configured = os.environ.get("SCHEMAS_DIR")
    return Path(configured) if configured else _REPO_SCHEMAS


@dataclass(frozen=True)
class ArticleSettings:
    articles_table: str
    article_bucket: str
    idempotency_table: str
    site_url: str

    @classmethod
    def from_env(cls) -> "ArticleSettings":
        return cls(
            articles_table=required("ARTICLES_TABLE"),
            article_bucket=required("ARTICLE_BUCKET"),
            idempotency_table=required("IDEMPOTENCY_TABLE"),
            site_url=required("SITE_URL").rstrip("/"),
        )


@dataclass(frozen=True)
class PublisherSettings:
    publishers_table: str

    @classmethod
    def from_env(cls) -> "PublisherSettings":
        return cls(publishers_table=required("PUBLISHERS_TABLE"))


@dataclass(frozen=True)
class FeedSettings:
    """RenderFeedsFunction: reads articles, writes the site bucket, optionally pings a WebSub hub."""

    articles_table: str
    article_bucket: str
    site_bucket: str
    site_url: str
    item_count: int
    websub_hub_url: str | None

    @classmethod
    def from_env(cls) -> "FeedSettings":
        count = required("FEED_ITEM_COUNT")
        if not count.isdigit() or not 1 <= int(count) <= 1000:
            raise MissingSetting(f"FEED_ITEM_COUNT must be a whole number from 1 to 1000, not {count!r}")
        hub = os.environ.get("WEBSUB_HUB_URL", "").strip()
        if hub and not hub.startswith(("https://", "http://")):
            raise MissingSetting(f"WEBSUB_HUB_URL must be an http(s) URL or empty, not {hub!r}")
        return cls(
            articles_table=required("ARTICLES_TABLE"),
            article_bucket=required("ARTICLE_BUCKET"),
            site_bucket=required("SITE_BUCKET"),
            site_url=required("SITE_URL").rstrip("/"),
            item_count=int(count),
            websub_hub_url=hub or None,
        )


@lru_cache(maxsize=None)
def article_settings() -> ArticleSettings:
    return ArticleSettings.from_env()


@lru_cache(maxsize=None)
def publisher_settings() -> PublisherSettings:
    return PublisherSettings.from_env()


@lru_cache(maxsize=None)
def feed_settings() -> FeedSettings:
    return FeedSettings.from_env()
