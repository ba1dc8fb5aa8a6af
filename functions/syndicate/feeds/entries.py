"""What a feed says about one article, as plain values every format renders from.

Whatever a stored article holds, ``build_entry`` either returns an ``Entry`` every format can
render or raises (and the renderer leaves that article out):

* Every string goes through ``xml_text``: XML 1.0 forbids control characters, lone surrogates
  and U+FFFE/U+FFFF, and a feed with one of them is not well-formed. Markup-significant
  characters (``&``, ``<``, ``]]>``) are left alone here; the templates escape them.
* Single-line fields (title, author names, categories, tags, image alt, caption and credit) have
  line breaks and line/paragraph separators (U+0085, U+2028, U+2029) turned into spaces, and
  every field is cut to ``EntryLimits`` (the contract's maxima), so no field can be huge.
* Structured fields of the wrong shape (an author that is not an object, a width that is not a
  whole number, a date that is not ``syndicate.clock.isoformat``) raise ``ValueError``.
* A body whose HTML is over ``EntryLimits.content_bytes`` is not carried: the entry carries its
  summary and a link to the article instead (``Entry.shortened``), so one entry stays small.
* Relative links and images in the body are resolved against the entry's URL (the article's),
  since the entry is read far from it (``syndicate.articles.links``).

``Entry``, ``Image`` and ``Author`` are immutable named tuples rather than frozen dataclasses: a
render builds one of each per article, and a frozen dataclass pays ``object.__setattr__`` for
every field (a third of building an entry).
"""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, NamedTuple

from markupsafe import escape

from syndicate.articles.links import absolute_links
from syndicate.articles.model import Article, article_url
from syndicate.clock import isoformat

# Everything outside the XML 1.0 Char production: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
_NOT_XML_CHAR = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# syndicate.clock.isoformat's form, with a real month, day, hour, minute and second.
_STORED_MOMENT = re.compile(r"\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\dZ")
# What breaks a line anywhere (str.splitlines' set, plus tab), collapsed with the spaces around it.
_LINE_BREAKS = re.compile("[ \t\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]+")


# The C0 controls XML forbids: in UTF-8 they are single bytes that never occur inside a longer sequence.
_C0_BYTES = bytes(code for code in range(0x20) if code not in (0x09, 0x0A, 0x0D))
# Forbidden C0 bytes, and 0xEF (the lead byte of U+F000..U+FFFF, where U+FFFE/U+FFFF are), -> NUL.
_SUSPECT = bytes(0 if code in _C0_BYTES or code == 0xEF else 1 for code in range(256))


def xml_text(value: str) -> str:
    """``value`` without the characters XML 1.0 cannot carry (also what JSON cannot encode as UTF-8).

    Fast paths in C for the usual clean text (a regex over every body costs more than the render).
    ``str.isprintable()`` is true only when there is no control character (category Cc), surrogate
    (Cs) or unassigned code point (Cn, which U+FFFE/U+FFFF are), so a printable string is clean:
    most titles, names, URLs and categories stop there. Otherwise (a newline, a format character
    such as an RTL mark): encoding fails on a lone surrogate, and one ``bytes.translate`` maps C0
    controls and the lead byte of U+FFFE/U+FFFF to NUL for ``in`` to find. Anything suspect takes
    the exact regex.
    """
    if value.isprintable():
        return value
    try:
        data = value.encode("utf-8")
    except UnicodeEncodeError:
        return _NOT_XML_CHAR.sub("", value)
    if b"\x00" not in data.translate(_SUSPECT):
        return value
    return _NOT_XML_CHAR.sub("", value)


def one_line(value: object, limit: int) -> str:
    """``value`` as XML-legal text on one line, at most ``limit`` characters (cut with an ellipsis)."""
    if type(value) is str and value.isprintable() and len(value) <= limit:
        return value  # the usual title, name or tag: nothing to do
    if not isinstance(value, str):
        raise ValueError(f"expected text, found {type(value).__name__}")
    text = xml_text(value)
    if not text.isprintable():
        text = _LINE_BREAKS.sub(" ", text).strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class EntryLimits(NamedTuple):
    """The most one entry carries; the text limits are the article contract's maxima."""

    content_bytes: int = 128 * 1024  # body HTML (UTF-8); over it, the summary and a link instead
    title: int = 300
    summary: int = 2000
    name: int = 200  # authors, categories, tags, image credit
    url: int = 2048
    alt: int = 2000  # image alt and caption
    items: int = 30  # authors, categories, tags


# An image's (length in bytes, media type), found from outside; raises when it cannot be found.
DescribeImage = Callable[[str], tuple[int, str]]


DEFAULT_LIMITS = EntryLimits()


def entry_id(article_id: str) -> str:
    """Stable across formats and site moves: the Atom id, the RSS guid, the JSON Feed id."""
    return f"urn:syndicate:article:{article_id}"


class Author(NamedTuple):
    name: str
    url: str | None = None
    email: str | None = None


