"""The render state: one small JSON object the renderer reads at the start and writes at the end.

It holds only what keeps a render's work bounded by what the feeds show:

``feeds``        per feed: the position of the last article of each sealed archive page
                 (``pages``: the watermark is the last one), the open page's number, and the
                 fingerprints of the documents last written (``found``: everything above the
                 watermark; ``current``, ``open``: one document each).
``objects``      SHA-256 of the bytes last written, per key, so unchanged bytes are not put again.
``shown``        (article id -> version) of the articles in feeds and open pages whose page is written.
``withdrawals``  how far the withdrawal log was read, and the markers read in the overlap window.
``repairs``      sealed pages still to rewrite because an article left them: [feed key, page].
``pending_pings`` feed URLs whose WebSub ping has not been accepted yet.

A state of another ``format`` is dropped: the next renders rebuild the archives from page 1
(a bounded number of pages per render), writing the same documents again.
"""

from __future__ import annotations

import bisect
import copy
from typing import Any

STATE_FORMAT = 2


def load_state(stored: dict[str, Any] | None) -> dict[str, Any]:
    """A working copy of the stored state, or a new one."""
    if not stored or stored.get("format") != STATE_FORMAT:
        return {
            "format": STATE_FORMAT,
            "feeds": {},
            "objects": {},
            "shown": {},
            "withdrawals": {"through": None, "recent": []},
            "repairs": [],
            "pending_pings": [],
        }
    return copy.deepcopy(stored)


class FeedState:
    """One feed's part of the state, read and changed in place."""

    def __init__(self, state: dict[str, Any], key: str) -> None:
        self.values: dict[str, Any] = state["feeds"].setdefault(key, {"pages": []})

    @property
    def pages(self) -> list[str]:
        """The position of the last article of each sealed page, page 1 first."""
        pages: list[str] = self.values["pages"]
        return pages

    @property
    def sealed_pages(self) -> int:
        return len(self.pages)

    @property
    def sealed_through(self) -> str | None:
        """The watermark: every article at or below it is in a sealed page."""
        return self.pages[-1] if self.pages else None

    def page_range(self, page: int) -> tuple[str | None, str]:
        """(after, through) positions of sealed page ``page``: it holds ``after < position <= through``."""
        return (self.pages[page - 2] if page > 1 else None), self.pages[page - 1]

    def page_holding(self, position: str) -> int | None:
        """The sealed page whose range holds ``position``, if any."""
        index = bisect.bisect_left(self.pages, position)
        return index + 1 if index < len(self.pages) else None

    @property
    def open_page(self) -> int | None:
        page: int | None = self.values.get("open_page")
        return page

    @open_page.setter
    def open_page(self, page: int | None) -> None:
        if page is None:
            self.values.pop("open_page", None)
            self.values.pop("open", None)
        else:
            self.values["open_page"] = page

    def fingerprint(self, slot: str) -> str | None:
        value: str | None = self.values.get(slot)
        return value

    def remember(self, slot: str, fingerprint: str | None) -> None:
        self.values[slot] = fingerprint
