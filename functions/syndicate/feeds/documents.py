"""Feed documents in the three formats: RSS 2.0, Atom 1.0 (RFC 4287) and JSON Feed 1.1.

RSS and Atom come from Jinja2 templates with autoescaping on, so every value is text: titles
can never become markup, and ``&``, ``<`` or ``]]>`` anywhere give a well-formed document. The
sanitized body HTML goes into Atom's ``<content type="html">`` escaped, and into RSS's
``content:encoded`` as a CDATA section (the ``cdata`` filter, the one value that is not escaped;
it reads back as the same text). JSON Feed is ``json.dumps`` of a dict, not a template.

A document is its frame (what comes before and after the entries, ``Format.frame``) around its
entries' fragments, and an entry's fragment in each format depends on the entry alone. So each
entry is rendered once (``render_entry``, in every format) and reused by every document that
holds it and by every later render while the renderer keeps it (``entry_cache``): a render after
one new article renders one entry and a frame per document, whatever the documents hold.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache, lru_cache
from importlib import resources
from typing import Any, NamedTuple

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from syndicate.feeds.entries import Entry, Image
from syndicate.feeds.spec import DEFAULT_SITE_TITLE

EPOCH = "1970-01-01T00:00:00Z"


class RenderedEntry(NamedTuple):
    """An entry with its fragment in every format (``FORMATS`` order), as documents hold it."""

    entry: Entry
    fragments: tuple[bytes, ...]
    size: int  # bytes it adds to a document in its largest format (JSON Feed: with its comma)

    @property
    def weight(self) -> int:
        """Roughly the memory it holds, for the entry cache's bound."""
        return sum(len(fragment) for fragment in self.fragments) + len(self.entry.content_html or "")


@dataclass(frozen=True)
class FeedDocument:
    """One page of a feed: the subscription document or an RFC 5005 archive page."""

    title: str
    description: str
    home_url: str
    entries: tuple[RenderedEntry, ...]  # newest first
    author: str = DEFAULT_SITE_TITLE  # the feed's author: the publication (SenderName)
    hub_url: str | None = None
    archive: bool = False  # an archive page (fh:archive); the subscription document otherwise
    complete: bool = False  # a full archive page: it will never change again

    @property
    def updated(self) -> str:
        """The newest change among the entries, so an unchanged feed renders to the same bytes."""
        return max((rendered.entry.updated for rendered in self.entries), default=EPOCH)


@dataclass(frozen=True)
class FeedLinks:
    """The URLs one rendering of a document points at, all in its own format."""

    self_url: str
    prev_archive: str | None = None
    current: str | None = None  # on an archive page: the subscription document


def _parse(moment: str) -> datetime:
    return datetime.fromisoformat(moment.replace("Z", "+00:00"))


_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def rfc822(moment: str) -> str:
    """RFC 822 date with a four-digit year, locale-independent: Wed, 17 Dec 2025 09:00:00 GMT.

    What ``email.utils.format_datetime(usegmt=True)`` writes, from fixed day and month names
    (never ``strftime``, whose names follow the locale) in a third of its time: every RSS item
    has one. A moment that is not UTC is refused.
    """
    parsed = _parse(moment)
    if parsed.utcoffset() != timedelta(0):
        raise ValueError(f"an RSS date must be UTC, not {moment!r}")
    return (
        f"{_DAYS[parsed.weekday()]}, {parsed.day:02d} {_MONTHS[parsed.month - 1]} {parsed.year:04d} "
        f"{parsed.hour:02d}:{parsed.minute:02d}:{parsed.second:02d} GMT"
    )


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
    for package, module in (
        ("syndicate.feeds", "documents.py"),
        ("syndicate.feeds", "entries.py"),
        ("syndicate.articles", "links.py"),
    ):
        digest.update((resources.files(package) / module).read_bytes())
    return digest.hexdigest()[:16]


def rss_item(entry: Entry, tag_domain: str) -> tuple[Any, ...]:
    """The values the ``item`` macro of ``rss.xml.j2`` takes, in its order.

    As macro arguments they are plain local variables: Jinja looks up every ``entry.field``
    through ``Environment.getattr``, and those lookups were most of a render's time. The date and
    the HTML form of the summary are computed here rather than by template filters; escaping
    stays in the template (autoescape), applied to each value as it is printed.
    """
    return (
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
        tag_domain,
    )


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


@cache
def _macros(template_name: str) -> Any:
    return environment().get_template(template_name).module


def _xml_frame(template_name: str) -> Callable[[FeedDocument, FeedLinks], tuple[bytes, bytes]]:
    def frame(feed: FeedDocument, links: FeedLinks) -> tuple[bytes, bytes]:
        macros = _macros(template_name)
        return str(macros.head(feed, links)).encode("utf-8"), str(macros.tail()).encode("utf-8")

    return frame


def rss_entry(entry: Entry, tag_domain: str) -> bytes:
    return str(_macros("rss.xml.j2").item(*rss_item(entry, tag_domain))).encode("utf-8")


def atom_entry(entry: Entry, tag_domain: str) -> bytes:
    return str(_macros("atom.xml.j2").entry(entry, tag_domain)).encode("utf-8")


def json_feed_frame(feed: FeedDocument, links: FeedLinks) -> tuple[bytes, bytes]:
    document: dict[str, Any] = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": feed.title,
        "home_page_url": feed.home_url,
        "feed_url": links.self_url,
        "description": feed.description,
        "authors": [{"name": feed.author, "url": feed.home_url}],
    }
    if feed.hub_url:
        document["hubs"] = [{"type": "WebSub", "url": feed.hub_url}]
    if links.prev_archive:
        # JSON Feed's paging: next_url is the page with the next (older) items.
        document["next_url"] = links.prev_archive
    if feed.complete:
        document["expired"] = True
    head = _json(document)
    return head[:-1] + b',"items":[', b"]}"  # the items last, between the object's braces


def json_feed_entry(entry: Entry, tag_domain: str) -> bytes:
    return _json(_json_item(entry))


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


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
    index: int  # of its fragment in ``RenderedEntry.fragments``
    entry: Callable[[Entry, str], bytes]  # one entry's fragment (entry, tag domain)
    frame: Callable[[FeedDocument, FeedLinks], tuple[bytes, bytes]]  # what comes before and after the entries
    separator: bytes = b""

    def render(self, document: FeedDocument, links: FeedLinks) -> bytes:
        head, tail = self.frame(document, links)
        return head + self.separator.join(rendered.fragments[self.index] for rendered in document.entries) + tail


FORMATS = (
    Format("rss", "rss.xml", "application/rss+xml; charset=utf-8", 0, rss_entry, _xml_frame("rss.xml.j2")),
    Format("atom", "atom.xml", "application/atom+xml; charset=utf-8", 1, atom_entry, _xml_frame("atom.xml.j2")),
    Format("json", "feed.json", "application/feed+json; charset=utf-8", 2, json_feed_entry, json_feed_frame, b","),
)


def render_entry(entry: Entry, tag_domain: str) -> RenderedEntry:
    """``entry`` rendered in every format, and the bytes it adds to a document in the largest.

    A document's size is its frame plus its entries' sizes, so pages can be cut to a size before
    any document is rendered.
    """
    fragments = tuple(fmt.entry(entry, tag_domain) for fmt in FORMATS)
    size = max(len(fragment) + len(fmt.separator) for fmt, fragment in zip(FORMATS, fragments, strict=True))
    return RenderedEntry(entry, fragments, size)
