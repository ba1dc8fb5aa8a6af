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


# -- subscriptions and digests ------------------------------------------------------------------


def optional(name: str) -> str | None:
    value = os.environ.get(name, "").strip()
    return value or None


@dataclass(frozen=True)
class SubscriberSettings:
    subscribers_table: str

    @classmethod
    def from_env(cls) -> "SubscriberSettings":
        return cls(subscribers_table=required("SUBSCRIBERS_TABLE"))


@dataclass(frozen=True)
class TokenSettings:
    token_secret_arn: str

    @classmethod
    def from_env(cls) -> "TokenSettings":
        return cls(token_secret_arn=required("TOKEN_SECRET_ARN"))


@dataclass(frozen=True)
class MailSettings:
    sender_email: str
    sender_name: str
    list_id: str
    configuration_set: str
    unsubscribe_mailto: str | None

    @classmethod
    def from_env(cls) -> "MailSettings":
        return cls(
            sender_email=required("SENDER_EMAIL"),
            sender_name=required("SENDER_NAME"),
            list_id=required("LIST_ID"),
            configuration_set=required("SES_CONFIGURATION_SET"),
            unsubscribe_mailto=optional("UNSUBSCRIBE_MAILTO"),
        )


@dataclass(frozen=True)
class DigestScheduleSettings:
    articles_table: str
    article_bucket: str
    digest_bucket: str
    digest_queue_url: str
    sender_name: str
    site_url: str

    @classmethod
    def from_env(cls) -> "DigestScheduleSettings":
        return cls(
            articles_table=required("ARTICLES_TABLE"),
            article_bucket=required("ARTICLE_BUCKET"),
            digest_bucket=required("DIGEST_BUCKET"),
            digest_queue_url=required("DIGEST_QUEUE_URL"),
            sender_name=required("SENDER_NAME"),
            site_url=required("SITE_URL").rstrip("/"),
        )


@dataclass(frozen=True)
class DigestDeliverySettings:
    delivery_ledger_table: str
    digest_bucket: str
    api_url: str

    @classmethod
    def from_env(cls) -> "DigestDeliverySettings":
        return cls(
            delivery_ledger_table=required("DELIVERY_LEDGER_TABLE"),
            digest_bucket=required("DIGEST_BUCKET"),
            api_url=required("API_URL").rstrip("/"),
        )


@lru_cache(maxsize=None)
def subscriber_settings() -> SubscriberSettings:
    return SubscriberSettings.from_env()


@lru_cache(maxsize=None)
def token_settings() -> TokenSettings:
    return TokenSettings.from_env()


@lru_cache(maxsize=None)
def mail_settings() -> MailSettings:
    return MailSettings.from_env()


@lru_cache(maxsize=None)
def digest_schedule_settings() -> DigestScheduleSettings:
    return DigestScheduleSettings.from_env()


@lru_cache(maxsize=None)
def digest_delivery_settings() -> DigestDeliverySettings:
    return DigestDeliverySettings.from_env()


def public_api_url() -> str | None:
    """The API's public base URL if the deployment says it (else the request tells it)."""
    value = optional("API_URL")
    return value.rstrip("/") if value else None


@lru_cache(maxsize=None)
def feed_settings() -> FeedSettings:
    return FeedSettings.from_env()
