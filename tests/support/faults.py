"""A faulty network on demand, with botocore's own event hooks (no patching of our code).

``LostResponse`` lets a request reach moto (which applies it) and then raises the error a
dropped connection gives, so botocore retries the request exactly as it would in AWS.
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ReadTimeoutError


class LostResponse:
    """Loses the response to the first ``times`` requests of ``operation`` (e.g. "PutItem")."""

    def __init__(self, client: Any, operation: str, *, times: int = 1) -> None:
        self.operation = operation
        self.remaining = times
        self.sent = 0  # requests of that operation that reached the service
        # register_last on the bare event: after moto's own before-send handler has answered.
        client.meta.events.register_last("before-send", self._lose)
        self._client = client

    def _lose(self, request: Any, **_: Any) -> None:
        if not self._is_wanted(request):
            return
        self.sent += 1
        if self.remaining > 0:
            self.remaining -= 1
            raise ReadTimeoutError(endpoint_url=request.url)

    def _is_wanted(self, request: Any) -> bool:
        target = request.headers.get("X-Amz-Target", b"")
        target = target.decode() if isinstance(target, bytes) else target
        if target:
            return target.endswith("." + self.operation)
        return self.operation == "PutObject" and request.method == "PUT"

    def remove(self) -> None:
        self._client.meta.events.unregister("before-send", self._lose)


def no_backoff(monkeypatch: Any) -> list[float]:
    """botocore's retry delays, recorded instead of slept."""
    delays: list[float] = []
    monkeypatch.setattr("botocore.endpoint.time.sleep", delays.append)
    return delays


class StartKeyCheck:
    """Refuses a Query whose ExclusiveStartKey lies outside the query, as DynamoDB does.

    moto pages from any start key; DynamoDB answers a start key from another partition, or past
    the range of the key condition, with a ValidationException (so a 500 for the API). Our
    queries name the partition attribute ``#p`` (value ``:p``) and may bound the sort key with
    ``#s < :cutoff``; this checks the start key against both.
    """

    def __init__(self, client: Any) -> None:
        client.meta.events.register("before-parameter-build.dynamodb.Query", self._check)

    def _check(self, params: dict[str, Any], **_: Any) -> None:
        start = params.get("ExclusiveStartKey")
        if start is None:
            return
        names, values = params.get("ExpressionAttributeNames", {}), params.get("ExpressionAttributeValues", {})
        partition, sort = names.get("#p"), names.get("#s")
        if partition and start.get(partition) != values.get(":p"):
            raise _invalid_start_key()
        condition = params.get("KeyConditionExpression", "")
        if sort and "< :cutoff" in condition and not start.get(sort, {}).get("S", "") < values[":cutoff"]["S"]:
            raise _invalid_start_key()


def _invalid_start_key() -> Exception:
    from botocore.exceptions import ClientError

    return ClientError(
        {"Error": {"Code": "ValidationException", "Message": "The provided starting key is invalid"}}, "Query"
    )
