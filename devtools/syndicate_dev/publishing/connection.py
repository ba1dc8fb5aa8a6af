"""Where the publisher API is and which key to use: ``--endpoint URL`` or ``--stack NAME`` (its
``ApiUrl`` output) or ``$SYNDICATE_API_URL``; ``--api-key KEY`` or ``$SYNDICATE_API_KEY``.

The key is a bearer credential, so it travels only over https, or plain http to this machine
(the local stack); a URL carrying credentials of its own is refused rather than sent.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from botocore.exceptions import BotoCoreError, ClientError

ENDPOINT_VARIABLE = "SYNDICATE_API_URL"
KEY_VARIABLE = "SYNDICATE_API_KEY"
STACK_OUTPUT = "ApiUrl"


class ConnectionSettingsError(ValueError):
    """The endpoint or key is missing or unusable; the message says which and how to give it."""


@dataclass(frozen=True)
class Connection:
    endpoint: str
    api_key: str


def resolve_connection(
    *,
    endpoint: str | None,
    stack: str | None,
    api_key: str | None,
    environ: Mapping[str, str],
    stack_output: Callable[[str, str], str],
) -> Connection:
    if stack:
        try:
            endpoint = stack_output(stack, STACK_OUTPUT)
        except (KeyError, BotoCoreError, ClientError) as error:
            raise ConnectionSettingsError(f"cannot read the {STACK_OUTPUT} output of stack {stack}: {error}") from None
    endpoint = (endpoint or environ.get(ENDPOINT_VARIABLE, "")).strip()
    if not endpoint:
        raise ConnectionSettingsError(f"say where the API is: --endpoint URL, --stack NAME or ${ENDPOINT_VARIABLE}")
    key = (api_key or environ.get(KEY_VARIABLE, "")).strip()
    if not key:
        raise ConnectionSettingsError(f"give your API key: ${KEY_VARIABLE} (or --api-key KEY)")
    if not key.isprintable() or any(char.isspace() for char in key):
        raise ConnectionSettingsError("the API key holds spaces or control characters; copy it again")
    return Connection(checked_endpoint(endpoint), key)


def checked_endpoint(url: str) -> str:
    """``url`` without a trailing slash, if the API key may be sent to it."""
    parts = urlsplit(url)
    if parts.username is not None or parts.password is not None:
        raise ConnectionSettingsError("the endpoint holds credentials; give the API key on its own")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConnectionSettingsError(f"the endpoint {url!r} is not an http(s) URL")
    if parts.query or parts.fragment:
        raise ConnectionSettingsError(f"the endpoint {url!r} has a query or fragment; give the API's base URL")
    if parts.scheme == "http" and not _is_this_machine(parts.hostname):
        raise ConnectionSettingsError(
            f"the endpoint {url!r} is plain http, which would send the API key unencrypted; use https"
            " (plain http only to this machine)"
        )
    return url.rstrip("/")


def _is_this_machine(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
