"""Hosting images on plain values, the publisher API's side: upload forms, what became of each
upload, and the recorded facts of hosted image URLs for articles.

A publisher asks for an upload form (``POST /assets``) naming the bytes by their SHA-256; the
bytes land in a private upload area, where ``syndicate.assets.verification`` checks them. This
module does not import the image decoder: the API function never decodes an image.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from syndicate import contract
from syndicate.articles.ports import ImageNotHosted
from syndicate.assets.model import Claim, hosted_sha256, hosted_url, upload_key
from syndicate.assets.ports import ClaimRecords, UploadArea, UploadForm
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
