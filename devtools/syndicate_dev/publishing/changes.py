"""What publishing a file would change in the article the API holds, field by field.

The comparison is the API's own reading of a document: ``status`` defaults to published, and
``published_at`` is a moment, kept in UTC to the second (``2025-12-17T10:00:00+01:00`` is the
``2025-12-17T09:00:00Z`` the API returns). A file without a date does not move the article's date:
it is not compared, and an update of a published article carries the date it has; a draft keeps
none, so publishing it later dates it then. Likewise a file that does not state its image's
``type``, ``length``, ``width`` or ``height`` leaves the ones the article holds for the same image
URL (the service records them for a hosted image, whatever a file says).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from syndicate import contract
from syndicate.clock import isoformat

PUBLISHED = "published"
IMAGE_FACTS = ("type", "length", "width", "height")
_SERVER_OWNED = "#/$defs/serverOwned"


def publisher_fields() -> tuple[str, ...]:
    """The fields a publisher sends, in the schema's order (server-owned ones left out)."""
    properties: dict[str, Any] = contract.load_schema("article")["properties"]
    return tuple(name for name, spec in properties.items() if spec.get("$ref") != _SERVER_OWNED)


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: Any  # None: the article has no such field (or does not exist)
    after: Any  # None: the file removes the field


def utc_second(moment: str) -> str | None:
    """``moment`` as the API stores it, or None when it is not a date-time the API can store."""
    try:
        return isoformat(datetime.fromisoformat(moment.upper()))
    except (AttributeError, OverflowError, ValueError):
        return None


def changes(document: dict[str, Any], stored: dict[str, Any] | None) -> list[FieldChange]:
    """Every field whose value differs between ``document`` and the ``stored`` article."""
    current = stored or {}
    document = with_stored_image_facts(document, current)
    found = []
    for field in publisher_fields():
        before, after = current.get(field), document.get(field)
        if field == "status":
            after = after or PUBLISHED
        if field == "published_at":
            if after is None and stored is not None:
                continue
            if isinstance(before, str) and isinstance(after, str) and utc_second(before) == utc_second(after):
                continue
        if before != after:
            found.append(FieldChange(field, before, after))
    return found


def with_stored_image_facts(document: dict[str, Any], stored: dict[str, Any]) -> dict[str, Any]:
    """``document`` with the facts its image leaves out taken from ``stored``'s image of the same URL."""
    image, before = document.get("image"), stored.get("image")
    if not (isinstance(image, dict) and isinstance(before, dict) and image.get("url") == before.get("url")):
        return document
    kept = {key: before[key] for key in IMAGE_FACTS if key in before and key not in image}
    return {**document, "image": {**image, **kept}} if kept else document


def to_send(document: dict[str, Any], stored: dict[str, Any] | None) -> dict[str, Any]:
    """The document to PUT: the file's, with the stored date of a published article it leaves out
    and the stored facts of an image it names without them."""
    document = with_stored_image_facts(document, stored or {})
    if "published_at" in document or stored is None or stored.get("status") != PUBLISHED:
        return document
    return {**document, "published_at": stored["published_at"]}
