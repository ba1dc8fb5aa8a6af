"""The welcome email, sent once per confirmation: what the reader signed up for, the newest
articles in their categories, and how to change that or leave.

Confirming queues a ``WelcomeDue`` (subscriber id and ``confirmed_at``), again on every confirm
POST until the welcome is claimed, so a doubled click, a retried POST or one whose answer was
lost cannot leave a confirmation without its welcome; the queue may hold it several times, and
the claim (a conditional write of ``welcomed_for`` on the subscriber) lets one of them send.
The claim is taken before SES is called, as digests do: a known failure gives it back for the
retry, a refusal of this address is final, and a crash between the claim and SES's answer leaves
that reader without a welcome rather than with two.

What an article holds is text: titles are one line, only http(s) URLs become links or images,
summaries are cut, and the reader's own links go only where the templates placed their slots
(``syndicate.mailing.slots``). Gmail clips a message past 102 KB: a welcome is at most
``WELCOME_ARTICLES`` articles with the contract's limits on each field, and one that would still
pass ``MAX_MESSAGE_BYTES`` (every field at its limit, in characters that cost nine bytes once
encoded) goes with fewer articles.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

import css_inline

from syndicate.articles.model import Article, article_url
from syndicate.clock import Clock, isoformat
from syndicate.mailing import tokens
from syndicate.mailing.links import SubscriptionLinks
from syndicate.mailing.message import MessageTemplate, Personal, SenderProfile, one_line
from syndicate.mailing.model import Subscriber, category_slugs
from syndicate.mailing.ports import MailNotSent, MailTransport, RecipientRejected
from syndicate.mailing.slots import Slot, SlotMarkers
from syndicate.mailing.templates import email_environment
from syndicate.subscriptions.pages import shown_categories
from syndicate.subscriptions.ports import PublicArticles, SubscriberRepository, WelcomeDue

WELCOME_ARTICLES = 3
CATEGORY_QUERIES = 5  # the reader's first categories read for it: one Query each, bounded
SUMMARY_LENGTH = 280
MAX_MESSAGE_BYTES = 100_000  # the whole MIME message: under Gmail's 102 KB, whichever KB it means


class WelcomeOutcome(Enum):
    SENT = "sent"
    ALREADY_SENT = "already_sent"  # claimed by an earlier delivery of the same confirmation
    NOT_DUE = "not_due"  # unsubscribed, suppressed or confirmed again since it was queued
    REJECTED = "rejected"  # refused for this address for good


@dataclass(frozen=True)
class WelcomeResult:
    outcome: WelcomeOutcome
    code: str | None = None
    detail: str | None = None


def _web_url(value: Any) -> str | None:
    if isinstance(value, str) and value.startswith(("https://", "http://")) and value.isprintable():
        return value
    return None


def _cut(text: str, length: int) -> str:
    if len(text) <= length:
        return text
    return text[: length - 1].rsplit(" ", 1)[0].rstrip(" ,.;:") + "…"


class WelcomeService:
    def __init__(
        self,
        store: SubscriberRepository,
        articles: PublicArticles,
        transport: MailTransport,
        sender_profile: SenderProfile,
        signer: tokens.TokenSigner,
        links: SubscriptionLinks,
        clock: Clock,
        *,
        site_url: str,
    ) -> None:
        self._store = store
        self._articles = articles
        self._transport = transport
        self._profile = sender_profile
        self._signer = signer
        self._links = links
        self._clock = clock
        self._site_url = site_url.rstrip("/")
        self._inliner = css_inline.CSSInliner(keep_style_tags=False, load_remote_stylesheets=False)

    def send(self, due: WelcomeDue) -> WelcomeResult:
        subscriber = self._store.get(due.subscriber_id)
        if subscriber is None or not subscriber.receives_digests or subscriber.confirmed_at != due.confirmed_at:
            return WelcomeResult(WelcomeOutcome.NOT_DUE)
        if subscriber.welcomed_for == due.confirmed_at:
            return WelcomeResult(WelcomeOutcome.ALREADY_SENT)
        try:
            message = self.message(subscriber)
        except ValueError as error:  # an address no To header can carry: no retry changes that
            return WelcomeResult(WelcomeOutcome.REJECTED, "UnwritableAddress", str(error))
        if not self._store.claim_welcome(subscriber.id, due.confirmed_at):
            return WelcomeResult(WelcomeOutcome.ALREADY_SENT)
        try:
            self._transport.send_raw(self._profile.address, subscriber.email, message)
        except RecipientRejected as rejected:
            return WelcomeResult(WelcomeOutcome.REJECTED, rejected.code, rejected.detail)  # the claim stays
        except MailNotSent:
            self._store.release_welcome(subscriber.id, due.confirmed_at)
            raise
        return WelcomeResult(WelcomeOutcome.SENT)

    def latest(self, subscriber: Subscriber) -> list[Article]:
        """The newest public articles in the reader's categories (every category: the newest of all)."""
        now = isoformat(self._clock())
        found: dict[str, Article] = {}
        for slug in category_slugs(subscriber.categories)[:CATEGORY_QUERIES] or (None,):
            page = self._articles.list_public(category=slug, now=now, limit=WELCOME_ARTICLES, cursor=None)
            found.update((article.id, article) for article in page.articles)
        return sorted(found.values(), key=lambda article: article.position, reverse=True)[:WELCOME_ARTICLES]

    def view(self, article: Article) -> dict[str, Any] | None:
        """What the templates show of an article: plain text and checked URLs; None if it cannot be shown."""
        title, summary, image = article.title, article.extras.get("summary"), article.extras.get("image")
        if not isinstance(title, str) or not (summary is None or isinstance(summary, str)):
            return None
        image_url = _web_url(image.get("url")) if isinstance(image, dict) else None
        alt = image.get("alt") if isinstance(image, dict) else None
        return {
            "title": one_line(title),
            "summary": _cut(one_line(summary), SUMMARY_LENGTH) if summary else None,
            "url": _web_url(article.extras.get("canonical_url")) or article_url(self._site_url, article.id),
            "image": {"url": image_url, "alt": one_line(alt) if isinstance(alt, str) else ""} if image_url else None,
        }

    def message(self, subscriber: Subscriber) -> bytes:
        """The welcome for ``subscriber`` (as many of the latest articles as fit under
        ``MAX_MESSAGE_BYTES``); ValueError if their address cannot be written in a header."""
        views = [view for view in map(self.view, self.latest(subscriber)) if view is not None]
        for count in range(len(views), 0, -1):
            message = self._message(subscriber, views[:count])
            if len(message) <= MAX_MESSAGE_BYTES:
                return message
        return self._message(subscriber, [])

    def _message(self, subscriber: Subscriber, views: list[dict[str, Any]]) -> bytes:
        markers = SlotMarkers()
        context = {
            "sender_name": self._profile.display_name,
            "site_url": self._site_url,
            "cadence": subscriber.cadence,
            "categories": shown_categories(subscriber.categories),
            "articles": views,
            "preferences_url": markers[Slot.PREFERENCES_URL],
            "unsubscribe_url": markers[Slot.UNSUBSCRIBE_URL],
        }
        env = email_environment("syndicate.subscriptions")
        subject = f"Welcome to {self._profile.display_name}: you are subscribed"
        html = self._inliner.inline(env.get_template("welcome-email.html.j2").render(subject=subject, **context))
        text = env.get_template("welcome-email.txt.j2").render(**context)
        template = MessageTemplate(self._profile, subject, markers.body(text), markers.body(html), self._clock())
        confirmed = "".join(c for c in subscriber.confirmed_at or "" if c.isdigit())
        return template.personalise(
            Personal(
                to=subscriber.email,
                message_id=f"welcome.{subscriber.id}.{confirmed}@{self._profile.domain}",
                unsubscribe_url=self._links.unsubscribe(self._signer.issue(tokens.UNSUBSCRIBE, subscriber.id)),
                preferences_url=self._links.preferences(self._signer.issue(tokens.PREFERENCES, subscriber.id)),
            )
        )
