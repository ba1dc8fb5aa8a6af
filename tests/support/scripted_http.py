"""A loopback HTTP server that answers each request with the next scripted answer and records
what it received: for testing what an HTTP client does about retries, redirects, timeouts and
problem answers, which a well-behaved server never shows it."""

from __future__ import annotations

import json
import threading
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

STALL = -1  # a status that makes the server hold the request open without answering


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Answer:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


class ScriptedServer:
    def __init__(self) -> None:
        self.script: deque[Answer] = deque()
        self.received: list[Received] = []
        self._released = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _any(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                server.received.append(
                    Received(self.command, self.path, dict(self.headers.items()), self.rfile.read(length))
                )
                answer = server.script.popleft() if server.script else Answer(599, b"unscripted request")
                if answer.status == STALL:  # until the test ends (or 5 s), then hang up without answering
                    server._released.wait(5)
                    self.close_connection = True
                    return
                self.send_response(answer.status)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                self.wfile.write(answer.body)

            do_GET = do_PUT = do_DELETE = do_POST = _any  # noqa: N815 - BaseHTTPRequestHandler's names

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,), daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/dev"

    def answer(self, status: int, document: Any = None, **headers: str) -> None:
        body = b"" if document is None else json.dumps(document).encode("utf-8")
        if document is not None:
            headers.setdefault("Content-Type", "application/json")
        self.script.append(Answer(status, body, {name.replace("_", "-"): value for name, value in headers.items()}))

    def problem(self, status: int, detail: str, errors: list[dict[str, str]] | None = None) -> None:
        document = {"type": "about:blank", "title": "Problem", "status": status, "detail": detail}
        if errors is not None:
            document["errors"] = errors
        self.answer(status, document, Content_Type="application/problem+json")

    def __enter__(self) -> ScriptedServer:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._released.set()
        self._server.shutdown()
        self._server.server_close()
