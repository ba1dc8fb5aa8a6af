"""Relative references in a body made absolute, for copies of it read away from the article.

A body's links and images (``href`` on ``a``, ``src`` on ``img``: the only URL attributes
``rendering.ALLOWED_ATTRIBUTES`` keeps) are written relative to the article. A feed entry or an
email is read elsewhere: readers resolve a relative reference against the feed's URL, or not at
all, and feed validators warn. ``absolute_links`` resolves each one against the article's URL.

The body is parsed again by nh3 (ammonia: html5ever's HTML parser) with the allow-list it was
sanitized with at ingest, and ammonia resolves relative URLs against the base with the WHATWG
URL parser, as a browser does: entities decoded first, then ``../``, ``?query``, ``#fragment``,
``//host`` (the base's scheme), a leading backslash. A URL with a scheme is not relative: it is
checked against ``rendering.URL_SCHEMES`` as at ingest, so ``javascript:`` however spelled is
still refused.

Most bodies hold no relative reference, and parsing costs about 50 ns a byte, so a scan decides
first. The body is what ``rendering.sanitize_html`` wrote, and html5ever serializes every
attribute as its lower-case name, ``="``, the value (``"`` escaped) and ``"``. So a URL attribute
whose value is not plainly an absolute ``http(s)://`` or ``mailto:`` URL shows as ``href="`` or
``src="`` followed by anything else; a body without that has nothing to resolve and is returned
as it is. The scan can only err towards parsing (the same characters in a text, an upper-case
scheme), which costs only the parse.
"""

from __future__ import annotations

import re

import nh3

from syndicate.articles.rendering import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, URL_SCHEMES

# The rel ``rendering.sanitize_html`` gives links: re-parsing replaces it with this one.
LINK_REL = "noopener noreferrer nofollow"

# A URL attribute as html5ever writes it, unless its value plainly is an absolute URL.
_MAYBE_RELATIVE = (re.compile(r'href="(?!https?://|mailto:)'), re.compile(r'src="(?!https?://|mailto:)'))


def absolute_links(html: str, base_url: str) -> str:
    """``html`` (as ``rendering.sanitize_html`` wrote it) with every relative ``href`` and ``src``
    resolved against ``base_url``."""
    if not any(pattern.search(html) for pattern in _MAYBE_RELATIVE):
        return html
    return resolve_all(html, base_url)


def resolve_all(html: str, base_url: str) -> str:
    """``absolute_links`` without the scan: always parses."""
    cleaner = nh3.Cleaner(
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
        url_relative=("rewrite_with_base", base_url),
    )
    return cleaner.clean(html)
