"""Hosted images on AWS: claims in ``AssetsTable``, uploads in the private ``UploadBucket``, the
images themselves under ``media/`` of ``SiteBucket`` (what CloudFront serves, immutable).

An upload form is a presigned S3 POST whose policy pins the exact key, the Content-Type and the
exact length, and expires: S3 itself refuses anything else. It is signed with the API function's
own credentials, so its role must be allowed ``s3:PutObject`` on the upload keys.
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from syndicate.adapters.clients import client
from syndicate.adapters.dynamodb import condition_held, marshal, plain, unmarshal
from syndicate.assets.model import IMMUTABLE, VERIFIED, Claim, ImageFacts
from syndicate.assets.ports import Upload, UploadForm

_GONE = ("NoSuchKey", "404")


class ClaimTable:
    """One item per (publisher, SHA-256): what became of that publisher's upload of those bytes."""

    def __init__(self, table_name: str) -> None:
        self.table_name = table_name

    def get(self, publisher_id: str, sha256: str) -> Claim | None:
        answer = client("dynamodb").get_item(
            TableName=self.table_name,
            Key=marshal({"publisher_id": publisher_id, "sha256": sha256}),
            ConsistentRead=True,
        )
        item = answer.get("Item")
        return _claim(plain(unmarshal(item))) if item else None

    def record(self, claim: Claim) -> bool:
        values: dict[str, Any] = {
            "publisher_id": claim.publisher_id,
            "sha256": claim.sha256,
            "state": claim.state,
            "checked_at": claim.checked_at,
        }
        if claim.facts is not None:
            values.update(claim.facts.as_dict())
        if claim.reason:
            values["reason"] = claim.reason
        request: dict[str, Any] = {"TableName": self.table_name, "Item": marshal(values)}
        if claim.state != VERIFIED:  # a refusal never replaces a verified claim
            request["ConditionExpression"] = "attribute_not_exists(#state) OR #state <> :verified"
            request["ExpressionAttributeNames"] = {"#state": "state"}
            request["ExpressionAttributeValues"] = marshal({":verified": VERIFIED})
        return condition_held(lambda: client("dynamodb").put_item(**request))


def _claim(item: dict[str, Any]) -> Claim:
    facts = None
    if item.get("state") == VERIFIED:
        facts = ImageFacts(item["type"], int(item["length"]), int(item["width"]), int(item["height"]))
    return Claim(
        item["publisher_id"], item["sha256"], item["state"], facts, item.get("reason"), item.get("checked_at", "")
    )


class UploadBucket:
    def __init__(self, bucket_name: str) -> None:
        self.bucket_name = bucket_name

    def upload_form(self, key: str, *, media_type: str, length: int, expires_in: int) -> UploadForm:
        form = client("s3").generate_presigned_post(
            Bucket=self.bucket_name,
            Key=key,
            Fields={"Content-Type": media_type},
            Conditions=[{"Content-Type": media_type}, ["content-length-range", length, length]],
            ExpiresIn=expires_in,
        )
        return UploadForm(url=form["url"], fields=dict(form["fields"]), expires_in=expires_in)

    def read(self, key: str, *, limit: int) -> Upload | None:
        try:
            answer = client("s3").get_object(Bucket=self.bucket_name, Key=key, Range=f"bytes=0-{limit}")
        except ClientError as error:
            if str(error.response.get("Error", {}).get("Code", "")) in _GONE:
                return None
            raise
        return Upload(data=answer["Body"].read(limit + 1), declared_type=answer.get("ContentType", ""))

    def delete(self, key: str) -> None:
        client("s3").delete_object(Bucket=self.bucket_name, Key=key)


class MediaBucket:
    """The site bucket's ``media/``: an image's key names its bytes, so it is cached for good."""

    def __init__(self, bucket_name: str) -> None:
        self.bucket_name = bucket_name

    def store(self, key: str, data: bytes, *, media_type: str) -> None:
        client("s3").put_object(
            Bucket=self.bucket_name, Key=key, Body=data, ContentType=media_type, CacheControl=IMMUTABLE
        )
