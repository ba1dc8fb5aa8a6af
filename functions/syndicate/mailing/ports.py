"""What sending mail needs from outside: a transport, and how it says a message was not sent."""

from __future__ import annotations

from typing import Protocol


class MailNotSent(Exception):
    """The transport knows the message was NOT handed over (throttled, refused, unreachable).

    Not a DomainError: it is ours to retry, never the client's to fix. Any other failure of a
    send leaves the outcome unknown.
    """


class SendThrottled(MailNotSent):
    """The mail service kept throttling after every retry; the message was not sent."""


class SendRejected(MailNotSent):
    """The mail service refused the message (bad address, unverified sender, account paused...)."""


class SendUnreachable(MailNotSent):
    """The mail service could not be reached at all; not sent."""


class MailTransport(Protocol):
    """Hands a finished MIME message to the mail service; raises ``MailNotSent`` when it was not sent."""

    def send_raw(self, sender: str, recipient: str, message: bytes) -> str: ...
