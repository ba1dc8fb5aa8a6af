"""Feed documents in the three formats: RSS 2.0, Atom 1.0 (RFC 4287) and JSON Feed 1.1.

RSS and Atom come from Jinja2 templates with autoescaping on, so every value is text: titles
can never become markup, and ``&``, ``<`` or ``]]>`` anywhere give a well-formed document. The
sanitized body HTML goes into Atom's ``<content type="html">`` escaped, and into RSS's
``content:encoded`` as a CDATA section (the ``cdata`` filter, the one value that is not escaped;
it reads back as the same text). JSON Feed is ``json.dumps`` of a dict, not a template.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from functools import lru_cache
from importlib import resources
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from syndicate.feeds.entries import Entry, Image

EPOCH = "1970-01-01T00:00:00Z"


@dataclass(frozen=True)
class FeedDocument:
    """One page of a feed: the subscription document or an RFC 5005 archive page."""

    title: str
    description: str
    home_url: str
    entries: tuple[Entry, ...]  # newest first
    hub_url: str | None = None
    archive: bool = False  # an archive page (fh:archive); the subscription document otherwise
    complete: bool = False  # a full archive page: it will never change again

    @property
    def updated(self) -> str:
        """The newest change among the entries, so an unchanged feed renders to the same bytes."""
        return max((entry.updated for entry in self.entries), default=EPOCH)


@dataclass(frozen=True)
class FeedLinks:
    """The URLs one rendering of a document points at, all in its own format."""

    self_url: str
    prev_archive: str | None = None
    current: str | None = None  # on an archive page: the subscription document


def _parse(moment: str) -> datetime:
    return datetime.fromisoformat(moment.replace("Z", "+00:00"))


def rfc822(moment: str) -> str:
    """RFC 822 date with a four-digit year, locale-independent: Wed, 17 Dec 2025 09:00:00 GMT.

    ``email.utils.format_datetime`` (never ``strftime``, whose day and month names follow the
    locale); it refuses a moment that is not UTC.
    """
    return format_datetime(_parse(moment), usegmt=True)


def as_html(text: str) -> str:
    """Plain text as HTML (for RSS description, which readers treat as HTML); escaped again on output."""
    return str(escape(text))


def cdata(text: str) -> Markup:
    """``text`` as an XML CDATA section, which a parser reads back as exactly ``text``.

    RSS carries the body HTML in ``content:encoded`` this way (as feedgen does): the same meaning
    as escaping it, without rewriting every ``<``, ``>``, ``"`` and ``&`` of every body on every
    render. ``]]>`` is the one sequence a section cannot hold, so it is split across two sections;
    the characters XML forbids everywhere are already gone (``entries.xml_text``).
    """
    # The one unescaped value: a CDATA section reads back as exactly ``text``, whatever it holds.
    return Markup("<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>")  # noqa: S704


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("syndicate.feeds", "templates"),
        autoescape=True,  # explicitly on for XML and HTML alike
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["rfc822"] = rfc822
    env.filters["as_html"] = as_html
    env.filters["cdata"] = cdata
    return env


@lru_cache(maxsize=1)
def renderer_version() -> str:
    """Changes whenever a template or this module changes, so fingerprints notice a new renderer."""
    digest = hashlib.sha256()
    templates = resources.files("syndicate.feeds") / "templates"
    for name in sorted(item.name for item in templates.iterdir() if item.name.endswith(".j2")):
        digest.update(name.encode())
        digest.update((templates / name).read_bytes())
    for module in ("documents.py", "entries.py"):
        digest.update((resources.files("syndicate.feeds") / module).read_bytes())
    return digest.hexdigest()[:16]


def rss_items(entries: tuple[Entry, ...]) -> list[tuple[Any, ...]]:
    """The values each RSS ``<item>`` prints, in the order ``rss.xml.j2`` unpacks them.

    Unpacked in the template's ``for``, they are plain local variables: Jinja looks up every
    ``entry.field`` through ``Environment.getattr``, and those lookups were most of a render's time.
    The date and the HTML form of the summary are computed here rather than by template filters;
    escaping stays in the template (autoescape), applied to each value as it is printed.
    """
    return [
        (
            entry.title,
            entry.url,
            entry.id,
            rfc822(entry.published),
            as_html(entry.summary) if entry.summary else None,
            entry.content_html,
            [author.name for author in entry.authors],
            entry.categories,
            entry.tags,
            _rss_images(entry.image),
        )
        for entry in entries
    ]


def _rss_images(image: Image | None) -> tuple[tuple[Any, ...], ...]:
    """Nothing, or the one image's values in the order ``rss.xml.j2`` unpacks them."""
    if image is None:
        return ()
    return (
        (
            image.url,
            image.type,
            image.width,
            image.height,
            image.length,
            image.description,
            image.credit,
            image.enclosable,
        ),
    )


