"""The composition root: domain services wired to their adapters, built once per container, lazily.

Each factory reads its settings before importing its service, so a function asks only for what
its environment configures and fails at once (``ConfigurationError``) on what it does not.

Handlers ask here for what they need; tests either call these (on moto) or build the services
themselves with fakes. Nothing is created at import time, and each factory imports only what
its service needs, so a function does not load (at cold start) the code of another's domain.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING

from syndicate import settings
from syndicate.adapters.clients import forget_clients
from syndicate.clock import Clock, system_clock

if TYPE_CHECKING:
    from syndicate.adapters.articles import ArticleStore
    from syndicate.adapters.cloudformation import CustomResourceResponder
    from syndicate.adapters.delivery_records import DeliveryRecordStore
    from syndicate.adapters.queues import QueueWriter
    from syndicate.adapters.ses import SesAccount, SesTransport
    from syndicate.adapters.subscribers import SubscriberStore
    from syndicate.articles.service import ArticleService
    from syndicate.assets.service import AssetService, HostedImageFacts
    from syndicate.assets.verification import UploadVerifier
    from syndicate.digests.delivery import DigestDelivery
    from syndicate.digests.feedback import FeedbackRecorder
    from syndicate.digests.guard import ReputationGuard
    from syndicate.digests.schedule import DigestScheduler
    from syndicate.feeds.render import FeedRenderer
    from syndicate.mailing.message import SenderProfile
    from syndicate.mailing.tokens import TokenSigner
    from syndicate.origins import TrustedOrigins
    from syndicate.publishers.keys import PublisherDirectory
    from syndicate.subscriptions.confirmation import ConfirmationService
    from syndicate.subscriptions.forms import SignUpForms
    from syndicate.subscriptions.service import SubscriptionService
    from syndicate.subscriptions.stamps import FormStamps
    from syndicate.subscriptions.welcome import WelcomeService
    from syndicate.teardown.service import BucketTeardown
    from syndicate.theme import SiteFrame


_clock: Clock = system_clock
_sleep: Callable[[float], None] = time.sleep
_pacing_clock: Callable[[], float] = time.monotonic
_pacing_sleep: Callable[[float], None] = time.sleep


def clock() -> Clock:
    """The clock every service is built with (tests and the local stack may replace it)."""
    return _clock


def use_clock(new_clock: Clock) -> None:
    global _clock
    _clock = new_clock
    forget()


def use_sleep(new_sleep: Callable[[float], None]) -> None:
    """How the SES backoff waits (tests hand in a recorder so nothing sleeps)."""
    global _sleep
    _sleep = new_sleep
    forget()


def use_pacing(monotonic: Callable[[], float], sleep: Callable[[float], None]) -> None:
    """The time the digest sender paces itself by (tests hand in a fake that advances when slept on)."""
    global _pacing_clock, _pacing_sleep
    _pacing_clock, _pacing_sleep = monotonic, sleep
    forget()


# -- articles and publishers --------------------------------------------------------------------


@cache
def article_store() -> ArticleStore:
    storage = settings.article_storage_settings()
    from syndicate.adapters.articles import ArticleStore

    return ArticleStore(storage.articles_table, storage.article_bucket)


@cache
def article_service() -> ArticleService:
    store, table = article_store(), settings.idempotency_settings().idempotency_table
    from syndicate.adapters.idempotency import idempotency_records
    from syndicate.articles.service import ArticleService

    return ArticleService(store, clock(), idempotency=idempotency_records(table), images=hosted_image_facts())


@cache
def hosted_image_facts() -> HostedImageFacts:
    assets, site_url = settings.asset_settings(), settings.site_settings().site_url
    from syndicate.adapters.assets import ClaimTable
    from syndicate.assets.service import HostedImageFacts

    return HostedImageFacts(ClaimTable(assets.assets_table), site_url)


@cache
def asset_service() -> AssetService:
    assets, site_url = settings.asset_settings(), settings.site_settings().site_url
    from syndicate.adapters.assets import ClaimTable, UploadBucket
    from syndicate.assets.service import AssetService

    return AssetService(ClaimTable(assets.assets_table), UploadBucket(assets.upload_bucket), site_url)


@cache
def upload_verifier() -> UploadVerifier:
    assets, media = settings.asset_settings(), settings.media_settings()
    from syndicate.adapters.assets import ClaimTable, MediaBucket, UploadBucket
    from syndicate.assets.verification import UploadVerifier

    claims, uploads = ClaimTable(assets.assets_table), UploadBucket(assets.upload_bucket)
    return UploadVerifier(claims, uploads, MediaBucket(media.site_bucket), clock())


@cache
def publisher_directory() -> PublisherDirectory:
    table = settings.publisher_settings().publishers_table
    from syndicate.adapters.publishers import PublisherStore
    from syndicate.publishers.keys import PublisherDirectory

    return PublisherDirectory(PublisherStore(table), clock())


# -- feeds --------------------------------------------------------------------------------------


@cache
def feed_renderer() -> FeedRenderer:
    feed, site_url = settings.feed_settings(), settings.site_settings().site_url
    from syndicate.adapters.http import HttpImageProbe, OutboundHttp, WebSubPinger
    from syndicate.adapters.site import SiteBucket
    from syndicate.adapters.withdrawals import WithdrawalLogTable
    from syndicate.feeds.render import FeedRenderer
    from syndicate.observability import logger  # not at import: Powertools reads its settings then

    site, outbound = SiteBucket(feed.site_bucket), OutboundHttp()
    return FeedRenderer(
        article_store(),
        site,
        clock(),
        site_url=site_url,
        site_title=feed.site_title,
        item_count=feed.item_count,
        lease=site,
        withdrawals=WithdrawalLogTable(settings.article_storage_settings().articles_table),
        hub_url=feed.websub_hub_url,
        api_url=feed.api_url,
        pinger=WebSubPinger(outbound),
        image_probe=HttpImageProbe(outbound),
        logger=logger,
    )


# -- subscriptions and digests ------------------------------------------------------------------


@cache
def subscriber_store() -> SubscriberStore:
    table = settings.subscriber_settings().subscribers_table
    from syndicate.adapters.subscribers import SubscriberStore

    return SubscriberStore(table)


def token_secret() -> bytes:
    """The link-token secret (Secrets Manager, cached by Powertools parameters)."""
    from syndicate.adapters.secrets import secret_bytes

    return secret_bytes(settings.token_settings().token_secret_arn)


def token_signer() -> TokenSigner:
    from syndicate.mailing.tokens import TokenSigner

    return TokenSigner(token_secret(), clock())


@cache
def mail_transport() -> SesTransport:
    configuration_set = settings.sender_settings().configuration_set
    from syndicate.adapters.ses import SesTransport

    return SesTransport(configuration_set, sleep=lambda seconds: _sleep(seconds))


@cache
def sender_profile() -> SenderProfile:
    sender = settings.sender_settings()
    from syndicate.mailing.message import SenderProfile

    return SenderProfile(sender.sender_email, sender.sender_name, sender.list_id, sender.unsubscribe_mailto)


def sender_name() -> str:
    """The name the subscription pages are signed with."""
    return settings.sender_name_settings().sender_name


@cache
def confirmation_queue() -> QueueWriter:
    queue_url = settings.sign_up_queue_settings().confirmation_queue_url
    from syndicate.adapters.queues import QueueWriter

    return QueueWriter(queue_url)


def form_stamps() -> FormStamps:
    from syndicate.subscriptions.stamps import FormStamps

    return FormStamps(token_secret())


def subscription_service() -> SubscriptionService:
    from syndicate.subscriptions.service import SubscriptionService

    return SubscriptionService(subscriber_store(), token_signer(), confirmation_queue(), clock(), form_stamps())


def sign_up_forms() -> SignUpForms:
    from syndicate.subscriptions.forms import SignUpForms

    return SignUpForms(article_store(), form_stamps(), clock(), f"{subscription_api_url()}/subscriptions")


def subscription_api_url() -> str:
    return settings.subscription_page_settings().api_url


def trusted_origins() -> TrustedOrigins:
    """The site's own origin and those of the AllowedOrigins parameter."""
    allowed, site_url = settings.subscription_page_settings().allowed_origins or (), settings.site_settings().site_url
    from syndicate.origins import TrustedOrigins

    return TrustedOrigins((site_url, *allowed))


