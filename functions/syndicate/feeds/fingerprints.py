"""Digests that tell a render what it can skip: a document's inputs, and the bytes last written."""

from __future__ import annotations

import hashlib
import json
from typing import Any


def sha256(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def fingerprint(material: list[Any]) -> str:
    """One digest of JSON-able ``material``: equal exactly when every part is equal."""
    return sha256(json.dumps(material, separators=(",", ":")).encode("utf-8"))
