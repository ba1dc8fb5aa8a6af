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

Most bodies hold no relative reference, and parsing costs about 50 ns a byte, so a scan of the
lower-cased text decides first: unless ``href`` or ``src`` occurs somewhere not followed by
``=`` and an ``http(s)://`` or ``mailto:`` value, the body is returned as it is. A URL attribute
always contains one of those names (attribute names are ASCII, case-insensitive, and never hold
character references), so the scan can only err towards parsing. When every occurrence is
followed by such a value exactly as nh3 writes it (``href="https://``), counting them decides.
"""

from __future__ import annotations

import re

import nh3

from syndicate.articles.rendering import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, URL_SCHEMES

# The rel ``rendering.sanitize_html`` gives links: re-parsing replaces it with this one.
LINK_REL = "noopener noreferrer nofollow"

# What follows a URL attribute's name when it plainly holds an absolute http(s) or mailto URL.
_ABSOLUTE_VALUE = re.compile(r"\s*=\s*[\"']?(?:https?://|mailto:)")
# The same, as nh3 serializes it: counted (in C) before anything is matched one by one.
_ABSOLUTE_AS_WRITTEN = ('="https://', '="http://', '="mailto:')


def absolute_links(html: str, base_url: str) -> str:
    """``html`` (sanitized) with every relative ``href`` and ``src`` resolved against ``base_url``."""
    if not _may_be_relative(html):
        return html
    return resolve_all(html, base_url)


def _may_be_relative(html: str) -> bool:
    lowered = html.lower()
    return any(_relative_after(lowered, name) for name in ("href", "src"))


def _relative_after(lowered: str, name: str) -> bool:
    left = lowered.count(name)
    for written in _ABSOLUTE_AS_WRITTEN:
        if not left:
            break
        left -= lowered.count(name + written)
    if not left:
        return False  # each one is followed by an absolute URL as nh3 writes it: most bodies
    found = lowered.find(name)
    while found != -1:
        if not _ABSOLUTE_VALUE.match(lowered, found + len(name)):
            return True
        found = lowered.find(name, found + 1)
    return False


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
