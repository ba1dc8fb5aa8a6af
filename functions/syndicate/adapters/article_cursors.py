"""Listing cursors: where a page stopped, bound to the listing that made it.

A cursor carries the position of the last item a page read (``{published_at}#{public id}``),
whether that item was a category copy, and a digest of both together with the listing (index
and partition) it belongs to. Decoding checks the digest against the listing asked for now and
then builds the ``ExclusiveStartKey`` itself, from the listing's own partition: so a cursor that
was altered, made up, or made by another query is refused, and no cursor can ever hand DynamoDB
a start key outside the query (which AWS answers with a ValidationException). A cursor written
by hand with the right digest only names a starting point inside that same listing, which shows
nothing the listing would not.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from syndicate.adapters.article_items import ARTICLE_SORT_KEY, CATEGORY_SORT_PREFIX, INDEX_KEYS
from syndicate.adapters.dynamodb import marshal
from syndicate.articles.ports import InvalidCursor

# {published_at as syndicate.clock writes it}#{public id}
_POSITION = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z#[0-9a-f]{32}")
_MAX_CURSOR = 512


@dataclass(frozen=True)
class Listing:
    """What one listing reads: an index of ``ArticlesTable`` and one partition of it."""

    index: str  # a key of INDEX_KEYS
    partition: str  # "public", a category slug, or a publisher id

    def digest(self, position: str, copy: bool) -> str:
        named = json.dumps([self.index, self.partition, position, copy], separators=(",", ":"))
        return hashlib.sha256(named.encode("utf-8")).hexdigest()[:24]

    def start_key(self, position: str, copy: bool) -> dict[str, Any]:
        """The ExclusiveStartKey of the item at ``position`` in this listing."""
        partition_name, sort_name = INDEX_KEYS[self.index]
        public_id = position.rsplit("#", 1)[1]
        sort_key = f"{CATEGORY_SORT_PREFIX}{self.partition}" if copy else ARTICLE_SORT_KEY
        return {"pk": f"ARTICLE#{public_id}", "sk": sort_key, partition_name: self.partition, sort_name: position}


def encode_cursor(listing: Listing, item: dict[str, Any]) -> str:
    """The cursor after ``item`` (an item, or a LastEvaluatedKey, of ``listing``'s index)."""
    position, copy = str(item["position"]), item["sk"] != ARTICLE_SORT_KEY
    payload = {"p": position, "c": copy, "d": listing.digest(position, copy)}
    encoded = json.dumps(payload, separators=(",", ":")).encode("utf-8")
    return base64.urlsafe_b64encode(encoded).decode("ascii").rstrip("=")


def decode_cursor(cursor: str, listing: Listing) -> tuple[str, dict[str, Any]]:
    """(position, marshalled ExclusiveStartKey) of a cursor ``listing`` issued; else InvalidCursor."""
    payload = _payload(cursor)
    position, copy, digest = payload.get("p"), payload.get("c"), payload.get("d")
    if (
        set(payload) != {"p", "c", "d"}
        or not isinstance(position, str)
        or not _POSITION.fullmatch(position)
        or not isinstance(copy, bool)
        or (copy and listing.index != "ByCategory")
        or digest != listing.digest(position, copy)
    ):
        raise InvalidCursor(cursor)
    return position, marshal(listing.start_key(position, copy))


def _payload(cursor: str) -> dict[str, Any]:
    if len(cursor) > _MAX_CURSOR or not cursor.isascii():
        raise InvalidCursor(cursor)
    try:
        payload = json.loads(base64.b64decode(cursor + "=" * (-len(cursor) % 4), altchars=b"-_", validate=True))
    except (binascii.Error, ValueError, UnicodeDecodeError, RecursionError):
        raise InvalidCursor(cursor) from None
    if not isinstance(payload, dict):
        raise InvalidCursor(cursor)
    return payload
