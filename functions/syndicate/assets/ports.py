"""What hosting images needs from outside: the claims table, the private upload area and the
site's media library."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from syndicate.assets.model import Claim


@dataclass(frozen=True)
class UploadForm:
    """A presigned S3 POST: the form fields to send, with the file last, to ``url``."""

    url: str
    fields: dict[str, str]
    expires_in: int  # seconds


@dataclass(frozen=True)
class Upload:
    data: bytes  # at most the limit read asked for, plus one byte (so too long is told apart)
    declared_type: str  # the Content-Type the upload form pinned


class ClaimRecords(Protocol):
    def get(self, publisher_id: str, sha256: str) -> Claim | None: ...

    def record(self, claim: Claim) -> bool:
        """Store ``claim``; a refusal never replaces a verified claim (False when it would)."""
        ...


class UploadArea(Protocol):
    def upload_form(self, key: str, *, media_type: str, length: int, expires_in: int) -> UploadForm: ...

    def read(self, key: str, *, limit: int) -> Upload | None:
        """The upload at ``key`` (None when it is gone: already handled)."""
        ...

    def delete(self, key: str) -> None: ...


class MediaLibrary(Protocol):
    def store(self, key: str, data: bytes, *, media_type: str) -> None:
        """Publish ``data`` at ``key`` of the site, served immutable (the same key, the same bytes)."""
        ...
