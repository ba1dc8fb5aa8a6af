"""What each page of the site shows, as plain values, and its HTML (Jinja2, autoescaped).

Every publisher string reaches a page through ``entries.build_entry`` (XML-legal, single-line
fields on one line, every field cut to its limit, every URL http(s)) and then through Jinja's
autoescaping, so it is text wherever it lands: element content, an attribute, a ``<meta>``.
The body is nh3-sanitized HTML (``sanitized`` filter). Characters HTML forbids but XML allows
(C1 controls, noncharacters) are dropped from the rendered page. The JSON-LD goes through Jinja's
``tojson``, which escapes ``<``, ``>``, ``&`` and ``'`` as ``\\u`` sequences: no text can close
the ``<script>`` element. A ``lang`` attribute is printed only for a well-formed BCP 47 tag.

Article pages depend only on their article (and the site's URL), never on the category
directory or the other articles, so one new article or category never rewrites every page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from jinja2 import Environment
from markupsafe import Markup

from syndicate import theme
from syndicate.articles.model import Article, article_url, category_slug
from syndicate.articles.rendering import sanitize_html
from syndicate.feeds.entries import DEFAULT_LIMITS, Author, Entry, build_entry
from syndicate.feeds.human_dates import human_date, same_day
from syndicate.feeds.spec import FeedSpec

SITE_LANGUAGE = "en"
# The article contract's pattern for ``language`` (schemas/article.schema.json).
_LANGUAGE_TAG = re.compile(
    r"[A-Za-z]{2,3}(-[A-Za-z]{4})?(-([A-Za-z]{2}|[0-9]{3}))?(-([A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*"
)
_FEED_FORMATS = (
    ("rss.xml", "application/rss+xml", "RSS"),
    ("atom.xml", "application/atom+xml", "Atom"),
    ("feed.json", "application/feed+json", "JSON Feed"),
)


class Link(NamedTuple):
    label: str
    url: str


class Picture(NamedTuple):
    url: str
    alt: str
    width: int | None
    height: int | None
    caption: str | None
    credit: str | None


class Moment(NamedTuple):
    iso: str  # the <time datetime> value
    text: str  # for people, in the article's language


class Card(NamedTuple):
    """One article in a list (home and category pages)."""

    article_id: str
    url: str  # its page on this site
    title: str
    summary: str | None
    picture: Picture | None
    published: Moment
    lang: str | None
    authors: tuple[str, ...]
    categories: tuple[Link, ...]


class FeedGroup(NamedTuple):
    """A feed in its three formats, for a visible list."""

    title: str
    links: tuple[theme.FeedLink, ...]


class ArticleView(NamedTuple):
    """An article's own page."""

    page_url: str
    canonical_url: str  # the publisher's canonical_url, else page_url
    title: str
    summary: str | None
    body_html: str | None
    picture: Picture | None
    published: Moment
    updated: Moment | None  # only when it differs from the published day
    lang: str | None
    authors: tuple[Author, ...]
    categories: tuple[Link, ...]
    tags: tuple[str, ...]
    canonical_host: str | None  # shown for the link to the canonical URL, when there is one
    json_ld: dict[str, Any]
    feeds: tuple[FeedGroup, ...]


class SiteUrls:
    """Where things are on the site, from its base URL, and the title it goes by (SenderName)."""

    def __init__(self, site_url: str, site_title: str) -> None:
        self.site_url = site_url.rstrip("/")
        self.site_title = site_title

    @property
    def identity(self) -> tuple[str, str]:
        """What every page shows of the site: a change to either rewrites every page."""
        return self.site_url, self.site_title

    def feed(self, slug: str | None, name: str | None) -> FeedSpec:
        return FeedSpec(slug, name, self.site_title)

    @property
    def home(self) -> str:
        return f"{self.site_url}/"

    @property
    def stylesheet(self) -> str:
        return f"{self.site_url}/{theme.STYLESHEET_KEY}"

    def article(self, article_id: str) -> str:
        return article_url(self.site_url, article_id)

    def category(self, slug: str) -> str:
        return f"{self.site_url}/{category_page_key(slug)}"

    def feeds(self, spec: FeedSpec) -> tuple[theme.FeedLink, ...]:
        return tuple(
            theme.FeedLink(spec.title, f"{self.site_url}/{spec.current_key(name)}", media_type, label)
            for name, media_type, label in _FEED_FORMATS
        )

    def frame(self, feeds: Iterable[theme.FeedLink], nav: Iterable[theme.NavLink] = ()) -> theme.SiteFrame:
        return theme.SiteFrame(self.site_title, self.home, self.stylesheet, tuple(feeds), tuple(nav))


