"""The id a Markdown file publishes under when its front matter names none: derived from its path
relative to the folder given, so publishing the same folder again addresses the same articles.

Ids must match schemas/article-path.schema.json (1 to 128 of ``A-Za-z0-9._-``, starting with a
letter or digit). ``2025/12/Soyuz MS-28.md`` becomes ``2025-12-soyuz-ms-28``; a page bundle's
``index.md`` takes its folder's name. Where letters cannot be spelled in ASCII, or the id would be
too long, a short hash of the whole relative path keeps different paths apart.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import PurePath

MAX_LENGTH = 128
_BUNDLE_INDEXES = frozenset({"index", "_index"})
_OUTSIDE_ALPHABET = re.compile(r"[^a-z0-9._]+")
_EDGES = "-._"


def derived_id(relative: PurePath) -> str:
    parts = list(relative.with_suffix("").parts)
    if len(parts) > 1 and parts[-1].lower() in _BUNDLE_INDEXES:
        parts.pop()
    words = unicodedata.normalize("NFKD", "-".join(parts))
    letters = "".join(char for char in words if not unicodedata.combining(char))  # é -> e
    slug = _OUTSIDE_ALPHABET.sub("-", letters.lower()).strip(_EDGES)
    if letters.isascii() and 0 < len(slug) <= MAX_LENGTH:
        return slug
    digest = hashlib.sha256(relative.as_posix().encode("utf-8")).hexdigest()[:8]
    stem = slug[: MAX_LENGTH - len(digest) - 1].rstrip(_EDGES) or "article"
    return f"{stem}-{digest}"
