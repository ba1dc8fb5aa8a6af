"""The composition root: domain services wired to their stores, built once per container, lazily.

Handlers ask here for what they need; tests either call these (on moto) or build the services
themselves with fakes. Nothing is created at import time, and each factory imports only what
its service needs, so a function does not load (at cold start) the code of another's domain.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from syndicate.clock import Clock, system_clock
from syndicate.settings import article_settings, publisher_settings
from syndicate.storage.clients import forget_clients

if TYPE_CHECKING:
    from syndicate.articles.service import ArticleService
    from syndicate.publishers.keys import PublisherDirectory
    from syndicate.storage.articles import ArticleStore


_clock: Clock = system_clock


def clock() -> Clock:
    """The clock every service is built with (tests and the local stack may replace it)."""
    return _clock


def use_clock(new_clock: Clock) -> None:
    global _clock
    _clock = new_clock
    forget()


@lru_cache(maxsize=None)
def article_store() -> "ArticleStore":
    from syndicate.storage.articles import ArticleStore

    settings = article_settings()
    return ArticleStore(settings.articles_table, settings.article_bucket)


@lru_cache(maxsize=None)
def article_service() -> "ArticleService":
    from syndicate.articles.service import ArticleService
    from syndicate.storage.idempotency import idempotency_records

    return ArticleService(
        article_store(), clock(), idempotency=idempotency_records(article_settings().idempotency_table)
    )


@lru_cache(maxsize=None)
def publisher_directory() -> "PublisherDirectory":
    from syndicate.publishers.keys import PublisherDirectory
    from syndicate.storage.publishers import PublisherStore

    return PublisherDirectory(PublisherStore(publisher_settings().publishers_table), clock())


FACTORIES = (article_store, article_service, publisher_directory)


def forget() -> None:
    """Drop every cached service and client (tests: each moto world starts clean)."""
    for factory in FACTORIES:
        factory.cache_clear()
    article_settings.cache_clear()
    publisher_settings.cache_clear()
    forget_clients()