class Image(NamedTuple):
    url: str
    alt: str
    caption: str | None
    credit: str | None
    type: str | None
    width: int | None
    height: int | None
    length: int | None  # bytes; None when neither the publisher nor a probe could say

    @property
    def description(self) -> str:
        return self.caption or self.alt

    @property
    def enclosable(self) -> bool:
        """An RSS enclosure needs a real length and type; without them there is none."""
        return self.length is not None and self.type is not None


class Entry(NamedTuple):
    id: str
    article_id: str
    url: str
    title: str  # plain text, never HTML
    summary: str | None  # plain text
    content_html: str | None  # sanitized at ingest, or the summary and a link when shortened
    published: str  # syndicate.clock.isoformat
    updated: str
    authors: tuple[Author, ...]
    categories: tuple[str, ...]
    tags: tuple[str, ...]
    image: Image | None
    language: str | None
    shortened: bool = False  # the body was over EntryLimits.content_bytes: summary and link instead


def build_entry(
    article: Article, site_url: str, describe_image: DescribeImage | None = None, limits: EntryLimits = DEFAULT_LIMITS
) -> Entry:
    """The feed entry for a public article that has its body loaded; ``ValueError`` if it cannot be one."""
    extras = article.extras if isinstance(article.extras, dict) else {}
    url = _url(extras.get("canonical_url") or article_url(site_url, article.id), limits)
    title = one_line(article.title, limits.title)
    summary = _optional_text(extras.get("summary"), limits.summary)
    content, shortened = _content(article.body_html, url=url, summary=summary, title=title, limits=limits)
    published = _moment(article.published_at)
    return Entry(
        id=entry_id(article.id),
        article_id=article.id,
        url=url,
        title=title,
        summary=summary,
        content_html=content,
        published=published,
        updated=max(_moment(article.updated_at), published),
        authors=tuple(_author(author, limits) for author in _items(extras.get("authors"), limits)),
        categories=tuple(one_line(name, limits.name) for name in _items(article.categories, limits)),
        tags=tuple(one_line(tag, limits.name) for tag in _items(extras.get("tags"), limits)),
        image=_image(extras.get("image"), describe_image, limits),
        language=_optional_text(extras.get("language"), 35),
        shortened=shortened,
    )


def _content(
    html: object, *, url: str, summary: str | None, title: str, limits: EntryLimits
) -> tuple[str | None, bool]:
    if not isinstance(html, str) or not html:
        return None, False
    if _fits(html, limits):
        resolved = absolute_links(html, url)  # longer links: measured again
        if resolved is html or _fits(resolved, limits):
            return xml_text(resolved), False
    lead = f"<p>{escape(summary)}</p>" if summary else ""
    return f'{lead}<p><a href="{escape(url)}">Read “{escape(title)}” in full</a></p>', True


def _fits(html: str, limits: EntryLimits) -> bool:
    # Each character is at most 4 bytes: most bodies are decided without encoding them.
    return len(html) * 4 <= limits.content_bytes or len(html.encode("utf-8", "replace")) <= limits.content_bytes


def _moment(value: object) -> str:
    """A stored date in the one form every format prints (``ValueError`` when it is not a date)."""
    if not isinstance(value, str):
        raise ValueError("a date is not text")
    if _STORED_MOMENT.fullmatch(value):
        return value  # what syndicate.clock.isoformat writes: no need to parse it again
    return isoformat(datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC))


def _url(value: object, limits: EntryLimits) -> str:
    url = one_line(value, limits.url)
    if not url.startswith(("https://", "http://")) or " " in url:
        raise ValueError("not an http(s) URL")
    return url


def _optional_text(value: object, limit: int) -> str | None:
    return xml_text(value)[:limit] if isinstance(value, str) and value else None


def _items(values: object, limits: EntryLimits) -> list[Any]:
    if not values:
        return []
    if not isinstance(values, list | tuple):
        raise ValueError("a list field is not a list")
    return list(values[: limits.items])


def _author(author: object, limits: EntryLimits) -> Author:
    if not isinstance(author, dict):
        raise ValueError("an author is not an object")
    url = author.get("url")
    return Author(
        one_line(author.get("name"), limits.name),
        _url(url, limits) if url else None,
        _optional_text(author.get("email"), 254),
    )


def _whole(value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError("a size is not a whole number")
    return value


def _image(image: object, describe: DescribeImage | None, limits: EntryLimits) -> Image | None:
    if not image:
        return None
    if not isinstance(image, dict):
        raise ValueError("the image is not an object")
    url = _url(image.get("url"), limits)
    media_type = image.get("type") or mimetypes.guess_type(url.split("?", 1)[0])[0]
    length = _whole(image.get("length"))
    if (length is None or media_type is None) and describe is not None:
        # Raises when the image cannot be resolved; the caller decides what that costs.
        probed_length, probed_type = describe(url)
        length = probed_length if length is None else length
        media_type = media_type or probed_type
    caption, credit = image.get("caption"), image.get("credit")
    return Image(
        url=url,
        alt=one_line(image.get("alt") or "", limits.alt),
        caption=one_line(caption, limits.alt) if caption else None,
        credit=one_line(credit, limits.name) if credit else None,
        type=one_line(media_type, 100) if media_type else None,
        width=_whole(image.get("width")),
        height=_whole(image.get("height")),
        length=length,
    )
