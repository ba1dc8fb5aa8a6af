"""Outbound HTTP the feed renderer makes (WebSub hub pings, image size probes), on the standard library.

Every request:

* has one deadline for everything (resolving, connecting, TLS, sending, every read of the
  status line, headers and body): each read waits at most for what is left, so a server
  dripping a byte at a time cannot hold it past the deadline;
* goes only to public addresses (``is_public_address``), checked on the addresses DNS gave,
  and the connection is made to exactly the address checked, so a name that resolves again to
  another address (DNS rebinding) changes nothing; redirects (image probes follow at most
  ``MAX_REDIRECTS``) are checked the same way at each hop;
* reads at most ``MAX_RESPONSE_BYTES`` of a body (and http.client bounds the header lines).
"""

from __future__ import annotations

import concurrent.futures
import http.client
import io
import ipaddress
import socket
import ssl
import time
import urllib.parse
from collections.abc import Callable
from typing import Any, NamedTuple

USER_AGENT = "Syndicate/1.0 (+feeds)"
MAX_RESPONSE_BYTES = 64 * 1024
MAX_REDIRECTS = 3
REDIRECTS = (301, 302, 303, 307, 308)

# Cloud metadata services some providers run on addresses a plain policy might let through.
_METADATA = {ipaddress.ip_address("100.100.100.200"), ipaddress.ip_address("fd00:ec2::254")}
_NAT64 = ipaddress.ip_network("64:ff9b::/96")

Resolver = Callable[[str, int], list[str]]
AddressPolicy = Callable[[str], bool]


class OutboundRefused(OSError):
    """The request was not made (or not followed further): a refused address, scheme or redirect."""


class DeadlineExceeded(TimeoutError):
    """The request's deadline passed before it completed."""


def is_public_address(text: str) -> bool:
    """True only for globally routable unicast addresses: never loopback, private, link-local
    (169.254.169.254, the metadata service), shared (100.64/10), multicast, reserved or
    unspecified, including those embedded in IPv6 (IPv4-mapped, 6to4, Teredo, NAT64)."""
    address = ipaddress.ip_address(text.split("%", 1)[0])
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour or (address.teredo[1] if address.teredo else None)
        if embedded is None and address in _NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            return is_public_address(str(embedded))
    return address.is_global and not (address.is_multicast or address.is_reserved or address in _METADATA)


def resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (an IP literal resolves to itself)."""
    found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in found))


# getaddrinfo takes no timeout: it runs here and is waited for only until the deadline.
_resolving = concurrent.futures.ThreadPoolExecutor(max_workers=2, thread_name_prefix="resolve")


class Response(NamedTuple):
    status: int
    headers: dict[str, str]  # lower-case names
    body: bytes  # at most MAX_RESPONSE_BYTES


class _Deadline:
    def __init__(self, clock: Callable[[], float], seconds: float) -> None:
        self._clock = clock
        self._at = clock() + seconds

    def remaining(self) -> float:
        left = self._at - self._clock()
        if left <= 0:
            raise DeadlineExceeded("the request's deadline passed")
        return left


class _DeadlineReader(io.RawIOBase):
    """Reads from a socket, each read waiting at most for what is left of the deadline."""

    def __init__(self, sock: socket.socket, deadline: _Deadline) -> None:
        self._sock = sock
        self._deadline = deadline

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        self._sock.settimeout(self._deadline.remaining())
        return self._sock.recv_into(buffer)


class _DeadlineSocket:
    """What http.client needs of a socket, with every operation bounded by the deadline."""

    def __init__(self, sock: socket.socket, deadline: _Deadline) -> None:
        self._sock = sock
        self._deadline = deadline

    def sendall(self, data: bytes) -> None:
        self._sock.settimeout(self._deadline.remaining())
        self._sock.sendall(data)

    def makefile(self, mode: str) -> io.BufferedReader:
        return io.BufferedReader(_DeadlineReader(self._sock, self._deadline))

    def close(self) -> None:
        """http.client closes the connection while the response is still being read (Connection:
        close); the socket itself is closed by whoever opened it, once the request is done."""


class _PinnedConnection(http.client.HTTPConnection):
    """An HTTP(S) connection over a socket already connected to the checked address."""

    def __init__(self, host: str, port: int, sock: _DeadlineSocket) -> None:
        super().__init__(host, port)
        self._ready = sock

    def connect(self) -> None:
        self.sock = self._ready


class OutboundHttp:
    def __init__(
        self,
        *,
        resolver: Resolver = resolve,
        allow: AddressPolicy = is_public_address,
        clock: Callable[[], float] = time.monotonic,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self._resolve = resolver
        self._allow = allow
        self._clock = clock
        self._tls = tls or ssl.create_default_context()

    def request(
        self,
        method: str,
        url: str,
        *,
        timeout: float,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        follow_redirects: bool = False,
    ) -> Response:
        """One request (and at most ``MAX_REDIRECTS`` redirects when asked), all within ``timeout`` seconds."""
        deadline = _Deadline(self._clock, timeout)
        for _ in range(MAX_REDIRECTS + 1):
            response = self._once(method, url, deadline, body, headers or {})
            location = response.headers.get("location")
            if not (follow_redirects and response.status in REDIRECTS and location):
                return response
            url = urllib.parse.urljoin(url, location)
        raise OutboundRefused("too many redirects")

    def _once(
        self, method: str, url: str, deadline: _Deadline, body: bytes | None, headers: dict[str, str]
    ) -> Response:
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise OutboundRefused("only http(s) URLs with a host")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        sock = self._connect(parts.hostname, port, deadline, tls=parts.scheme == "https")
        connection = _PinnedConnection(parts.hostname, port, _DeadlineSocket(sock, deadline))
        try:
            target = urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, ""))
            connection.request(method, target, body=body, headers={"User-Agent": USER_AGENT, **headers})
            answer = connection.getresponse()
            content = answer.read(MAX_RESPONSE_BYTES) if method != "HEAD" else b""
            return Response(answer.status, {name.lower(): value for name, value in answer.getheaders()}, content)
        except TimeoutError as error:
            raise DeadlineExceeded("the request's deadline passed") from error
        finally:
            connection.close()
            sock.close()

    def _connect(self, host: str, port: int, deadline: _Deadline, *, tls: bool) -> socket.socket:
        """A socket connected to one of ``host``'s addresses, every one of them checked first."""
        try:
            addresses = _resolving.submit(self._resolve, host, port).result(timeout=deadline.remaining())
        except concurrent.futures.TimeoutError as error:
            raise DeadlineExceeded("resolving the host took past the deadline") from error
        if not addresses or not all(self._allow(address) for address in addresses):
            raise OutboundRefused("the host resolves to an address that is not public")
        failures: list[OSError] = []
        for address in addresses:
            try:
                sock = socket.create_connection((address, port), timeout=deadline.remaining())
            except DeadlineExceeded:
                raise
            except OSError as failure:
                failures.append(failure)
                continue
            if not tls:
                return sock
            sock.settimeout(deadline.remaining())
            return self._tls.wrap_socket(sock, server_hostname=host)
        raise failures[-1] if failures else OutboundRefused("no address answered")


class WebSubPinger:
    """Tells a WebSub hub a topic changed: POST hub.mode=publish&hub.url=<feed URL>."""

    def __init__(self, http: OutboundHttp) -> None:
        self._http = http

    def ping(self, hub_url: str, topic_url: str, *, timeout: float) -> None:
        data = urllib.parse.urlencode({"hub.mode": "publish", "hub.url": topic_url}).encode("ascii")
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        response = self._http.request("POST", hub_url, timeout=timeout, body=data, headers=headers)
        if response.status >= 300:
            raise OSError(f"hub answered {response.status}")


class HttpImageProbe:
    """An image's size and media type from a HEAD request; raises when they cannot be learned."""

    def __init__(self, http: OutboundHttp) -> None:
        self._http = http

    def describe(self, url: str, *, timeout: float) -> tuple[int, str]:
        response = self._http.request("HEAD", url, timeout=timeout, follow_redirects=True)
        length = response.headers.get("content-length", "")
        media_type = response.headers.get("content-type", "").split(";", 1)[0].strip().lower()
        if response.status != 200 or not length.isdigit() or not media_type.startswith("image/"):
            raise ValueError("no usable Content-Length/Content-Type")
        return int(length), media_type
