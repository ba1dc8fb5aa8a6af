"""Checking an upload that landed (run by its S3 event): the SHA-256 it was uploaded under, a real
image of an allowed type (the type the bytes are, which must be the type declared), within the
size limit. A verified image is copied to the site's ``media/`` (content-addressed, so the same
bytes are stored once) and its facts are recorded; anything else is recorded as refused with the
reason. Either way the upload is deleted, last, so a check that fails part way is retried whole.

Every step is idempotent, so a duplicate or retried event changes nothing: a verified claim is
never replaced by a refusal (an old form used again with other bytes), and an upload already
handled is gone.
"""

from __future__ import annotations

import hashlib

from syndicate.assets.inspection import NotAnImage, inspect_image
from syndicate.assets.model import (
    MAX_IMAGE_BYTES,
    REFUSED,
    VERIFIED,
    Claim,
    ImageFacts,
    media_key,
    parse_upload_key,
)
from syndicate.assets.ports import ClaimRecords, MediaLibrary, Upload, UploadArea
from syndicate.clock import Clock, isoformat


class UploadVerifier:
    """VerifyUploadsFunction's side: the check of each upload that lands."""

    def __init__(self, claims: ClaimRecords, uploads: UploadArea, media: MediaLibrary, clock: Clock) -> None:
        self._claims = claims
        self._uploads = uploads
        self._media = media
        self._clock = clock

    def verify_upload(self, key: str) -> Claim | None:
        """Check the upload at ``key``, publish or refuse it, and delete it; None when nothing was there."""
        named = parse_upload_key(key)
        if named is None:  # no form names such a key: nobody's upload
            self._uploads.delete(key)
            return None
        publisher_id, sha256 = named
        existing = self._claims.get(publisher_id, sha256)
        upload = None if existing is not None and existing.verified else self._uploads.read(key, limit=MAX_IMAGE_BYTES)
        if upload is None:  # already verified, or already handled (a duplicate or retried event)
            self._uploads.delete(key)
            return existing
        claim = self._checked(publisher_id, sha256, upload)
        if claim.verified and claim.facts is not None:
            self._media.store(media_key(sha256, claim.facts.type), upload.data, media_type=claim.facts.type)
        if not self._claims.record(claim):
            claim = self._claims.get(publisher_id, sha256) or claim  # verified meanwhile: that stands
        self._uploads.delete(key)
        return claim

    def _checked(self, publisher_id: str, sha256: str, upload: Upload) -> Claim:
        stamp = isoformat(self._clock())
        try:
            facts = _facts(sha256, upload)
        except NotAnImage as refusal:
            return Claim(publisher_id, sha256, REFUSED, reason=f"The upload {refusal}.", checked_at=stamp)
        return Claim(publisher_id, sha256, VERIFIED, facts=facts, checked_at=stamp)


def _facts(sha256: str, upload: Upload) -> ImageFacts:
    if len(upload.data) > MAX_IMAGE_BYTES:
        raise NotAnImage(f"is more than {MAX_IMAGE_BYTES:,} bytes")
    if hashlib.sha256(upload.data).hexdigest() != sha256:
        raise NotAnImage("does not have the SHA-256 it was uploaded under")
    facts = inspect_image(upload.data)
    if facts.type != upload.declared_type:
        raise NotAnImage(f"is {facts.type}, not the {upload.declared_type} it was declared as")
    return facts
