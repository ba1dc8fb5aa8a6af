"""Every email the functions sent through SES, read from moto's SES backend in this process
(the moto server runs in a thread of the local stack, so its backends are ours to read)."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from email import message_from_string, policy
from email.message import EmailMessage
from email.utils import getaddresses, parsedate_to_datetime
from typing import Any

from syndicate_dev.local.runtime import ACCOUNT


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
    def __init__(self, region: str = "us-east-1") -> None:
        self.region = region
        self._seen: dict[str, str] = {}  # message id -> when this stack first saw it
        self._lock = threading.Lock()

    def _backend(self) -> Any:
        from moto.ses.models import ses_backends

        return ses_backends[ACCOUNT][self.region]

    def refresh(self) -> None:
        """Note the time of messages not seen yet (called after every invocation)."""
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        with self._lock:
            for message in list(self._backend().sent_messages):
                identifier = getattr(message, "id", None)
                if identifier and identifier not in self._seen:
                    self._seen[identifier] = now

    def messages(self) -> list[SentEmail]:
        self.refresh()
        found = []
        for message in list(self._backend().sent_messages):
            identifier = getattr(message, "id", None)
            if identifier is None:
                continue  # bulk templated sends: not used by Syndicate
            raw = getattr(message, "raw_data", None) or _as_mime(message)
            parsed = message_from_string(raw, policy=policy.default)
            destinations = getattr(message, "destinations", None)
            if isinstance(destinations, dict):  # simple SendEmail
                destinations = [
                    a for kind in ("ToAddresses", "CcAddresses", "BccAddresses") for a in destinations.get(kind, [])
                ]
            to = [address for _, address in getaddresses([str(parsed.get("To") or "")]) if address]
            if not to:
                to = [address for _, address in getaddresses(destinations or []) if address]
            found.append(
                SentEmail(
                    identifier,
                    to,
                    str(parsed.get("Subject") or ""),
                    _sent_at(parsed, self._seen.get(identifier, "")),
                    raw,
                )
            )
        return found

    def get(self, identifier: str) -> SentEmail | None:
        return next((message for message in self.messages() if message.id == identifier), None)


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
