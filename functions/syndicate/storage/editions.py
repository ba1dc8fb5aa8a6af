"""Rendered digest editions in S3: written once by the schedule, read once per sender container."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from syndicate.storage.clients import client


def edition_key(edition_id: str) -> str:
    return f"editions/{edition_id}.json"


class EditionStore:
    def __init__(self, bucket_name: str) -> None:
        self.bucket_name = bucket_name
        self.requests = 0

    def put(self, edition_id: str, document: dict[str, Any]) -> None:
        self.requests += 1
        client("s3").put_object(
            Bucket=self.bucket_name,
            Key=edition_key(edition_id),
            Body=json.dumps(document, ensure_ascii=False).encode("utf-8"),
            ContentType="application/json",
        )

    def get(self, edition_id: str) -> dict[str, Any]:
        return self._cached(edition_id)

    @lru_cache(maxsize=64)
    def _cached(self, edition_id: str) -> dict[str, Any]:
        self.requests += 1
        response = client("s3").get_object(Bucket=self.bucket_name, Key=edition_key(edition_id))
        return json.loads(response["Body"].read())
