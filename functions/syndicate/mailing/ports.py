"""What sending mail needs from outside: a transport, and how it says a message was not sent."""

from __future__ import annotations

from typing import Protocol


class MailNotSent(Exception):
    """The transport knows the message was NOT handed over.

    Not a DomainError: it is ours to handle, never the client's to fix. Any other failure of a
    send leaves the outcome unknown. ``code`` is the mail service's error code; the message
    never holds a recipient's address.
    """

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail


class RecipientRejected(MailNotSent):
    """Refused for this message and recipient alone (an address the service cannot take, a
    recipient the sandbox does not allow, content it rejects): final for it, the others go on."""


class SendThrottled(MailNotSent):
    """The mail service kept throttling after every retry: try again later."""


class SendingRefused(MailNotSent):
    """The mail service sends nothing for us now (sending paused or suspended, sender not verified,
    permission or configuration set missing, quota used up): an operator's fix, then a retry."""


class SendUnreachable(MailNotSent):
    """The mail service could not be reached at all: try again later."""


class MailTransport(Protocol):
    """Hands a finished MIME message to the mail service; raises ``MailNotSent`` when it was not sent."""

    def send_raw(self, sender: str, recipient: str, message: bytes) -> str: ...
