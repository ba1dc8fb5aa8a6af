"""Listing cursors: the DynamoDB key a page stopped at, as an opaque URL-safe string, and back."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from syndicate.adapters.article_items import INDEX_KEYS
from syndicate.adapters.dynamodb import marshal
from syndicate.articles.ports import InvalidCursor


def encode_cursor(key: dict[str, Any], index: str) -> str:
    payload = json.dumps({"i": index, "k": key}, separators=(",", ":"), sort_keys=True)
    return base64.urlsafe_b64encode(payload.encode("utf-8")).decode("ascii").rstrip("=")


def decode_cursor(cursor: str, index: str) -> dict[str, Any]:
    try:
        payload = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise InvalidCursor(cursor) from None
    expected = {"pk", "sk", *INDEX_KEYS[index]}
    key = payload.get("k") if isinstance(payload, dict) else None
    if (
        payload.get("i") != index
        or not isinstance(key, dict)
        or set(key) != expected
        or not all(isinstance(value, str) and len(value) < 512 for value in key.values())
    ):
        raise InvalidCursor(cursor)
    return marshal(key)
