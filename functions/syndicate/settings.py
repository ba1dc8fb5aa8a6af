"""Configuration, read from the environment once per container and validated at start-up.

Settings are grouped by what they configure (the article store, the site, the sender...), not by
function: a function's composition root (``syndicate.dependencies``) reads the groups its
services need, so two functions that use the article store read it the same way.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from functools import _lru_cache_wrapper, cache
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

T = TypeVar("T")
S = TypeVar("S", bound="FromEnvironment")

_REPO_SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"


class ConfigurationError(RuntimeError):
    """A variable the function needs is unset or invalid: a deployment mistake, reported at cold start."""


def schemas_dir() -> Path:
    """Where schemas/ is: the ContractLayer (/opt) in Lambda, the repository's schemas/ elsewhere."""
    configured = os.environ.get("SCHEMAS_DIR")
    return Path(configured) if configured else _REPO_SCHEMAS


def setting(
    variable: str, *, optional: bool = False, url: bool = False, parse: Callable[[str], Any] | None = None
) -> Any:
    """A settings field read from environment variable ``variable``.

    ``optional``: unset or empty gives None; ``url``: a trailing slash is dropped; ``parse``:
    turns the text into the value, raising ``ConfigurationError`` (with the reason) when it cannot.
    """
    return field(metadata={"variable": variable, "optional": optional, "url": url, "parse": parse})


class FromEnvironment:
    """A frozen dataclass of ``setting()`` fields, built from the environment in one place."""

    @classmethod
    def from_env(cls: type[T]) -> T:
        values: dict[str, Any] = {}
        for spec in fields(cls):  # type: ignore[arg-type]  # cls is a dataclass by construction
            meta = spec.metadata
            text = os.environ.get(meta["variable"], "").strip()
            if not text:
                if not meta["optional"]:
                    raise ConfigurationError(f"environment variable {meta['variable']} must be set")
                values[spec.name] = None
                continue
            if meta["url"]:
                text = text.rstrip("/")
            values[spec.name] = meta["parse"](text) if meta["parse"] else text
        return cls(**values)


def _once(settings_class: type[S]) -> _lru_cache_wrapper[S]:
    """The settings of a container: read on first use, then cached (``cache_clear`` to re-read)."""
    return cache(settings_class.from_env)


