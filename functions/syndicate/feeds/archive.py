"""How a feed's articles are cut into documents: the subscription document and RFC 5005 archive pages.

The subscription document (``feeds/rss.xml``) shows the newest public articles: at most N
(``FEED_ITEM_COUNT``) and at most a document's worth of bytes. Older ones live in archive pages,
``.../archive/{n}/rss.xml``, numbered from the oldest (page 1) up, each holding the next articles
in publication order after page n-1, again at most N and at most a document's worth of bytes.
A page is *sealed* once the next article does not fit in it (or it holds N); between the newest
sealed page and the subscription document sits at most one *open* page, rewritten while it
fills, at the URL it keeps once sealed. ``prev-archive`` (JSON Feed: ``next_url``) links
subscription -> open -> sealed n -> n-1 ... -> 1, so a reader walking back meets every
article exactly once.

The render state remembers per feed only where each sealed page ends (``state.FeedState``), so
a render never reads below the watermark (the end of the newest sealed page):

1. Query the index, newest first, for at most 2N-1 articles above the watermark: the newest
   that fit are the subscription document, the rest the open page (and any pages that fill).
   That is the steady state: one Query per feed, whether 20 or 10,000 articles are stored.
2. Only when that Query finds more, Query oldest first from the watermark up to the oldest
   article of the subscription document, a bounded number.
3. Seal every page that fills (a bounded number per render, so a large backlog is archived over
   several renders), advance the watermark, render the rest as the open page.

Sizes are each entry's bytes in its largest format (``documents.render_entry``), known before any
document is rendered, so a document never goes past its size: it holds fewer entries instead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")


def newest_that_fit(sizes: list[int], *, count: int, budget: int) -> int:
    """How many of ``sizes`` (newest first) the subscription document holds: at least one, if any."""
    total = 0
    for taken, size in enumerate(sizes[:count]):
        total += size
        if total > budget and taken > 0:
            return taken
    return min(len(sizes), count)


def pages(
    items: Iterable[T], size_of: Callable[[T], int], *, count: int, budget: int
) -> Iterator[tuple[list[T], bool]]:
    """``items`` (oldest first) cut into pages of at most ``count`` items and ``budget`` bytes.

    Yields ``(page, sealed)``: a page is sealed as soon as it holds ``count`` items or the next item
    does not fit, so a caller may stop between pages (the rest waits for the next render). The last
    page, if not sealed, is yielded with ``sealed=False``: the open page.
    """
    page: list[T] = []
    total = 0
    for item in items:
        size = size_of(item)
        if page and total + size > budget:
            yield page, True
            page, total = [], 0
        page.append(item)
        total += size
        if len(page) == count:
            yield page, True
            page, total = [], 0
    if page:
        yield page, False
