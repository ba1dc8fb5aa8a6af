"""What moto's SES accepted, read back as the raw MIME a mailbox would receive."""

from __future__ import annotations

import re
from email import message_from_bytes, policy
from email.message import EmailMessage
from urllib.parse import parse_qs, urlsplit

from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends


def _sent(region: str = "us-east-1") -> list:
    return ses_backends[DEFAULT_ACCOUNT_ID][region].sent_messages


class Outbox:
    """Every message sent since the outbox was opened, parsed with the ``email`` package."""

    def __init__(self) -> None:
        self._start = len(_sent())

    def messages(self) -> list[EmailMessage]:
        return [message_from_bytes(m.raw_data.encode("utf-8"), policy=policy.default) for m in _sent()[self._start :]]

    def raw(self) -> list[str]:
        return [m.raw_data for m in _sent()[self._start :]]

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages() if address in str(m["To"])]

    def recipients(self) -> list[str]:
        return [str(m["To"]) for m in self.messages()]

    def clear(self) -> None:
        self._start = len(_sent())


def bodies(message: EmailMessage) -> tuple[str, str]:
    """The (plain text, html) parts of a message."""
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    return (text.get_content() if text else "", html.get_content() if html else "")


def links(text: str) -> list[str]:
    return re.findall(r"https?://[^\s<>\"']+", text)


def link_to(message: EmailMessage, path: str) -> str:
    """The first link in the message's text part whose path ends with ``path``."""
    for url in links(bodies(message)[0]):
        if urlsplit(url).path.endswith(path):
            return url
    raise AssertionError(f"no link to {path} in the message")


def token_of(url: str) -> str:
    return parse_qs(urlsplit(url).query)["token"][0]