def page_frame() -> SiteFrame:
    from syndicate.subscriptions.pages import site_frame

    return site_frame(sender_name(), settings.site_settings().site_url)


def confirmation_service() -> ConfirmationService:
    confirmation, table = settings.confirmation_settings(), settings.subscriber_settings().subscribers_table
    from syndicate.adapters.subscribers import ConfirmationLimitStore
    from syndicate.mailing.links import SubscriptionLinks
    from syndicate.subscriptions.confirmation import ConfirmationService

    return ConfirmationService(
        subscriber_store(),
        ConfirmationLimitStore(table),
        token_signer(),
        mail_transport(),
        sender_profile(),
        SubscriptionLinks(confirmation.api_url),
        clock(),
        id_secret=token_secret(),
        hourly_budget=confirmation.hourly_budget,
    )


def welcome_service() -> WelcomeService:
    api_url, site_url = settings.confirmation_settings().api_url, settings.site_settings().site_url
    from syndicate.mailing.links import SubscriptionLinks
    from syndicate.subscriptions.welcome import WelcomeService

    return WelcomeService(
        subscriber_store(),
        article_store(),
        mail_transport(),
        sender_profile(),
        token_signer(),
        SubscriptionLinks(api_url),
        clock(),
        site_url=site_url,
    )


