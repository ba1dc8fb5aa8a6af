"""Configuration, read from the environment once per container and validated at start-up."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, TypeVar

T = TypeVar("T")

_REPO_SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"


class MissingSetting(RuntimeError):
    """A variable the function needs is unset or invalid: a deployment mistake, reported at cold start."""


def schemas_dir() -> Path:
    """Where schemas/ is: the ContractLayer (/opt) in Lambda, the repository's schemas/ elsewhere."""
    configured = os.environ.get("SCHEMAS_DIR")
    return Path(configured) if configured else _REPO_SCHEMAS


def setting(variable: str, *, optional: bool = False, url: bool = False,
            parse: Callable[[str], Any] | None = None) -> Any:
    """A settings field read from environment variable ``variable``.

    ``optional``: unset or empty gives None; ``url``: a trailing slash is dropped; ``parse``:
    turns the text into the value, raising ``MissingSetting`` (with the reason) when it cannot.
    """
    return field(metadata={"variable": variable, "optional": optional, "url": url, "parse": parse})


class FromEnvironment:
    """A frozen dataclass of ``setting()`` fields, built from the environment in one place."""

    @classmethod
    def from_env(cls: type[T]) -> T:
        values: dict[str, Any] = {}
        for spec in fields(cls):  # type: ignore[arg-type]
            meta = spec.metadata
            text = os.environ.get(meta["variable"], "").strip()
            if not text:
                if not meta["optional"]:
                    raise MissingSetting(f"environment variable {meta['variable']} must be set")
                values[spec.name] = None
                continue
            if meta["url"]:
                text = text.rstrip("/")
            values[spec.name] = meta["parse"](text) if meta["parse"] else text
        return cls(**values)


def _once(settings_class: type[T]) -> Callable[[], T]:
    """The settings of a container: read on first use, then cached (``cache_clear`` to re-read)."""
    return lru_cache(maxsize=None)(settings_class.from_env)  # type: ignore[attr-defined]


def _feed_item_count(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 1000:
        raise MissingSetting(f"FEED_ITEM_COUNT must be a whole number from 1 to 1000, not {text!r}")
    return int(text)


def _http_url(text: str) -> str:
    if not text.startswith(("https://", "http://")):
        raise MissingSetting(f"WEBSUB_HUB_URL must be an http(s) URL or empty, not {text!r}")
    return text


@dataclass(frozen=True)
class ArticleSettings(FromEnvironment):
    articles_table: str = setting("ARTICLES_TABLE")
    article_bucket: str = setting("ARTICLE_BUCKET")
    idempotency_table: str = setting("IDEMPOTENCY_TABLE")
    site_url: str = setting("SITE_URL", url=True)


@dataclass(frozen=True)
class PublisherSettings(FromEnvironment):
    publishers_table: str = setting("PUBLISHERS_TABLE")


@dataclass(frozen=True)
class FeedSettings(FromEnvironment):
    """RenderFeedsFunction: reads articles, writes the site bucket, optionally pings a WebSub hub."""

    articles_table: str = setting("ARTICLES_TABLE")
    article_bucket: str = setting("ARTICLE_BUCKET")
    site_bucket: str = setting("SITE_BUCKET")
    site_url: str = setting("SITE_URL", url=True)
    item_count: int = setting("FEED_ITEM_COUNT", parse=_feed_item_count)
    websub_hub_url: str | None = setting("WEBSUB_HUB_URL", optional=True, parse=_http_url)


# -- subscriptions and digests ------------------------------------------------------------------


@dataclass(frozen=True)
class SubscriberSettings(FromEnvironment):
    subscribers_table: str = setting("SUBSCRIBERS_TABLE")


@dataclass(frozen=True)
class TokenSettings(FromEnvironment):
    token_secret_arn: str = setting("TOKEN_SECRET_ARN")


@dataclass(frozen=True)
class MailSettings(FromEnvironment):
    sender_email: str = setting("SENDER_EMAIL")
    sender_name: str = setting("SENDER_NAME")
    list_id: str = setting("LIST_ID")
    configuration_set: str = setting("SES_CONFIGURATION_SET")
    unsubscribe_mailto: str | None = setting("UNSUBSCRIBE_MAILTO", optional=True)


@dataclass(frozen=True)
class DigestScheduleSettings(FromEnvironment):
    articles_table: str = setting("ARTICLES_TABLE")
    article_bucket: str = setting("ARTICLE_BUCKET")
    digest_bucket: str = setting("DIGEST_BUCKET")
    digest_queue_url: str = setting("DIGEST_QUEUE_URL")
    sender_name: str = setting("SENDER_NAME")
    site_url: str = setting("SITE_URL", url=True)


@dataclass(frozen=True)
class DigestDeliverySettings(FromEnvironment):
    delivery_ledger_table: str = setting("DELIVERY_LEDGER_TABLE")
    digest_bucket: str = setting("DIGEST_BUCKET")
    api_url: str = setting("API_URL", url=True)


article_settings = _once(ArticleSettings)
publisher_settings = _once(PublisherSettings)
feed_settings = _once(FeedSettings)
subscriber_settings = _once(SubscriberSettings)
token_settings = _once(TokenSettings)
mail_settings = _once(MailSettings)
digest_schedule_settings = _once(DigestScheduleSettings)
digest_delivery_settings = _once(DigestDeliverySettings)


def optional(name: str) -> str | None:
    value = os.environ.get(name, "").strip()
    return value or None


def public_api_url() -> str | None:
    """The API's public base URL if the deployment says it (else the request tells it)."""
    value = optional("API_URL")
    return value.rstrip("/") if value else None
