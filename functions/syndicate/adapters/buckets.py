"""S3BucketEraser: every object version and delete marker of a bucket, then the bucket."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

from botocore.exceptions import ClientError

from syndicate.adapters.clients import client

DELETE_BATCH = 1000  # DeleteObjects' limit


class BucketEraseFailed(RuntimeError):
    """S3 refused to delete some objects (their keys and reasons are in the message)."""


class S3BucketEraser:
    """``BucketEraser``. An object written between the emptying and DeleteBucket (a function
    still running while the stack goes) makes S3 answer BucketNotEmpty: it empties again."""

    def __init__(self, *, attempts: int = 5, sleep: Callable[[float], None] = time.sleep) -> None:
        self.attempts = attempts
        self._sleep = sleep

    def erase(self, bucket: str) -> int:
        erased = 0
        for attempt in range(self.attempts):
            try:
                erased += self._empty(bucket)
                client("s3").delete_bucket(Bucket=bucket)
                return erased
            except ClientError as error:
                code = error.response.get("Error", {}).get("Code")
                if code == "NoSuchBucket":
                    return erased
                if code != "BucketNotEmpty" or attempt + 1 == self.attempts:
                    raise
                self._sleep(2.0**attempt)
        return erased  # not reached: the last attempt returns or raises

    def _empty(self, bucket: str) -> int:
        erased = 0
        batch: list[dict[str, str]] = []
        for version in _versions(bucket):
            batch.append(version)
            if len(batch) == DELETE_BATCH:
                erased += _delete(bucket, batch)
                batch = []
        if batch:
            erased += _delete(bucket, batch)
        return erased


def _versions(bucket: str) -> Iterator[dict[str, str]]:
    for page in client("s3").get_paginator("list_object_versions").paginate(Bucket=bucket):
        for entry in [*page.get("Versions", []), *page.get("DeleteMarkers", [])]:
            yield {"Key": entry["Key"], "VersionId": entry["VersionId"]}


def _delete(bucket: str, objects: list[dict[str, str]]) -> int:
    response: Any = client("s3").delete_objects(Bucket=bucket, Delete={"Objects": objects, "Quiet": True})
    errors = response.get("Errors") or []
    if errors:
        shown = ", ".join(f"{e.get('Key')}: {e.get('Code')}" for e in errors[:5])
        raise BucketEraseFailed(f"S3 kept {len(errors)} objects of {bucket} ({shown})")
    return len(objects)
