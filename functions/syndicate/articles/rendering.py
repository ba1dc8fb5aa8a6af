"""Markdown to safe HTML, once, at ingest: CommonMark via markdown-it-py, then nh3 (ammonia).

markdown-it is imported on first use: only writes render, so reads do not pay for it at cold start.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

import nh3

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

# Tags a feed reader or an inbox can show; no script, style, iframe, form or event handler survives.
ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "del",
    "em",
    "figcaption",
    "figure",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"align"},
    "td": {"align"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto"}


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    from markdown_it import MarkdownIt

    # "commonmark" preset with tables; raw HTML in the Markdown is passed on and then sanitized.
    return MarkdownIt("commonmark", {"html": True}).enable("table")


_CLEANER = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes=URL_SCHEMES,
    link_rel="noopener noreferrer nofollow",
    strip_comments=True,
)


def sanitize_html(html: str) -> str:
    """Publisher HTML reduced to what is safe in a feed or an email (links get rel=noopener)."""
    return _CLEANER.clean(html)


def render_body(markdown: str) -> str:
    """The article body as sanitized HTML."""
    return sanitize_html(_markdown().render(markdown))
