"""Signed link tokens: purpose + subscriber id + expiry, HMAC-SHA256, base64url.

A token never carries the address: the subscriber id is itself a keyed hash of it. Tokens
are refused when the signature does not match (forged or altered), when they were issued
for another purpose, and when they are past their expiry.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from datetime import timedelta

from syndicate.clock import Clock
from syndicate.errors import ExpiredToken, InvalidToken

CONFIRM = "confirm"
PREFERENCES = "preferences"
UNSUBSCRIBE = "unsubscribe"
PURPOSES = (CONFIRM, PREFERENCES, UNSUBSCRIBE)

LIFETIMES = {
    CONFIRM: timedelta(days=2),
    # Links in digests must outlive the digest in the reader's inbox.
    PREFERENCES: timedelta(days=180),
    UNSUBSCRIBE: timedelta(days=180),
}

_MAX_TOKEN_LENGTH = 512


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class TokenSigner:
    def __init__(self, secret: bytes, clock: Clock) -> None:
        if len(secret) < 16:
            raise ValueError("the token secret must be at least 16 bytes")
        self._key = hashlib.sha256(b"syndicate-link-token\x00" + secret).digest()
        self._clock = clock

    def issue(self, purpose: str, subscriber_id: str) -> str:
        if purpose not in PURPOSES:
            raise ValueError(f"unknown token purpose {purpose!r}")
        expires = int((self._clock() + LIFETIMES[purpose]).timestamp())
        payload = f"{purpose}.{subscriber_id}.{expires}".encode("ascii")
        return f"{_b64(payload)}.{_b64(self._sign(payload))}"

    def verify(self, token: str | None, purpose: str) -> str:
        """The subscriber id the token was issued for; raises InvalidToken / ExpiredToken."""
        if not token or len(token) > _MAX_TOKEN_LENGTH or token.count(".") != 1:
            raise InvalidToken("This link is not valid.")
        encoded_payload, encoded_signature = token.split(".")
        try:
            payload = _unb64(encoded_payload)
            signature = _unb64(encoded_signature)
        except (binascii.Error, ValueError):
            raise InvalidToken("This link is not valid.") from None
        if not hmac.compare_digest(signature, self._sign(payload)):
            raise InvalidToken("This link is not valid.")
        try:
            found_purpose, subscriber_id, expires = payload.decode("ascii").split(".")
            expires_at = int(expires)
        except ValueError:
            raise InvalidToken("This link is not valid.") from None
        if found_purpose != purpose:
            raise InvalidToken("This link is not meant for this page.")
        if self._clock().timestamp() >= expires_at:
            raise ExpiredToken("This link has expired.")
        return subscriber_id

    def _sign(self, payload: bytes) -> bytes:
        return hmac.new(self._key, payload, hashlib.sha256).digest()
