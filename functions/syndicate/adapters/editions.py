"""Rendered digest editions in S3: written once by the schedule, read once per sender container."""

from __future__ import annotations

import json
from typing import Any

from syndicate.adapters.clients import client

_CACHED_EDITIONS = 64


def edition_key(edition_id: str) -> str:
    return f"editions/{edition_id}.json"


class EditionStore:
    def __init__(self, bucket_name: str) -> None:
        self.bucket_name = bucket_name
        self.requests = 0
        self._cache: dict[str, dict[str, Any]] = {}

    def put(self, edition_id: str, document: dict[str, Any]) -> None:
        self.requests += 1
        client("s3").put_object(
            Bucket=self.bucket_name,
            Key=edition_key(edition_id),
            Body=json.dumps(document, ensure_ascii=False).encode("utf-8"),
            ContentType="application/json",
        )

    def get(self, edition_id: str) -> dict[str, Any]:
        """The edition's document, read from S3 once per container (a few editions are live at once)."""
        if edition_id not in self._cache:
            self.requests += 1
            response = client("s3").get_object(Bucket=self.bucket_name, Key=edition_key(edition_id))
            if len(self._cache) >= _CACHED_EDITIONS:
                self._cache.pop(next(iter(self._cache)))
            self._cache[edition_id] = json.loads(response["Body"].read())
        return self._cache[edition_id]
