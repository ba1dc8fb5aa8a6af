"""Signed form timestamps: when a subscribe form was handed out, and by whom.

A form's hidden ``form_stamp`` says when it was issued and how (its kind), signed with HMAC-SHA256
under a key derived from the link-token secret, so a bot cannot make one up or alter its time.

* ``page``: issued per request by the hosted subscribe page (``GET /subscriptions/new``) and by the
  form shown again after a mistake. A person needs a moment to read and type, a form-filling bot
  does not: a post under ``PAGE_MIN_AGE`` after the page was served is too fast; one past
  ``PAGE_MAX_AGE`` replays a harvested form and is too old.
* ``static``: issued when a static page (the site, rendered into S3 and cached) is rendered. It
  may reach a reader seconds or days after that, so there is no "too fast"; past
  ``STATIC_MAX_AGE`` it is too old (re-rendering the page issues a fresh one).

A form without a stamp (the snippet a publisher pastes into another site, a script posting JSON)
is not judged here: the honeypot and the sign-up limits are what stand in its way.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

PAGE = "p"
STATIC = "s"
KINDS = (PAGE, STATIC)

PAGE_MIN_AGE = timedelta(seconds=2)
PAGE_MAX_AGE = timedelta(hours=24)
STATIC_MAX_AGE = timedelta(days=30)
# Clocks of two functions may disagree a little; a stamp further in the future is not ours.
CLOCK_SKEW = timedelta(minutes=5)
MAX_STAMP_LENGTH = 64
_VERSION = "v1"


class Verdict(Enum):
    FRESH = "fresh"  # a stamp of ours, of an acceptable age
    TOO_FAST = "too_fast"
    TOO_OLD = "too_old"
    FORGED = "forged"  # not a stamp we issued (made up, altered, or truncated)


@dataclass(frozen=True)
class FormStamps:
    secret: bytes

    def issue(self, kind: str, now: datetime) -> str:
        if kind not in KINDS:
            raise ValueError(f"unknown form stamp kind {kind!r}")
        payload = f"{_VERSION}.{kind}.{int(now.timestamp())}"
        return f"{payload}.{self._sign(payload)}"

    def judge(self, stamp: str, now: datetime) -> Verdict:
        parts = stamp.split(".") if len(stamp) <= MAX_STAMP_LENGTH else []
        if len(parts) != 4 or parts[0] != _VERSION or parts[1] not in KINDS or not parts[2].isdigit():
            return Verdict.FORGED
        payload = ".".join(parts[:3])
        if not hmac.compare_digest(parts[3], self._sign(payload)):
            return Verdict.FORGED
        age = now - datetime.fromtimestamp(int(parts[2]), tz=now.tzinfo)
        if age < -CLOCK_SKEW:
            return Verdict.FORGED
        if parts[1] == PAGE:
            if age < PAGE_MIN_AGE:
                return Verdict.TOO_FAST
            return Verdict.TOO_OLD if age > PAGE_MAX_AGE else Verdict.FRESH
        return Verdict.TOO_OLD if age > STATIC_MAX_AGE else Verdict.FRESH

    def _sign(self, payload: str) -> str:
        key = hashlib.sha256(b"syndicate-form-stamp\x00" + self.secret).digest()
        digest = hmac.new(key, payload.encode("ascii"), hashlib.sha256).digest()[:18]
        return base64.urlsafe_b64encode(digest).decode("ascii")
