"""Other sites the public subscription routes trust: where a form may send the reader back
(``return_to``) and which pages' scripts may read the JSON answer (CORS).

An origin is ``scheme://host[:port]``, lower case, the default port left out. A ``return_to`` is
followed only when it is an absolute http(s) URL made of characters every URL parser reads the
same way (no user info, no backslash, no white space or control characters, a plain host name)
and its origin is one of the trusted ones; anything else is not followed at all, so the answer
can never send a reader to a place an attacker chose.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MAX_RETURN_TO_LENGTH = 2000
CORS_MAX_AGE_SECONDS = 600

# A host of letters, digits, dots and hyphens (punycode for the rest), then a port, then
# printable ASCII: nothing that browsers and Python split into authority and path differently.
_URL = re.compile(r"(https?)://([A-Za-z0-9.-]+)(?::([0-9]{1,5}))?([/?#][\x21-\x5b\x5d-\x7e]*)?", re.IGNORECASE)
_DEFAULT_PORTS = {"http": 80, "https": 443}


def origin_of(url: str) -> str | None:
    """The origin of an absolute http(s) URL written plainly (see above), or None."""
    if len(url) > MAX_RETURN_TO_LENGTH:
        return None
    found = _URL.fullmatch(url)
    if found is None:
        return None
    scheme, host, port, _ = found.groups()
    scheme, host = scheme.lower(), host.lower()
    if not host.strip(".-") or ".." in host:
        return None
    if port is None or int(port) == _DEFAULT_PORTS[scheme]:
        return f"{scheme}://{host}"
    if not 0 < int(port) < 65536:
        return None
    return f"{scheme}://{host}:{int(port)}"


class TrustedOrigins:
    def __init__(self, origins: Iterable[str]) -> None:
        normalised = {origin_of(origin) for origin in origins}
        self.origins = frozenset(origin for origin in normalised if origin is not None)

    def trusts(self, origin: str | None) -> bool:
        return origin is not None and origin_of(origin) == origin.lower() and origin.lower() in self.origins

    def return_to(self, url: str | None) -> str | None:
        """``url`` if a reader may be sent there, else None."""
        if not url:
            return None
        return url if origin_of(url) in self.origins else None

    def cors_headers(self, request_origin: str | None, *, preflight: bool = False) -> dict[str, str]:
        """The CORS headers of an answer to a page of ``request_origin``: none but ``Vary`` for
        an origin we do not trust, so its scripts cannot read the answer."""
        headers = {"Vary": "Origin"}
        if request_origin is None or not self.trusts(request_origin):
            return headers
        headers["Access-Control-Allow-Origin"] = request_origin
        if preflight:
            headers["Access-Control-Allow-Methods"] = "POST"
            headers["Access-Control-Allow-Headers"] = "Content-Type"
            headers["Access-Control-Max-Age"] = str(CORS_MAX_AGE_SECONDS)
        return headers
