"""Small HTTP servers on loopback addresses, each answering one way, for the outbound client's tests.

They listen on 127.0.0.2 by default: the tests let the client reach that one address as if it
were a public host, while every other loopback, private or metadata address stays refused.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

PUBLIC_STAND_IN = "127.0.0.2"


class Server:
    def __init__(self, host: str, answer: Callable[[socket.socket, bytes], None]) -> None:
        self._listener = socket.create_server((host, 0))
        self.host = host
        self.port = self._listener.getsockname()[1]
        self.requests: list[bytes] = []
        self._answer = answer
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def url(self, path: str = "/") -> str:
        return f"http://{self.host}:{self.port}{path}"

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self._listener.accept()
            except OSError:
                return
            with connection:
                request = _read_head(connection)
                self.requests.append(request)
                with contextlib.suppress(OSError):  # the client hung up: what these servers are for
                    self._answer(connection, request)

    def close(self) -> None:
        self._listener.close()


def _read_head(connection: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = connection.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


@contextmanager
def serving(answer: Callable[[socket.socket, bytes], None], host: str = PUBLIC_STAND_IN) -> Iterator[Server]:
    server = Server(host, answer)
    try:
        yield server
    finally:
        server.close()


def image(connection: socket.socket, request: bytes) -> None:
    connection.sendall(
        b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: 48213\r\nConnection: close\r\n\r\n"
    )


def redirect_to(location: str) -> Callable[[socket.socket, bytes], None]:
    def answer(connection: socket.socket, request: bytes) -> None:
        head = f"HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        connection.sendall(head.encode("ascii"))

    return answer


def huge(connection: socket.socket, request: bytes) -> None:
    """200 with a body that never ends, sent as fast as the client reads."""
    connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n")
    chunk = b"x" * 65536
    while True:
        connection.sendall(chunk)


class Drip:
    """A server that sends its status line, then one byte of a header each time the client's clock ticks.

    The test's clock is the only time there is: each tick stands for a second, and the server
    sends one byte per second, so every read of the client gets data before any read timeout.
    """

    def __init__(self) -> None:
        self.ticks = 0
        self.sent = 0
        self._tick = threading.Semaphore(0)

    def clock(self) -> float:
        self.ticks += 1
        self._tick.release()
        return float(self.ticks)

    def __call__(self, connection: socket.socket, request: bytes) -> None:
        connection.sendall(b"HTTP/1.1 200 OK\r\nX-Drip: ")
        while self._tick.acquire(timeout=30):
            connection.sendall(b"x")
            self.sent += 1
