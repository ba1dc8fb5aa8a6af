"""Where per-recipient values go in a message: slots the template made, never found in text.

A body is rendered once and filled per recipient. What tells the filler where a reader's link
goes must be something no other text in the body can hold: the body holds what publishers wrote
(titles, summaries, URLs), and a publisher who could write a slot would receive every reader's
link. So a template render marks its slots with ``SlotMarkers``, whose markers carry a random
nonce made for that render alone, and cuts the result at them straight away: what is stored
and filled later is a ``Body``, a sequence of literal text and ``Slot`` values, with no marker
left to find.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from enum import Enum
from typing import TypeVar

K = TypeVar("K")


class Slot(Enum):
    """A per-recipient value a body template may place."""

    UNSUBSCRIBE_URL = "unsubscribe_url"
    PREFERENCES_URL = "preferences_url"


# Literal text and the slots between it, in order.
Body = tuple[str | Slot, ...]


def fresh_nonce() -> str:
    """128 random bits, hex: unguessable, and plain enough to survive every encoding (QP, HTML, CSS inlining)."""
    return secrets.token_hex(16)


def cut(text: str, markers: Mapping[str, K]) -> list[str | K]:
    """``text`` as literal pieces with the value of each marker found in it, in order."""
    if not markers:
        return [text]
    pattern = re.compile("|".join(re.escape(marker) for marker in markers))
    pieces: list[str | K] = []
    position = 0
    for match in pattern.finditer(text):
        pieces.append(text[position : match.start()])
        pieces.append(markers[match.group()])
        position = match.end()
    pieces.append(text[position:])
    return pieces


class SlotMarkers:
    """The markers of one template render: pass ``markers[slot]`` to the template, then ``body()``."""

    def __init__(self) -> None:
        nonce = fresh_nonce()
        self._markers = {f"slot{nonce}{slot.name}": slot for slot in Slot}

    def __getitem__(self, slot: Slot) -> str:
        return next(marker for marker, known in self._markers.items() if known is slot)

    def body(self, rendered: str) -> Body:
        """The rendered text cut at this render's markers (empty literals dropped)."""
        return tuple(piece for piece in cut(rendered, self._markers) if piece != "")