def render_rss(feed: FeedDocument, links: FeedLinks, tag_domain: str) -> bytes:
    template = environment().get_template("rss.xml.j2")
    return template.render(feed=feed, items=rss_items(feed.entries), links=links, tag_domain=tag_domain).encode("utf-8")


def render_atom(feed: FeedDocument, links: FeedLinks, tag_domain: str) -> bytes:
    template = environment().get_template("atom.xml.j2")
    return template.render(feed=feed, links=links, tag_domain=tag_domain).encode("utf-8")


def render_json_feed(feed: FeedDocument, links: FeedLinks, tag_domain: str) -> bytes:
    document: dict[str, Any] = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": feed.title,
        "home_page_url": feed.home_url,
        "feed_url": links.self_url,
        "description": feed.description,
        "authors": [{"name": "Syndicate", "url": feed.home_url}],
    }
    if feed.hub_url:
        document["hubs"] = [{"type": "WebSub", "url": feed.hub_url}]
    if links.prev_archive:
        # JSON Feed's paging: next_url is the page with the next (older) items.
        document["next_url"] = links.prev_archive
    if feed.complete:
        document["expired"] = True
    document["items"] = [_json_item(entry) for entry in feed.entries]
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _json_item(entry: Entry) -> dict[str, Any]:
    item: dict[str, Any] = {"id": entry.id, "url": entry.url, "title": entry.title}
    if entry.content_html:
        item["content_html"] = entry.content_html
    else:
        item["content_text"] = entry.summary or entry.title
    if entry.summary:
        item["summary"] = entry.summary
    if entry.image:
        item["image"] = entry.image.url
        if entry.image.enclosable:
            item["attachments"] = [
                {"url": entry.image.url, "mime_type": entry.image.type, "size_in_bytes": entry.image.length}
            ]
    item["date_published"] = entry.published
    item["date_modified"] = entry.updated
    if entry.authors:
        item["authors"] = [
            {key: value for key, value in (("name", author.name), ("url", author.url)) if value}
            for author in entry.authors
        ]
    tags = list(dict.fromkeys((*entry.categories, *entry.tags)))
    if tags:
        item["tags"] = tags
    if entry.language:
        item["language"] = entry.language
    return item


@dataclass(frozen=True)
class Format:
    name: str
    file_name: str
    content_type: str
    render: Callable[[FeedDocument, FeedLinks, str], bytes]


FORMATS = (
    Format("rss", "rss.xml", "application/rss+xml; charset=utf-8", render_rss),
    Format("atom", "atom.xml", "application/atom+xml; charset=utf-8", render_atom),
    Format("json", "feed.json", "application/feed+json; charset=utf-8", render_json_feed),
)


_MEASURE = FeedDocument(title="", description="", home_url="", entries=())
_MEASURE_LINKS = FeedLinks(self_url="")


def frame_size(document: FeedDocument, links: FeedLinks, tag_domain: str) -> int:
    """Bytes of ``document`` without its entries, in its largest format."""
    empty = FeedDocument(**{**document.__dict__, "entries": ()})
    return max(len(fmt.render(empty, links, tag_domain)) for fmt in FORMATS)


def entry_size(entry: Entry, tag_domain: str) -> int:
    """Bytes ``entry`` adds to a document, in its largest format (+1: JSON's separating comma).

    A document's size is its frame plus the sizes of its entries, so pages can be cut to a size
    before anything is rendered.
    """
    one = FeedDocument(title="", description="", home_url="", entries=(entry,))
    return 1 + max(
        len(fmt.render(one, _MEASURE_LINKS, tag_domain)) - len(fmt.render(_MEASURE, _MEASURE_LINKS, tag_domain))
        for fmt in FORMATS
    )
