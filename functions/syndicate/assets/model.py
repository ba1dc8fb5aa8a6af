"""A hosted image as Syndicate records it, and where its bytes live.

Content-addressed: the image of SHA-256 ``h`` and type ``t`` is ``media/{h}.{extension of t}`` in
the site bucket, whoever uploaded it, so the same bytes are stored once. What each publisher
uploaded is recorded apart (a *claim*: the publisher, the SHA-256 and the verdict), so whether some
bytes are hosted is answered to a publisher only about their own uploads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

VERIFIED = "verified"
REFUSED = "refused"

# Media type -> the extension of its hosted name.
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/gif": "gif", "image/webp": "webp"}
MAX_IMAGE_BYTES = 10 * 1024 * 1024  # schemas/asset-upload.schema.json says the same (a test keeps them equal)
MAX_IMAGE_PIXELS = 50_000_000  # decoding more would take more memory than the function has
MEDIA_PREFIX = "media/"
UPLOAD_PREFIX = "uploads/"
IMMUTABLE = "public, max-age=31536000, immutable"

_SHA256 = re.compile(r"[0-9a-f]{64}")
_PUBLISHER = re.compile(r"[A-Za-z0-9_-]{1,64}")
_HOSTED_PATH = re.compile(r"/media/(?P<sha256>[0-9a-f]{64})\.(?P<extension>jpg|png|gif|webp)")


def media_key(sha256: str, media_type: str) -> str:
    return f"{MEDIA_PREFIX}{sha256}.{EXTENSIONS[media_type]}"


def hosted_url(site_url: str, sha256: str, media_type: str) -> str:
    return f"{site_url}/{media_key(sha256, media_type)}"


def hosted_sha256(site_url: str, url: str) -> str | None:
    """The SHA-256 a URL of this site's hosted images names, or None for any other URL."""
    if not url.startswith(site_url + "/"):
        return None
    found = _HOSTED_PATH.fullmatch(url[len(site_url) :])
    return found["sha256"] if found else None


def upload_key(publisher_id: str, sha256: str) -> str:
    """Where a publisher's upload of some bytes lands before it is checked (private)."""
    return f"{UPLOAD_PREFIX}{publisher_id}/{sha256}"


def parse_upload_key(key: str) -> tuple[str, str] | None:
    """(publisher id, SHA-256) of an upload key, or None for a key no upload form names."""
    parts = key.removeprefix(UPLOAD_PREFIX).split("/")
    if not key.startswith(UPLOAD_PREFIX) or len(parts) != 2:
        return None
    publisher_id, sha256 = parts
    if not _PUBLISHER.fullmatch(publisher_id) or not _SHA256.fullmatch(sha256):
        return None
    return publisher_id, sha256


@dataclass(frozen=True)
class ImageFacts:
    type: str  # media type, found in the bytes
    length: int  # bytes
    width: int
    height: int

    def as_dict(self) -> dict[str, Any]:
        return {"type": self.type, "length": self.length, "width": self.width, "height": self.height}


@dataclass(frozen=True)
class Claim:
    """What became of one publisher's upload of the bytes ``sha256``."""

    publisher_id: str
    sha256: str
    state: str  # VERIFIED or REFUSED
    facts: ImageFacts | None = None  # when verified
    reason: str | None = None  # when refused
    checked_at: str = ""

    @property
    def verified(self) -> bool:
        return self.state == VERIFIED and self.facts is not None
