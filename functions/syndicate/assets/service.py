"""Hosting images on plain values: upload forms, the check of what landed, and the facts recorded.

A publisher asks for an upload form (``POST /assets``) naming the bytes by their SHA-256; the
bytes land in a private upload area, where ``verify_upload`` (run by the upload's S3 event)
checks them: the SHA-256 they were uploaded under, a real image of an allowed type (the type the
bytes are, which must be the type declared), within the size limit. A verified image is copied to
the site's ``media/`` (content-addressed, so the same bytes are stored once) and its facts are
recorded; anything else is recorded as refused with the reason. Either way the upload is deleted.

Every step is idempotent, so a duplicate or retried event changes nothing: a verified claim is
never replaced by a refusal (an old form used again with other bytes), and an upload already
handled is gone.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from syndicate import contract
from syndicate.articles.ports import ImageNotHosted
from syndicate.assets.inspection import NotAnImage, inspect_image
from syndicate.assets.model import (
    MAX_IMAGE_BYTES,
    REFUSED,
    VERIFIED,
    Claim,
    ImageFacts,
    hosted_sha256,
    hosted_url,
    media_key,
    parse_upload_key,
    upload_key,
)
from syndicate.assets.ports import ClaimRecords, MediaLibrary, Upload, UploadArea, UploadForm
from syndicate.clock import Clock, isoformat
from syndicate.errors import InvalidParameters, InvalidRequest, NotFound

FORM_SECONDS = 900  # how long an upload form can be used


@dataclass(frozen=True)
class UploadAnswer:
    """What POST /assets answers: the hosted URL, and a form unless the bytes are already verified."""

    sha256: str
    url: str
    claim: Claim | None
    form: UploadForm | None

    def resource(self) -> dict[str, Any]:
        document = claim_resource(self.claim, self.sha256, self.url)
        if self.form is not None:
            fields = self.form.fields
            document["upload"] = {"url": self.form.url, "fields": fields, "expires_in": self.form.expires_in}
        return document


def claim_resource(claim: Claim | None, sha256: str, url: str) -> dict[str, Any]:
    """A publisher's view of their upload of ``sha256``: its state, and its facts or the reason."""
    if claim is None:
        return {"sha256": sha256, "url": url, "state": "pending"}
    document: dict[str, Any] = {"sha256": sha256, "url": url, "state": claim.state}
    if claim.facts is not None and claim.verified:
        document.update(claim.facts.as_dict())
    if claim.reason:
        document["reason"] = claim.reason
    return document


class AssetService:
    """The publisher API's side: upload forms and what became of each upload."""

    def __init__(self, claims: ClaimRecords, uploads: UploadArea, site_url: str) -> None:
        self._claims = claims
        self._uploads = uploads
        self._site_url = site_url

    def request_upload(self, publisher_id: str, document: Any) -> UploadAnswer:
        """POST /assets: where the image will be, and a form to upload it (none when it is verified)."""
        found = contract.violations("asset-upload", document)
        if found:
            raise InvalidRequest.in_document("image", found)
        sha256, media_type = document["sha256"], document["type"]
        claim = self._claims.get(publisher_id, sha256)
        if claim is not None and claim.verified and claim.facts is not None:
            return UploadAnswer(sha256, hosted_url(self._site_url, sha256, claim.facts.type), claim, None)
        form = self._uploads.upload_form(
            upload_key(publisher_id, sha256), media_type=media_type, length=document["length"], expires_in=FORM_SECONDS
        )
        return UploadAnswer(sha256, hosted_url(self._site_url, sha256, media_type), claim, form)

    def status(self, publisher_id: str, sha256: str) -> dict[str, Any]:
        """GET /assets/{sha256}: what became of the publisher's upload of these bytes."""
        found = contract.violations("asset-path", {"sha256": sha256})
        if found:
            raise InvalidParameters(found, "The SHA-256 in the path is not valid.")
        claim = self._claims.get(publisher_id, sha256)
        if claim is None:
            raise NotFound("No upload of these bytes has been checked yet.")
        media_type = claim.facts.type if claim.facts is not None else "image/jpeg"
        return claim_resource(claim, sha256, hosted_url(self._site_url, sha256, media_type))


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


class HostedImageFacts:
    """The article service's HostedImages: the recorded facts of this site's hosted image URLs."""

    def __init__(self, claims: ClaimRecords, site_url: str) -> None:
        self._claims = claims
        self._site_url = site_url

    def facts(self, publisher_id: str, url: str) -> dict[str, Any] | None:
        sha256 = hosted_sha256(self._site_url, url)
        if sha256 is None:
            return None
        claim = self._claims.get(publisher_id, sha256)
        if claim is None or claim.facts is None or not claim.verified:
            raise ImageNotHosted("is a hosted image URL of bytes you have no verified upload of; upload them first")
        if hosted_url(self._site_url, sha256, claim.facts.type) != url:
            raise ImageNotHosted(f"names the image as the wrong type: it is {claim.facts.type}")
        return claim.facts.as_dict()