def _feed_item_count(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 1000:
        raise ConfigurationError(f"FEED_ITEM_COUNT must be a whole number from 1 to 1000, not {text!r}")
    return int(text)


def _hourly_budget(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise ConfigurationError(f"CONFIRMATION_EMAILS_PER_HOUR must be a whole number of at least 1, not {text!r}")
    return int(text)


def _origins(text: str) -> tuple[str, ...]:
    from syndicate.origins import origin_of

    origins = tuple(part.strip() for part in text.split(",") if part.strip())
    wrong = [origin for origin in origins if origin_of(origin) != origin.lower()]
    if wrong:
        raise ConfigurationError(
            f"ALLOWED_ORIGINS must be comma-separated origins such as https://blog.example.com "
            f"(scheme and host, no path), not {', '.join(map(repr, wrong))}"
        )
    return origins


def _percent(variable: str) -> Callable[[str], float]:
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = -1.0
        if not 0 < value <= 100:
            raise ConfigurationError(f"{variable} must be a percentage above 0 and at most 100, not {text!r}")
        return value / 100

    return parse


def _whole_number(variable: str, lowest: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        if not text.isdigit() or int(text) < lowest:
            raise ConfigurationError(f"{variable} must be a whole number of at least {lowest}, not {text!r}")
        return int(text)

    return parse


def _http_url(variable: str, meaning: str) -> Callable[[str], str]:
    """An absolute http(s) URL with a host and no whitespace; ``meaning`` says what it must be."""

    def parse(text: str) -> str:
        parts = urlsplit(text)
        if parts.scheme not in ("http", "https") or not parts.hostname or any(c.isspace() for c in text):
            raise ConfigurationError(f"{variable} must be {meaning}, not {text!r}")
        return text

    return parse


# -- shared by several functions ----------------------------------------------------------------


@dataclass(frozen=True)
class ArticleStorageSettings(FromEnvironment):
    """Where articles live: metadata in ``ArticlesTable``, bodies in ``ArticleBucket``."""

    articles_table: str = setting("ARTICLES_TABLE")
    article_bucket: str = setting("ARTICLE_BUCKET")


@dataclass(frozen=True)
class SiteSettings(FromEnvironment):
    """The public base URL of the site (feeds and article pages), without a trailing slash."""

    site_url: str = setting("SITE_URL", url=True)


# -- one function's own -------------------------------------------------------------------------


@dataclass(frozen=True)
class IdempotencySettings(FromEnvironment):
    idempotency_table: str = setting("IDEMPOTENCY_TABLE")


@dataclass(frozen=True)
class PublisherSettings(FromEnvironment):
    publishers_table: str = setting("PUBLISHERS_TABLE")


@dataclass(frozen=True)
class FeedSettings(FromEnvironment):
    """RenderFeedsFunction: writes the site bucket (feeds and pages), optionally pings a WebSub hub."""

    site_bucket: str = setting("SITE_BUCKET")
    # The publication's name (SenderName): the title of the site's pages and of every feed.
    site_title: str = setting("SITE_TITLE")
    item_count: int = setting("FEED_ITEM_COUNT", parse=_feed_item_count)
    websub_hub_url: str | None = setting(
        "WEBSUB_HUB_URL", optional=True, parse=_http_url("WEBSUB_HUB_URL", "an http(s) URL or empty")
    )
    # The API's public base URL: the site's subscribe forms post to {api_url}/subscriptions.
    api_url: str = setting("API_URL", url=True, parse=_http_url("API_URL", "the API's http(s) base URL"))


@dataclass(frozen=True)
class AssetSettings(FromEnvironment):
    """Hosted images: claims in ``AssetsTable``, uploads land in the private ``UploadBucket``."""

    assets_table: str = setting("ASSETS_TABLE")
    upload_bucket: str = setting("UPLOAD_BUCKET")


@dataclass(frozen=True)
class MediaSettings(FromEnvironment):
    """VerifyUploadsFunction: verified images go to the site bucket's media/."""

    site_bucket: str = setting("SITE_BUCKET")


# -- subscriptions and digests ------------------------------------------------------------------


@dataclass(frozen=True)
class SubscriberSettings(FromEnvironment):
    subscribers_table: str = setting("SUBSCRIBERS_TABLE")


@dataclass(frozen=True)
class TokenSettings(FromEnvironment):
    token_secret_arn: str = setting("TOKEN_SECRET_ARN")


@dataclass(frozen=True)
class SenderSettings(FromEnvironment):
    """Who mail comes from, and the SES configuration set it is sent with."""

    sender_email: str = setting("SENDER_EMAIL")
    sender_name: str = setting("SENDER_NAME")
    list_id: str = setting("LIST_ID")
    configuration_set: str = setting("SES_CONFIGURATION_SET")
    unsubscribe_mailto: str | None = setting("UNSUBSCRIBE_MAILTO", optional=True)


@dataclass(frozen=True)
class SenderNameSettings(FromEnvironment):
    """The name the subscription pages are signed with (no mail is sent with it alone)."""

    sender_name: str = setting("SENDER_NAME")


@dataclass(frozen=True)
class SignUpQueueSettings(FromEnvironment):
    """SubscriptionsApiFunction: where sign-ups wait for their confirmation email."""

    confirmation_queue_url: str = setting("CONFIRMATION_QUEUE_URL")


@dataclass(frozen=True)
class SubscriptionPageSettings(FromEnvironment):
    """SubscriptionsApiFunction: the API's public base URL (forms post there, its redirects lead
    there), and the other sites whose pages may send readers back (return_to) or call it (CORS)."""

    api_url: str = setting("API_URL", url=True)
    allowed_origins: tuple[str, ...] | None = setting("ALLOWED_ORIGINS", optional=True, parse=_origins)


@dataclass(frozen=True)
class ConfirmationSettings(FromEnvironment):
    """SendConfirmationsFunction: the service-wide limit, and the base URL of the links it sends."""

    hourly_budget: int = setting("CONFIRMATION_EMAILS_PER_HOUR", parse=_hourly_budget)
    api_url: str = setting("API_URL", url=True)


@dataclass(frozen=True)
class DigestScheduleSettings(FromEnvironment):
    digest_bucket: str = setting("DIGEST_BUCKET")
    digest_queue_url: str = setting("DIGEST_QUEUE_URL")


@dataclass(frozen=True)
class DigestDeliverySettings(FromEnvironment):
    delivery_ledger_table: str = setting("DELIVERY_LEDGER_TABLE")
    digest_bucket: str = setting("DIGEST_BUCKET")
    api_url: str = setting("API_URL", url=True, parse=_http_url("API_URL", "the API's http(s) base URL"))


@dataclass(frozen=True)
class ReputationSettings(FromEnvironment):
    """When digests pause: bounce and complaint rates (given in percent of the digests sent, read
    as fractions) and how many sends a rate needs before it counts."""

    bounce_rate: float = setting("REPUTATION_BOUNCE_RATE_PERCENT", parse=_percent("REPUTATION_BOUNCE_RATE_PERCENT"))
    complaint_rate: float = setting(
        "REPUTATION_COMPLAINT_RATE_PERCENT", parse=_percent("REPUTATION_COMPLAINT_RATE_PERCENT")
    )
    minimum_sends: int = setting("REPUTATION_MINIMUM_SENDS", parse=_whole_number("REPUTATION_MINIMUM_SENDS", 1))


@dataclass(frozen=True)
class PacingSettings(FromEnvironment):
    """SendDigestsFunction: how many senders may run at once (the SQS event source's maximum
    concurrency), among whom the account's send rate is shared."""

    sender_concurrency: int = setting("SENDER_CONCURRENCY", parse=_whole_number("SENDER_CONCURRENCY", 1))


article_storage_settings = _once(ArticleStorageSettings)
site_settings = _once(SiteSettings)
idempotency_settings = _once(IdempotencySettings)
publisher_settings = _once(PublisherSettings)
feed_settings = _once(FeedSettings)
subscriber_settings = _once(SubscriberSettings)
token_settings = _once(TokenSettings)
sender_settings = _once(SenderSettings)
sender_name_settings = _once(SenderNameSettings)
sign_up_queue_settings = _once(SignUpQueueSettings)
subscription_page_settings = _once(SubscriptionPageSettings)
confirmation_settings = _once(ConfirmationSettings)
digest_schedule_settings = _once(DigestScheduleSettings)
digest_delivery_settings = _once(DigestDeliverySettings)
reputation_settings = _once(ReputationSettings)
pacing_settings = _once(PacingSettings)
asset_settings = _once(AssetSettings)
media_settings = _once(MediaSettings)

CACHED = (
    article_storage_settings,
    site_settings,
    idempotency_settings,
    publisher_settings,
    feed_settings,
    subscriber_settings,
    token_settings,
    sender_settings,
    sender_name_settings,
    sign_up_queue_settings,
    subscription_page_settings,
    confirmation_settings,
    digest_schedule_settings,
    digest_delivery_settings,
    reputation_settings,
    pacing_settings,
    asset_settings,
    media_settings,
)


def forget() -> None:
    """Read every group from the environment again on next use (tests switch environments)."""
    for cached in CACHED:
        cached.cache_clear()
