"""The readers' site in the site bucket, written by the feed render beside the feeds.

=======================================  ====================================================
``index.html`` (``/``)                   the latest articles, every feed, the subscribe form
``categories/{slug}.html``               one per category: its latest articles, its feeds,
                                         the form with the category ticked
``articles/{id}.html``                   one per public article, where its feed entries link
``assets/site.css``                      the one stylesheet (``syndicate.theme``)
=======================================  ====================================================

Bounded like the feeds. The home and category pages show the newest articles the feed's own
Query already returned (``listed``), so they cost no request of their own; each page is rendered
only when its *fingerprint* changes (the page renderer's version, the site and API URLs, the
category directory, and the (id, version) of every article it shows), and put only when its
bytes differ from what was last put. An article page is written when its article is rendered at
a version (or by a page renderer) whose page is not written yet, and deleted when the article is
public nowhere (``delete_article``); retractions and drafts leave the home and category pages on
the next render because they leave the feeds' Queries.

The fingerprints live in the render state under ``site``: ``pages`` (key -> [fingerprint, SHA-256 of
the bytes put]) and ``articles`` (article id -> both, shortened, kept only for the articles the feeds show, like
``shown``), so the state grows with the categories and the feeds, not with stored articles.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from functools import lru_cache
from importlib import resources
from typing import Any

from syndicate import theme
from syndicate.articles.model import Article
from syndicate.feeds.entries import Entry, xml_text
from syndicate.feeds.fingerprints import fingerprint, sha256
from syndicate.feeds.page_views import (
    SITE_LANGUAGE,
    Card,
    FeedGroup,
    SiteUrls,
    article_view,
    card,
    category_page_key,
    render_page,
)
from syndicate.feeds.ports import SiteWriter
from syndicate.feeds.spec import FeedSpec

PAGE_CACHE = "public, max-age=300"  # like the feeds: a retraction leaves every cache within 5 minutes
PAGE_TYPE = "text/html; charset=utf-8"
HOME_KEY = "index.html"
LISTED = 20  # articles on the home page and on each category page (at most the feed's own count)


def article_page_key(article_id: str) -> str:
    return f"articles/{article_id}.html"


@lru_cache(maxsize=1)
def page_renderer_version() -> str:
    """Changes whenever a page template, the theme or the code that makes a page changes."""
    digest = hashlib.sha256(theme.theme_version().encode())
    package = resources.files("syndicate.feeds")
    templates = package / "templates" / "site"
    for name in sorted(item.name for item in templates.iterdir() if item.name.endswith(".j2")):
        digest.update(name.encode())
        digest.update((templates / name).read_bytes())
    for module in ("pages.py", "page_views.py", "human_dates.py", "entries.py"):
        digest.update((package / module).read_bytes())
    return digest.hexdigest()[:16]


class SitePages:
    def __init__(self, site: SiteWriter, urls: SiteUrls, *, api_url: str | None = None, listed: int = LISTED) -> None:
        self._site = site
        self._urls = urls
        self._form_action = f"{api_url.rstrip('/')}/subscriptions" if api_url else None
        self._listed_count = listed
        self._listed: dict[str, list[Article]] = {}

    # -- article pages ------------------------------------------------------------------------

    def write_article(self, article: Article, entry: Entry, state: dict[str, Any]) -> str | None:
        """Writes the article's page with its whole body unless it is written already; returns its key if put."""
        written: dict[str, str] = _site_state(state)["articles"]
        inputs = fingerprint(
            [page_renderer_version(), *self._urls.identity, article.id, article.version, article.body_version]
        )
        recorded = written.get(article.id, "")
        if recorded[:32] == inputs[:32]:
            return None
        body_html = xml_text(article.body_html) if article.body_html else None
        view = article_view(article, entry, body_html, self._urls)
        body = render_page(
            "article.html.j2",
            site=self._urls.frame(link for group in view.feeds for link in group.links),
            title=f"{view.title} · {self._urls.site_title}",
            lang=SITE_LANGUAGE,
            description=view.summary,
            view=view,
        )
        key = article_page_key(article.id)
        digest = sha256(body)
        written[article.id] = inputs[:32] + digest[:32]
        if recorded[32:] == digest[:32]:
            return None  # a new version that looks the same
        self._put(key, body, PAGE_TYPE, digest)
        return key

    def delete_article(self, article_id: str) -> str:
        key = article_page_key(article_id)
        self._site.delete(key)
        return key

    # -- home and category pages --------------------------------------------------------------

    def listed(self, spec: FeedSpec, articles: list[Article]) -> None:
        """The newest public articles of ``spec``'s feed (newest first), as its Query returned them."""
        self._listed[spec.key] = articles[: self._listed_count]

    def publish(self, specs: list[FeedSpec], state: dict[str, Any], *, left_out: Iterable[str] = ()) -> list[str]:
        """Writes the stylesheet, the home page and each category page whose content changed; returns the keys put.

        ``left_out``: articles this render could not render (no page of theirs exists): not listed.
        """
        site_state = _site_state(state)
        shown = state.get("shown") or {}
        site_state["articles"] = {key: value for key, value in site_state["articles"].items() if key in shown}
        recorded: dict[str, list[str]] = site_state["pages"]
        skipped = set(left_out)
        categories = [spec for spec in specs if spec.slug]
        written = []
        if self._put_changed(theme.STYLESHEET_KEY, "", theme.stylesheet, theme.STYLESHEET_TYPE, recorded):
            written.append(theme.STYLESHEET_KEY)
        for spec in specs:
            if spec.key not in self._listed:
                continue  # its feed was not read this render
            articles = [article for article in self._listed[spec.key] if article.id not in skipped]
            inputs = fingerprint(
                [
                    page_renderer_version(),
                    *self._urls.identity,
                    self._form_action,
                    [(category.slug, category.name) for category in categories],
                    [(article.id, article.version) for article in articles],
                ]
            )
            key = category_page_key(spec.slug) if spec.slug else HOME_KEY

            def render(spec: FeedSpec = spec, articles: list[Article] = articles) -> bytes:
                return self._render_listing(spec, articles, categories)

            if self._put_changed(key, inputs, render, PAGE_TYPE, recorded):
                written.append(key)
        self._listed.clear()
        return written

    def _put_changed(
        self, key: str, inputs: str, render: Callable[[], bytes], content_type: str, recorded: dict[str, list[str]]
    ) -> bool:
        """Renders ``key`` unless its inputs are unchanged, puts it unless its bytes are; True if put."""
        last_inputs, last_digest = recorded.get(key) or ["", ""]
        if inputs and inputs == last_inputs:
            return False
        body = render()
        digest = sha256(body)
        recorded[key] = [inputs, digest]
        if digest == last_digest:
            return False
        self._put(key, body, content_type, digest)
        return True

    def _render_listing(self, spec: FeedSpec, articles: list[Article], categories: list[FeedSpec]) -> bytes:
        urls = self._urls
        cards = _cards(articles, urls)
        everything = FeedGroup("Everything", urls.feeds(urls.feed(None, None)))
        nav = tuple(
            theme.NavLink(str(category.name), urls.category(str(category.slug)), category.slug == spec.slug)
            for category in categories
        )
        choices = tuple(
            theme.CategoryChoice(str(category.name), str(category.slug), category.slug == spec.slug)
            for category in categories
        )
        form = theme.SubscribeForm(self._form_action, choices) if self._form_action else None
        if spec.slug is None:
            feeds = (everything, *(FeedGroup(str(c.name), urls.feeds(c)) for c in categories))
            return render_page(
                "home.html.j2",
                site=urls.frame(everything.links, nav),
                title=urls.site_title,
                lang=SITE_LANGUAGE,
                description="The latest articles, their feeds, and a digest by email.",
                cards=cards,
                feeds=feeds,
                form=form,
            )
        own = FeedGroup(str(spec.name), urls.feeds(spec))
        return render_page(
            "category.html.j2",
            site=urls.frame((*own.links, *everything.links), nav),
            title=f"{spec.name} · {urls.site_title}",
            lang=SITE_LANGUAGE,
            description=f"The latest articles in {spec.name}.",
            category=spec.name,
            page_url=urls.category(spec.slug),
            cards=cards,
            feeds=(own, everything),
            form=form,
        )

    def _put(self, key: str, body: bytes, content_type: str, digest: str) -> None:
        self._site.put(key, body, content_type=content_type, cache_control=PAGE_CACHE, digest=digest)


def _site_state(state: dict[str, Any]) -> dict[str, Any]:
    site: dict[str, Any] = state.setdefault("site", {})
    site.setdefault("pages", {})
    site.setdefault("articles", {})
    return site


def _cards(articles: list[Article], urls: SiteUrls) -> list[Card]:
    cards = []
    for article in articles:
        try:
            cards.append(card(article, urls))
        except ValueError:
            continue  # an article no feed can show (the render logs and counts it): no card either
    return cards
