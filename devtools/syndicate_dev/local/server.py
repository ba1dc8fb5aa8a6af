"""The local stack's HTTP server: HTTP/1.1 with keep-alive, each exchange turned into a
``wire.Request`` for a dispatch function and its ``wire.Reply`` written back."""

from __future__ import annotations

import socket
import threading
import time
import traceback
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from syndicate_dev.local.terminal import Terminal
from syndicate_dev.local.wire import Reply, Request

Dispatch = Callable[[Request], Reply]


class LocalHttpServer:
    """Binds at once (so a taken port fails before anything else starts); serves once given
    what to dispatch to."""

    def __init__(self, host: str, port: int, terminal: Terminal) -> None:
        self._http = ThreadingHTTPServer((host, port), _handler_class(self))
        self._http.daemon_threads = True
        self.port = self._http.server_address[1]
        shown_host = "127.0.0.1" if host in ("0.0.0.0", "") else host  # noqa: S104 - a comparison, not a bind
        self.base_url = f"http://{shown_host}:{self.port}"
        self.terminal = terminal
        self.dispatch: Dispatch = lambda _: Reply.problem(503, "Service Unavailable", "The stack is starting.")
        self._thread: threading.Thread | None = None

    def serve(self, dispatch: Dispatch) -> None:
        self.dispatch = dispatch
        self._thread = threading.Thread(target=self._http.serve_forever, name="local-http", daemon=True)
        self._thread.start()

    def shutdown(self) -> None:
        """Stop serving (requests in flight finish)."""
        if self._thread is not None:
            self._http.shutdown()
            self._thread = None

    def close(self) -> None:
        self._http.server_close()

    def answer(self, request: Request) -> Reply:
        """The reply to ``request``; a failure of the local stack itself is a 500 problem."""
        try:
            return self.dispatch(request)
        except Exception:
            self.terminal.say(traceback.format_exc().rstrip())
            return Reply.problem(500, "Internal Server Error", "The local stack failed; see its output.")


class _Exchange(BaseHTTPRequestHandler):
    """One HTTP exchange (``_handler_class`` binds it to a server)."""

    server_of: LocalHttpServer
    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        # Headers and body leave in separate writes; without this a keep-alive client waits
        # for the delayed ACK (about 40 ms) on every response.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def version_string(self) -> str:
        return "syndicate-local"

    def _serve(self) -> None:
        started = time.perf_counter()
        terminal = self.server_of.terminal
        terminal.request_started()
        request = self._request()
        reply = self.server_of.answer(request)
        # Printed before the reply leaves, so it comes before whatever the client prints next.
        terminal.request_finished(self.command, _shown(request), reply.status, started)
        self._write(reply)

    def _request(self) -> Request:
        split = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        return Request(
            method=self.command,
            path=unquote(split.path) or "/",
            query=parse_qsl(split.query, keep_blank_values=True),
            headers=list(self.headers.items()),
            body=self.rfile.read(length) if length else b"",
            client_ip=self.client_address[0],
            raw_path=split.path,
        )

    def _write(self, reply: Reply) -> None:
        self.send_response(reply.status)
        for name, value in reply.headers:
            if name.lower() not in ("content-length", "connection", "transfer-encoding"):
                self.send_header(name, value)
        without_body = reply.status in (204, 304) or 100 <= reply.status < 200
        self.send_header("Content-Length", "0" if reply.status in (204, 304) else str(len(reply.body)))
        self.end_headers()
        if not (without_body or self.command == "HEAD"):
            self.wfile.write(reply.body)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("do_"):  # every method is dispatched; the gateway answers like API Gateway
            return self._serve
        raise AttributeError(name)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the terminal prints one line per request


def _shown(request: Request) -> str:
    """The request's path as printed: query parameters by name only, since their values may be
    tokens (a confirmation link's, an unsubscribe link's) that are never logged."""
    names = "&".join(f"{name}=…" for name, _ in request.query)
    return request.raw_path + (f"?{names}" if names else "")


def _handler_class(server: LocalHttpServer) -> type[BaseHTTPRequestHandler]:
    return type("Exchange", (_Exchange,), {"server_of": server})
