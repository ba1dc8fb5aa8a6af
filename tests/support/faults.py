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
