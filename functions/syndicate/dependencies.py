"""The composition root: domain services wired to their stores, built once per container, lazily.

Handlers ask here for what they need; tests either call these (on moto) or build the services
themselves with fakes. Nothing is created at import time.
"""

from __future__ import annotations

from functools import lru_cache

from syndicate.articles.service import ArticleService
from syndicate.clock import Clock, system_clock
from syndicate.publishers.keys import PublisherDirectory
from syndicate.feeds.render import FeedRenderer
from syndicate.settings import article_settings, feed_settings, publisher_settings
from syndicate.storage.articles import ArticleStore
from syndicate.storage.clients import forget_clients
from syndicate.storage.idempotency import idempotency_records
from syndicate.storage.outbound import HttpImageProbe, WebSubPinger
from syndicate.storage.publishers import PublisherStore
from syndicate.storage.site import SiteBucket


_clock: Clock = system_clock


def clock() -> Clock:
    """The clock every service is built with (tests and the local stack may replace it)."""
    return _clock


def use_clock(new_clock: Clock) -> None:
    global _clock
    _clock = new_clock
    forget()


@lru_cache(maxsize=None)
def article_store() -> ArticleStore:
    settings = article_settings()
    return ArticleStore(settings.articles_table, settings.article_bucket)


@lru_cache(maxsize=None)
def article_service() -> ArticleService:
    return ArticleService(
        article_store(), clock(), idempotency=idempotency_records(article_settings().idempotency_table)
    )


@lru_cache(maxsize=None)
def publisher_directory() -> PublisherDirectory:
    return PublisherDirectory(PublisherStore(publisher_settings().publishers_table), clock())


@lru_cache(maxsize=None)
def feed_renderer() -> FeedRenderer:
    from syndicate.observability import logger  # not at import: Powertools reads its settings then

    settings = feed_settings()
    return FeedRenderer(
        ArticleStore(settings.articles_table, settings.article_bucket),
        SiteBucket(settings.site_bucket),
        clock(),
        site_url=settings.site_url,
        item_count=settings.item_count,
        hub_url=settings.websub_hub_url,
        pinger=WebSubPinger(),
        image_probe=HttpImageProbe(),
        logger=logger,
    )


def forget() -> None:
    """Drop every cached service and client (tests: each moto world starts clean)."""
    for factory in (article_store, article_service, publisher_directory, feed_renderer):
        factory.cache_clear()
    article_settings.cache_clear()
    publisher_settings.cache_clear()
    feed_settings.cache_clear()
    forget_clients()
