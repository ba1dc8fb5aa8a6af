"""Every email a stack's functions sent through SES, read from moto's SES backend in this
process (the moto server runs in a thread of this process, so its backends are ours to read)."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from email import message_from_string, policy
from email.message import EmailMessage
from email.utils import getaddresses, parsedate_to_datetime
from typing import Any

from syndicate_dev.local.runtime import ACCOUNT, Invocation


@dataclass(frozen=True)
class SentEmail:
    id: str
    to: list[str]
    subject: str
    sent_at: str
    raw: str

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "to": self.to, "subject": self.subject, "sent_at": self.sent_at, "raw": self.raw}

    @property
    def message(self) -> EmailMessage:
        return message_from_string(self.raw, policy=policy.default)

    def part(self, subtype: str) -> str | None:
        """The text/html or text/plain body, decoded."""
        message = self.message
        body = message.get_body(preferencelist=(subtype,))
        return body.get_content() if body is not None else None


class Outbox:
    """The emails one stack's functions sent (an invocation listener).

    moto keeps one list of sent messages per account and region, shared by every stack on the
    same moto server; invocations are serialised process-wide, so the messages that appear
    while one of this stack's functions runs are this stack's."""

    def __init__(self, region: str = "us-east-1") -> None:
        self.region = region
        self._mine: dict[str, str] = {}  # message id -> when this stack saw it sent
        self._before = 0
        self._lock = threading.Lock()

    def _sent(self) -> list[Any]:
        from moto.ses.models import ses_backends

        return list(ses_backends[ACCOUNT][self.region].sent_messages)

    # -- an invocation listener --------------------------------------------------------------
    def invocation_started(self, function: str, request_id: str) -> None:
        self._before = len(self._sent())

    def invocation_finished(self, invocation: Invocation) -> None:
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        with self._lock:
            for message in self._sent()[self._before :]:
                identifier = getattr(message, "id", None)
                if identifier is not None:  # bulk templated sends have none: Syndicate sends none
                    self._mine.setdefault(identifier, now)

    # -- reading -----------------------------------------------------------------------------
    def messages(self) -> list[SentEmail]:
        with self._lock:
            mine = dict(self._mine)
        return [
            _sent_email(message, mine[message.id]) for message in self._sent() if getattr(message, "id", None) in mine
        ]

    def get(self, identifier: str) -> SentEmail | None:
        return next((message for message in self.messages() if message.id == identifier), None)


def _sent_email(message: Any, seen: str) -> SentEmail:
    raw = getattr(message, "raw_data", None) or _as_mime(message)
    parsed = message_from_string(raw, policy=policy.default)
    to = [address for _, address in getaddresses([str(parsed.get("To") or "")]) if address]
    if not to:
        to = [address for _, address in getaddresses(_destinations(message)) if address]
    return SentEmail(message.id, to, str(parsed.get("Subject") or ""), _sent_at(parsed, seen), raw)


def _destinations(message: Any) -> list[str]:
    destinations = getattr(message, "destinations", None) or []
    if isinstance(destinations, dict):  # simple SendEmail
        return [a for kind in ("ToAddresses", "CcAddresses", "BccAddresses") for a in destinations.get(kind, [])]
    return list(destinations)


def _sent_at(parsed: Any, seen: str) -> str:
    date = parsed.get("Date")
    if date:
        try:
            return parsedate_to_datetime(str(date)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        except (TypeError, ValueError):
            pass
    return seen


def _as_mime(message: Any) -> str:
    """A simple (non-raw) send as the MIME message SES would have built."""
    built = EmailMessage()
    built["From"] = message.source
    destinations = message.destinations or {}
    if destinations.get("ToAddresses"):
        built["To"] = ", ".join(destinations["ToAddresses"])
    if destinations.get("CcAddresses"):
        built["Cc"] = ", ".join(destinations["CcAddresses"])
    built["Subject"] = message.subject
    body = message.body or ""
    built.set_content(body, subtype="html" if body.lstrip().startswith("<") else "plain")
    return built.as_string()
