"""SiteBucket: the private bucket CloudFront serves feeds and article pages from.

Objects are written with their Content-Type, Cache-Control and the SHA-256 of their bytes
(``x-amz-meta-sha256``); CloudFront adds ETag/conditional GET from S3's ETag. The renderer's
state (archive watermarks, fingerprints, digests of what was written) and its lease are JSON
objects under ``_render/``, a prefix the bucket policy does not let CloudFront read.

The lease is taken with S3 conditional writes: ``If-None-Match: *`` when there is none yet,
``If-Match`` on the ETag read when the one there has expired, so of two renders racing for it
exactly one write succeeds (the other gets 412, or 409 for a concurrent create). A write whose
response was lost and retried by botocore fails its condition on its own earlier success, so a
failed condition is checked against the holder now stored.
"""

from __future__ import annotations

import json
from typing import Any

from botocore.exceptions import ClientError

from syndicate.adapters.clients import client

STATE_KEY = "_render/feeds-state.json"
LEASE_KEY = "_render/lease.json"
_LOST_RACE = ("PreconditionFailed", "ConditionalRequestConflict", "412", "409")


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


class SiteBucket:
    def __init__(self, bucket_name: str) -> None:
        self.bucket_name = bucket_name
        self._held: tuple[str, str] | None = None  # (holder, ETag) of the lease this container holds
        self._released: str | None = None  # ETag of the expired lease this container last wrote

    def read_state(self) -> dict[str, Any] | None:
        found = self._read_json(STATE_KEY)
        return found[0] if found else None

    def write_state(self, state: dict[str, Any]) -> None:
        client("s3").put_object(
            Bucket=self.bucket_name,
            Key=STATE_KEY,
            Body=json.dumps(state, separators=(",", ":"), sort_keys=True).encode("utf-8"),
            ContentType="application/json",
            CacheControl="no-store",
        )

    def put(self, key: str, body: bytes, *, content_type: str, cache_control: str, digest: str) -> None:
        client("s3").put_object(
            Bucket=self.bucket_name,
            Key=key,
            Body=body,
            ContentType=content_type,
            CacheControl=cache_control,
            Metadata={"sha256": digest},
        )

    def delete(self, key: str) -> None:
        client("s3").delete_object(Bucket=self.bucket_name, Key=key)

    # -- the render lease ---------------------------------------------------------------------

    def acquire(self, holder: str, *, now: str, expires_at: str) -> bool:
        released, self._released = self._released, None
        if released is not None:
            # Most renders find the free lease this container left: one conditional write.
            etag = self._write_lease(holder, expires_at, {"IfMatch": released})
            if etag is not None:
                self._held = (holder, etag)
                return True
        found = self._read_json(LEASE_KEY)
        if found and found[0].get("expires_at", "") > now and found[0].get("holder") != holder:
            return False
        etag = self._write_lease(holder, expires_at, {"IfMatch": found[1]} if found else {"IfNoneMatch": "*"})
        self._held = (holder, etag) if etag is not None else None
        return etag is not None

    def release(self, holder: str, *, now: str) -> None:
        held, self._held = self._held, None
        if held is not None and held[0] == holder:
            self._released = self._write_lease(holder, now, {"IfMatch": held[1]})  # expired now: free

    def _write_lease(self, holder: str, expires_at: str, condition: dict[str, str]) -> str | None:
        """The new lease's ETag, or None when ``condition`` did not hold (another render wrote it)."""
        body = json.dumps({"holder": holder, "expires_at": expires_at}).encode("utf-8")
        try:
            response = client("s3").put_object(
                Bucket=self.bucket_name, Key=LEASE_KEY, Body=body, ContentType="application/json", **condition
            )
        except ClientError as error:
            if _code(error) not in _LOST_RACE:
                raise
            stored = self._read_json(LEASE_KEY)  # a retried write fails on its own first success
            return stored[1] if stored and stored[0] == {"holder": holder, "expires_at": expires_at} else None
        return str(response["ETag"])

    def _read_json(self, key: str) -> tuple[dict[str, Any], str] | None:
        """The object's JSON and ETag, or None when there is none."""
        try:
            response = client("s3").get_object(Bucket=self.bucket_name, Key=key)
        except ClientError as error:
            if _code(error) in ("NoSuchKey", "404"):
                return None
            raise
        value: dict[str, Any] = json.loads(response["Body"].read())
        return value, str(response["ETag"])
