"""Talking to a running local stack over HTTP, as a publisher, a reader and a developer do."""

from __future__ import annotations

import json
import re
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any

from tests.support.api import Answer


class Output:
    """What `syndicate local` printed so far, as its reader thread copies it."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.changed = threading.Condition()

    def add(self, line: str) -> None:
        with self.changed:
            self.lines.append(line.rstrip("\n"))
            self.changed.notify_all()

    def wait_for(self, pattern: str, *, after: int = 0, timeout: float = 30) -> list[str]:
        """Every line from ``after`` on matching ``pattern``, once at least one does (the stack
        prints a request's line once it has answered it)."""
        matcher = re.compile(pattern)
        with self.changed:
            self.changed.wait_for(lambda: any(matcher.search(line) for line in self.lines[after:]), timeout)
            return [line for line in self.lines[after:] if matcher.search(line)]


@dataclass(eq=False)  # one client per stack: compared and hashed by identity
class LocalStackClient:
    """HTTP to one running local stack: its API (with the dev key by default) and its console."""

    base_url: str
    api_url: str
    api_key: str
    description: dict[str, Any]
    output: Output = field(default_factory=lambda: Output())

    def call(
        self,
        method: str,
        url_or_path: str,
        *,
        body: Any = None,
        raw_body: bytes | None = None,
        headers: dict[str, str] | None = None,
        key: str | None = "dev",
    ) -> Answer:
        url = url_or_path if url_or_path.startswith("http") else self.api_url + url_or_path
        all_headers = dict(headers or {})
        if key is not None:
            all_headers.setdefault("Authorization", f"Bearer {self.api_key if key == 'dev' else key}")
        data = raw_body if body is None else json.dumps(body).encode("utf-8")
        if data is not None:
            all_headers.setdefault("Content-Type", "application/json")  # urllib would say a form
        request = urllib.request.Request(url, data=data, method=method, headers=all_headers)
        try:
            with urllib.request.urlopen(request, timeout=120) as answer:
                return Answer(answer.status, dict(answer.headers.items()), answer.read().decode("utf-8"))
        except urllib.error.HTTPError as error:
            return Answer(error.code, dict(error.headers.items()), error.read().decode("utf-8"))

    def console(self, method: str, path: str, body: Any = None) -> Answer:
        return self.call(method, f"{self.base_url}/_local{path}", body=body, key=None)