def category_page_key(slug: str) -> str:
    return f"categories/{slug}.html"


def language_tag(value: str | None) -> str | None:
    """``value`` if it is a well-formed BCP 47 tag (the contract's pattern), else None."""
    return value if value and _LANGUAGE_TAG.fullmatch(value) else None


def _moment(iso: str, lang: str | None) -> Moment:
    return Moment(iso, human_date(iso, lang))


def _picture(entry: Entry) -> Picture | None:
    image = entry.image
    if image is None:
        return None
    return Picture(image.url, image.alt, image.width, image.height, image.caption, image.credit)


def _category_names(article: Article, entry: Entry) -> list[tuple[str, str]]:
    """(name, slug) of each category: the entry's cleaned name, the slug of the stored name.

    The entry keeps at most ``EntryLimits.items`` categories, hence ``strict=False``.
    """
    return [(name, category_slug(raw)) for raw, name in zip(article.categories, entry.categories, strict=False)]


def _categories(article: Article, entry: Entry, urls: SiteUrls) -> tuple[Link, ...]:
    return tuple(Link(name, urls.category(slug)) for name, slug in _category_names(article, entry))


def card(article: Article, urls: SiteUrls) -> Card:
    """``article`` (metadata only) as a card; ``ValueError`` when it cannot be shown (as in the feeds)."""
    entry = build_entry(article, urls.site_url, None, DEFAULT_LIMITS)
    lang = language_tag(entry.language)
    return Card(
        article_id=article.id,
        url=urls.article(article.id),
        title=entry.title,
        summary=entry.summary,
        picture=_picture(entry),
        published=_moment(entry.published, lang),
        lang=lang,
        authors=tuple(author.name for author in entry.authors),
        categories=_categories(article, entry, urls),
    )


def article_view(article: Article, entry: Entry, body_html: str | None, urls: SiteUrls) -> ArticleView:
    """The page of ``article``; ``entry`` is its feed entry, ``body_html`` its whole body."""
    lang = language_tag(entry.language)
    page_url = urls.article(article.id)
    categories = _categories(article, entry, urls)
    feeds = (
        *(FeedGroup(name, urls.feeds(urls.feed(slug, name))) for name, slug in _category_names(article, entry)),
        FeedGroup("Everything", urls.feeds(urls.feed(None, None))),
    )
    view = ArticleView(
        page_url=page_url,
        canonical_url=entry.url,
        title=entry.title,
        summary=entry.summary,
        body_html=body_html,
        picture=_picture(entry),
        published=_moment(entry.published, lang),
        updated=None if same_day(entry.published, entry.updated) else _moment(entry.updated, lang),
        lang=lang,
        authors=entry.authors,
        categories=categories,
        tags=entry.tags,
        canonical_host=urlsplit(entry.url).hostname if entry.url != page_url else None,
        json_ld={},
        feeds=feeds,
    )
    return view._replace(json_ld=news_article(view, entry, urls))


def news_article(view: ArticleView, entry: Entry, urls: SiteUrls) -> dict[str, Any]:
    """schema.org NewsArticle for search engines (printed with ``tojson``, safe inside ``<script>``)."""
    document: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": view.title,
        "url": view.page_url,
        "mainEntityOfPage": view.canonical_url,
        "datePublished": entry.published,
        "dateModified": entry.updated,
        "publisher": {"@type": "Organization", "name": urls.site_title, "url": urls.home},
    }
    if view.summary:
        document["description"] = view.summary
    if view.picture:
        document["image"] = [view.picture.url]
    if entry.authors:
        document["author"] = [
            {"@type": "Person", "name": author.name, **({"url": author.url} if author.url else {})}
            for author in entry.authors
        ]
    if entry.categories:
        document["articleSection"] = list(entry.categories)
    if entry.tags:
        document["keywords"] = list(entry.tags)
    if view.lang:
        document["inLanguage"] = view.lang
    return document


# -- rendering ----------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = theme.page_environment("syndicate.feeds", "templates/site")
    # tojson still escapes <, >, & and ' as \u sequences; the rest stays as written, so the
    # characters HTML forbids are dropped from the JSON-LD as from the rest of the page.
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False}
    # nh3's output is safe HTML by construction (an allow-list of tags, attributes and URL schemes).
    env.filters["sanitized"] = lambda html: Markup(sanitize_html(html or ""))  # noqa: S704
    return env


def render_page(template: str, **context: Any) -> bytes:
    """The page as UTF-8 without a character HTML forbids (templates have none: they come from publisher text)."""
    return theme.html_document(environment().get_template(template).render(**context)).encode("utf-8")
