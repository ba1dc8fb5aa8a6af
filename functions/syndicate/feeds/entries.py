"""What a feed says about one article, as plain values every format renders from.

Every string that reaches a feed goes through ``xml_text`` first: XML 1.0 forbids control
characters, lone surrogates and U+FFFE/U+FFFF, and a feed with one of them is not well-formed.
Markup-significant characters (``&``, ``<``, ``]]>``) are left alone here; the templates escape
them (autoescape on), so they cannot break the document either.

``Entry``, ``Image`` and ``Author`` are immutable named tuples rather than frozen dataclasses: a
render builds one of each per article, and a frozen dataclass pays ``object.__setattr__`` for
every field (a third of building an entry).
"""

from __future__ import annotations

import mimetypes
import re
from typing import Any, NamedTuple

from syndicate.articles.model import Article, article_url
from syndicate.feeds.ports import ImageProbe

# Everything outside the XML 1.0 Char production: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
_NOT_XML_CHAR = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


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


def _optional_text(value: object) -> str | None:
    return xml_text(value) if isinstance(value, str) and value else None


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
    content_html: str | None  # sanitized at ingest
    published: str  # syndicate.clock.isoformat
    updated: str
    authors: tuple[Author, ...]
    categories: tuple[str, ...]
    tags: tuple[str, ...]
    image: Image | None
    language: str | None


def build_entry(article: Article, site_url: str, probe: ImageProbe | None = None) -> Entry:
    """The feed entry for a public article that has its body loaded."""
    extras = article.extras
    authors = extras.get("authors")
    tags = extras.get("tags")
    image = extras.get("image")
    return Entry(
        id=entry_id(article.id),
        article_id=article.id,
        url=xml_text(extras.get("canonical_url") or article_url(site_url, article.id)),
        title=xml_text(article.title),
        summary=_optional_text(extras.get("summary")),
        content_html=_optional_text(article.body_html),
        published=article.published_at,
        updated=max(article.updated_at, article.published_at),
        authors=tuple([_author(author) for author in authors]) if authors else (),
        categories=tuple(map(xml_text, article.categories)),
        tags=tuple(map(xml_text, tags)) if tags else (),
        image=_image(image, probe) if image else None,
        language=_optional_text(extras.get("language")),
    )


def _author(author: dict[str, Any]) -> Author:
    return Author(xml_text(author["name"]), _optional_text(author.get("url")), _optional_text(author.get("email")))


def _image(image: dict[str, Any] | None, probe: ImageProbe | None) -> Image | None:
    if not image:
        return None
    url = xml_text(image["url"])
    media_type = image.get("type") or mimetypes.guess_type(url.split("?", 1)[0])[0]
    length = image.get("length")
    if (length is None or media_type is None) and probe is not None:
        # Raises when the image cannot be resolved; the caller decides what that costs.
        probed_length, probed_type = probe.describe(url)
        length = probed_length if length is None else length
        media_type = media_type or probed_type
    return Image(
        url=url,
        alt=xml_text(image["alt"]),
        caption=_optional_text(image.get("caption")),
        credit=_optional_text(image.get("credit")),
        type=xml_text(media_type) if media_type else None,
        width=image.get("width"),
        height=image.get("height"),
        length=length,
    )
