"""Rendered entries kept per container, bounded in bytes, so a render reads and renders only what changed.

An entry is built and rendered once per article version (its body read from the store, its
fragment rendered in every format and measured: ``documents.render_entry``) and reused by every
feed and every later render in the container while it fits in ``max_bytes``; the least recently
used go first. Entries are small by construction (``entries.EntryLimits``), so the bound holds
whatever the bodies weigh.
"""

from __future__ import annotations

from collections import OrderedDict

from syndicate.articles.model import Article
from syndicate.feeds.documents import RenderedEntry


def cache_key(article: Article) -> tuple[str, int, str | None]:
    return article.id, article.version, article.body_version


class EntryCache:
    def __init__(self, max_bytes: int = 64 * 1024 * 1024) -> None:
        self._max_bytes = max_bytes
        self._entries: OrderedDict[tuple[str, int, str | None], RenderedEntry] = OrderedDict()
        self._bytes = 0

    def get(self, article: Article) -> RenderedEntry | None:
        key = cache_key(article)
        found = self._entries.get(key)
        if found is not None:
            self._entries.move_to_end(key)
        return found

    def put(self, article: Article, rendered: RenderedEntry) -> None:
        key = cache_key(article)
        previous = self._entries.pop(key, None)
        if previous is not None:
            self._bytes -= previous.weight
        self._entries[key] = rendered
        self._bytes += rendered.weight
        while self._bytes > self._max_bytes and len(self._entries) > 1:
            _, evicted = self._entries.popitem(last=False)
            self._bytes -= evicted.weight
