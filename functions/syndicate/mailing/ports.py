"""What sending mail needs from outside: a transport, how it says a message was not sent, and
the account's sending quota."""

from __future__ import annotations

from dataclasses import dataclass
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


class AccountUnreadable(Exception):
    """The mail service did not say how much the account may send (``code``: its error code)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class SendQuota:
    """The account's sending quota, as the mail service reports it now."""

    max_24_hour_send: float  # messages per rolling 24 hours; negative: no limit (SES says -1)
    sent_last_24_hours: float
    max_send_rate: float  # messages per second

    def percent_used_after(self, more: int) -> float | None:
        """How much of the 24-hour quota is used once ``more`` messages are sent too (None: no limit)."""
        if self.max_24_hour_send < 0:
            return None
        if self.max_24_hour_send == 0:
            return 100.0  # nothing may be sent at all
        return round(100 * (self.sent_last_24_hours + more) / self.max_24_hour_send, 2)


class SendingAccount(Protocol):
    """What the mail service says about the account as a whole."""

    def send_quota(self) -> SendQuota:
        """The quota now; ``AccountUnreadable`` when the service does not answer it."""
        ...
