"""An HTTP request and response as plain values, independent of the server that carries them."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Request:
    method: str
    path: str  # decoded, without the query string
    query: list[tuple[str, str]] = field(default_factory=list)
    headers: list[tuple[str, str]] = field(default_factory=list)  # as sent: names keep their case
    body: bytes = b""
    client_ip: str = "127.0.0.1"
    raw_path: str = ""  # as sent, still percent-encoded

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        found = None
        for key, value in self.headers:
            if key.lower() == wanted:
                found = value
        return found

    @property
    def host(self) -> str:
        return self.header("Host") or "localhost"

    def wants_html(self) -> bool:
        accept = self.header("Accept") or ""
        return "text/html" in accept and "application/json" not in accept


@dataclass
class Reply:
    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        for key, value in self.headers:
            if key.lower() == wanted:
                return value
        return None

    @classmethod
    def json(cls, status: int, document: Any, content_type: str = "application/json") -> Reply:
        return cls(status, [("Content-Type", content_type)], json.dumps(document, ensure_ascii=False).encode("utf-8"))

    @classmethod
    def problem(cls, status: int, title: str, detail: str | None = None) -> Reply:
        """An RFC 9457 problem document, as every answer of the local stack's own routes is."""
        document: dict[str, Any] = {"title": title, "status": status}
        if detail is not None:
            document["detail"] = detail
        return cls.json(status, document, "application/problem+json")

    @classmethod
    def html(cls, status: int, page: str) -> Reply:
        return cls(status, [("Content-Type", "text/html; charset=utf-8")], page.encode("utf-8"))

    @classmethod
    def redirect(cls, location: str) -> Reply:
        return cls(303, [("Location", location), ("Content-Length", "0")])
