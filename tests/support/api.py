"""Calling an API handler the way API Gateway does, and reading its answer."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.support.events import api_event
from tests.support.lambda_context import FakeLambdaContext


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: str
    payload_bytes: int = 0  # the handler's whole result as the Lambda Python runtime writes it

    @property
    def json(self) -> Any:
        return json.loads(self.body)

    def header(self, name: str) -> str | None:
        for key, value in self.headers.items():
            if key.lower() == name.lower():
                return value
        return None

    @property
    def pointers(self) -> list[str]:
        return sorted({error["pointer"] for error in self.json.get("errors", [])})


class ApiCaller:
    def __init__(self, handler: Callable[[dict, Any], dict], publisher_id: str | None = "pub_alice") -> None:
        self.handler = handler
        self.publisher_id = publisher_id

    def as_publisher(self, publisher_id: str | None) -> ApiCaller:
        return ApiCaller(self.handler, publisher_id)

    def send_event(self, event: dict[str, Any]) -> Answer:
        response = self.handler(event, FakeLambdaContext())
        headers = dict(response.get("headers") or {})
        for name, values in (response.get("multiValueHeaders") or {}).items():
            headers.setdefault(name, values[0])
        return Answer(response["statusCode"], headers, response.get("body") or "", len(json.dumps(response)))

    def __call__(self, method: str, path: str, **kwargs: Any) -> Answer:
        return self.send_event(api_event(method, path, publisher_id=self.publisher_id, **kwargs))
