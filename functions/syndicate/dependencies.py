"""The composition root: domain services wired to their stores, built once per container, lazily.

Each factory reads its settings before importing its service, so a function asks only for what
its environment configures and fails at once (``MissingSetting``) on what it does not.

Handlers ask here for what they need; tests either call these (on moto) or build the services
themselves with fakes. Nothing is created at import time, and each factory imports only what
its service needs, so a function does not load (at cold start) the code of another's domain.
"""

from __future__ import annotations

import time
from functools import lru_cache
from typing import TYPE_CHECKING, Callable

from syndicate.clock import Clock, system_clock
from syndicate import settings
from syndicate.settings import article_settings, feed_settings, publisher_settings
from syndicate.storage.clients import forget_clients

if TYPE_CHECKING:
    from syndicate.articles.service import ArticleService
    from syndicate.feeds.render import FeedRenderer
    from syndicate.publishers.keys import PublisherDirectory
    from syndicate.storage.articles import ArticleStore

    # subscriptions and digests
    from syndicate.digests.delivery import DigestSender
    from syndicate.digests.feedback import FeedbackRecorder
    from syndicate.digests.message import Sender
    from syndicate.digests.schedule import DigestScheduler
    from syndicate.storage.mail import SesMailer
    from syndicate.storage.subscribers import SubscriberStore
    from syndicate.subscriptions.service import SubscriptionService
    from syndicate.subscriptions.tokens import TokenSigner


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
    settings = article_settings()
    from syndicate.storage.articles import ArticleStore

    return ArticleStore(settings.articles_table, settings.article_bucket)


@lru_cache(maxsize=None)
def article_service() -> "ArticleService":
    store, table = article_store(), article_settings().idempotency_table
    from syndicate.articles.service import ArticleService
    from syndicate.storage.idempotency import idempotency_records

    return ArticleService(store, clock(), idempotency=idempotency_records(table))


@lru_cache(maxsize=None)
def publisher_directory() -> "PublisherDirectory":
    table = publisher_settings().publishers_table
    from syndicate.publishers.keys import PublisherDirectory
    from syndicate.storage.publishers import PublisherStore

    return PublisherDirectory(PublisherStore(table), clock())


# -- feeds --------------------------------------------------------------------------------------

@lru_cache(maxsize=None)
def feed_renderer() -> "FeedRenderer":
    settings = feed_settings()
    from syndicate.feeds.render import FeedRenderer
    from syndicate.observability import logger  # not at import: Powertools reads its settings then
    from syndicate.storage.articles import ArticleStore
    from syndicate.storage.outbound import HttpImageProbe, WebSubPinger
    from syndicate.storage.site import SiteBucket

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



# -- subscriptions and digests ------------------------------------------------------------------

_sleep: Callable[[float], None] = time.sleep


def use_sleep(new_sleep: Callable[[float], None]) -> None:
    """How the SES backoff waits (tests hand in a recorder so nothing sleeps)."""
    global _sleep
    _sleep = new_sleep
    forget()


@lru_cache(maxsize=None)
def subscriber_store() -> "SubscriberStore":
    table = settings.subscriber_settings().subscribers_table
    from syndicate.storage.subscribers import SubscriberStore

    return SubscriberStore(table)


def token_secret() -> bytes:
    """The link-token secret (Secrets Manager, cached by Powertools parameters)."""
    from syndicate.storage.secrets import secret_bytes

    return secret_bytes(settings.token_settings().token_secret_arn)


def token_signer() -> "TokenSigner":
    from syndicate.subscriptions.tokens import TokenSigner

    return TokenSigner(token_secret(), clock())


@lru_cache(maxsize=None)
def ses_mailer() -> "SesMailer":
    configuration_set = settings.mail_settings().configuration_set
    from syndicate.storage.mail import SesMailer

    return SesMailer(configuration_set, sleep=lambda seconds: _sleep(seconds))


@lru_cache(maxsize=None)
def mail_sender() -> "Sender":
    mail = settings.mail_settings()
    from syndicate.digests.message import Sender

    return Sender(mail.sender_email, mail.sender_name, mail.list_id, mail.unsubscribe_mailto)


def subscription_service() -> "SubscriptionService":
    from syndicate.subscriptions.service import SubscriptionService

    return SubscriptionService(subscriber_store(), token_signer(), ses_mailer(), mail_sender(), clock(),
                               id_secret=token_secret())


@lru_cache(maxsize=None)
def digest_scheduler() -> "DigestScheduler":
    schedule = settings.digest_schedule_settings()
    from syndicate.digests.rendering import EditionRenderer
    from syndicate.digests.schedule import DigestScheduler
    from syndicate.storage.articles import ArticleStore
    from syndicate.storage.editions import EditionStore
    from syndicate.storage.queues import QueueWriter

    return DigestScheduler(
        subscriber_store(),
        # Its own ArticleStore: the schedule reads articles but has no idempotency table.
        ArticleStore(schedule.articles_table, schedule.article_bucket),
        EditionRenderer(schedule.site_url, schedule.sender_name),
        EditionStore(schedule.digest_bucket),
        QueueWriter(schedule.digest_queue_url),
    )


@lru_cache(maxsize=None)
def digest_sender() -> "DigestSender":
    delivery = settings.digest_delivery_settings()
    from syndicate.digests.delivery import DigestSender
    from syndicate.storage.editions import EditionStore
    from syndicate.storage.subscribers import DeliveryLedger
    from syndicate.subscriptions.links import Links

    return DigestSender(
        subscriber_store(),
        DeliveryLedger(delivery.delivery_ledger_table),
        ses_mailer(),
        EditionStore(delivery.digest_bucket),
        token_signer(),
        Links(delivery.api_url),
        mail_sender(),
        clock(),
    )


def feedback_recorder() -> "FeedbackRecorder":
    from syndicate.digests.feedback import FeedbackRecorder

    return FeedbackRecorder(subscriber_store(), clock(), id_secret=token_secret())


FACTORIES = (
    article_store, article_service, publisher_directory, feed_renderer,
    # subscriptions and digests
    subscriber_store, ses_mailer, mail_sender, digest_scheduler, digest_sender,
)
_DIGEST_SETTINGS = (settings.subscriber_settings, settings.token_settings, settings.mail_settings,
                    settings.digest_schedule_settings, settings.digest_delivery_settings)


def forget(*, clients: bool = True) -> None:
    """Drop every cached service and client (tests: each moto world starts clean).

    ``clients=False`` keeps the boto3 clients (tests switching between functions' environments
    in one moto world: building clients is the slow part).
    """
    for factory in FACTORIES:
        factory.cache_clear()
    article_settings.cache_clear()
    publisher_settings.cache_clear()
    feed_settings.cache_clear()
    for cached in _DIGEST_SETTINGS:
        cached.cache_clear()
    if clients:
        forget_clients()
