"""Entries kept per container, bounded in bytes, so a render reads only the bodies that changed.

An entry is built once per article version (its body read from the store, its size measured)
and reused by every feed and every later render in the container while it fits in ``max_bytes``;
the least recently used go first. Entries are small by construction (``entries.EntryLimits``),
so the bound holds whatever the bodies weigh.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import NamedTuple

from syndicate.articles.model import Article
from syndicate.feeds.entries import Entry


class Sized(NamedTuple):
    entry: Entry
    size: int  # bytes it adds to a document (documents.entry_size)


def cache_key(article: Article) -> tuple[str, int, str | None]:
    return article.id, article.version, article.body_version


class EntryCache:
    def __init__(self, max_bytes: int = 64 * 1024 * 1024) -> None:
        self._max_bytes = max_bytes
        self._entries: OrderedDict[tuple[str, int, str | None], Sized] = OrderedDict()
        self._bytes = 0

    def get(self, article: Article) -> Sized | None:
        key = cache_key(article)
        found = self._entries.get(key)
        if found is not None:
            self._entries.move_to_end(key)
        return found

    def put(self, article: Article, sized: Sized) -> None:
        key = cache_key(article)
        previous = self._entries.pop(key, None)
        if previous is not None:
            self._bytes -= previous.size
        self._entries[key] = sized
        self._bytes += sized.size
        while self._bytes > self._max_bytes and len(self._entries) > 1:
            _, evicted = self._entries.popitem(last=False)
            self._bytes -= evicted.size