@cache
def delivery_records() -> DeliveryRecordStore:
    table = settings.subscriber_settings().subscribers_table
    from syndicate.adapters.delivery_records import DeliveryRecordStore

    return DeliveryRecordStore(table)


@cache
def sending_account() -> SesAccount:
    """SES's view of the account (GetAccount), read at most every few minutes per container."""
    from syndicate.adapters.ses import SesAccount

    return SesAccount(monotonic=lambda: _pacing_clock())


@cache
def reputation_guard() -> ReputationGuard:
    reputation = settings.reputation_settings()
    from syndicate.digests.guard import ReputationGuard, Thresholds

    thresholds = Thresholds(reputation.bounce_rate, reputation.complaint_rate, reputation.minimum_sends)
    return ReputationGuard(sending_account(), delivery_records(), clock(), thresholds)


@cache
def digest_scheduler() -> DigestScheduler:
    schedule, site_url, name = settings.digest_schedule_settings(), settings.site_settings().site_url, sender_name()
    from syndicate.adapters.editions import EditionStore
    from syndicate.adapters.queues import QueueWriter
    from syndicate.digests.rendering import EditionRenderer
    from syndicate.digests.schedule import DigestScheduler

    return DigestScheduler(
        subscriber_store(),
        article_store(),
        EditionRenderer(site_url, name),
        EditionStore(schedule.digest_bucket),
        QueueWriter(schedule.digest_queue_url),
        reputation_guard(),
        delivery_records(),
        clock(),
    )


@cache
def digest_delivery() -> DigestDelivery:
    delivery, pacing = settings.digest_delivery_settings(), settings.pacing_settings()
    from syndicate.adapters.editions import EditionStore
    from syndicate.adapters.ses import Backoff, SesTransport
    from syndicate.adapters.subscribers import DeliveryLedger
    from syndicate.digests.delivery import DigestDelivery, DigestMessages
    from syndicate.digests.pacing import Pacer
    from syndicate.mailing.links import SubscriptionLinks

    messages = DigestMessages(
        EditionStore(delivery.digest_bucket),
        token_signer(),
        SubscriptionLinks(delivery.api_url),
        sender_profile(),
        clock(),
    )
    # Throttling is the pacer's to answer (slow down, try again), so SES is asked once per try.
    transport = SesTransport(settings.sender_settings().configuration_set, backoff=Backoff(attempts=1))
    pacer = Pacer(sending_account(), pacing.sender_concurrency, lambda: _pacing_clock(), lambda s: _pacing_sleep(s))
    records = delivery_records()
    return DigestDelivery(
        subscriber_store(),
        DeliveryLedger(delivery.delivery_ledger_table),
        transport,
        messages,
        reputation_guard(),
        records,
        records,
        pacer,
        clock(),
    )


def feedback_recorder() -> FeedbackRecorder:
    from syndicate.digests.feedback import FeedbackRecorder

    return FeedbackRecorder(subscriber_store(), delivery_records(), clock(), id_secret=token_secret())


# -- teardown -----------------------------------------------------------------------------------


def bucket_teardown() -> BucketTeardown:
    from syndicate.adapters.buckets import S3BucketEraser
    from syndicate.adapters.cloudformation import CloudFormationStacks
    from syndicate.teardown.service import BucketTeardown

    return BucketTeardown(CloudFormationStacks(), S3BucketEraser(sleep=lambda seconds: _sleep(seconds)))


def custom_resource_responder() -> CustomResourceResponder:
    from syndicate.adapters.cloudformation import CustomResourceResponder

    return CustomResourceResponder()


FACTORIES = (
    article_store,
    article_service,
    hosted_image_facts,
    asset_service,
    upload_verifier,
    publisher_directory,
    feed_renderer,
    subscriber_store,
    mail_transport,
    sender_profile,
    confirmation_queue,
    delivery_records,
    sending_account,
    reputation_guard,
    digest_scheduler,
    digest_delivery,
)


def forget(*, clients: bool = True) -> None:
    """Drop every cached service and setting, and the boto3 clients (each moto world starts clean).

    ``clients=False`` keeps the boto3 clients (tests switching between functions' environments
    in one moto world: building clients is the slow part).
    """
    for factory in FACTORIES:
        factory.cache_clear()
    settings.forget()
    if clients:
        forget_clients()
