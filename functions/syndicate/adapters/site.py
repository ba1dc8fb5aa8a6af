"""SiteBucket: the private bucket CloudFront serves feeds and article pages from.

Objects are written with their Content-Type, Cache-Control and the SHA-256 of their bytes
(``x-amz-meta-sha256``); CloudFront adds ETag/conditional GET from S3's ETag. The renderer's
state (archive watermarks, fingerprints, digests of what was written) is one JSON object under
``_render/``, a prefix the bucket policy does not let CloudFront read.
"""

from __future__ import annotations

import json
from typing import Any

from botocore.exceptions import ClientError

from syndicate.adapters.clients import client

STATE_KEY = "_render/feeds-state.json"


class SiteBucket:
    def __init__(self, bucket_name: str) -> None:
        self.bucket_name = bucket_name

    def read_state(self) -> dict[str, Any] | None:
        try:
            response = client("s3").get_object(Bucket=self.bucket_name, Key=STATE_KEY)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                return None
            raise
        state: dict[str, Any] = json.loads(response["Body"].read())
        return state

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
