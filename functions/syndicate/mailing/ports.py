"""What sending mail needs from outside: a transport, how it says a message was not sent, and
the account's sending quota."""

from __future__ import annotations

from collections.abc import Mapping
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


class SendingPaused(SendingRefused):
    """The mail service has stopped the account's sending (paused or suspended): nothing will go
    out until an operator acts, so retrying is pointless and digests pause instead."""


class SendUnreachable(MailNotSent):
    """The mail service could not be reached at all: try again later."""


class MailTransport(Protocol):
    """Hands a finished MIME message to the mail service; raises ``MailNotSent`` when it was not sent.

    ``tags`` (name -> value, letters, digits, ``_-.@`` only) come back on the service's bounce
    and complaint events, which is how feedback finds the edition it concerns.
    """

    def send_raw(self, sender: str, recipient: str, message: bytes, tags: Mapping[str, str] | None = None) -> str: ...


# Enforcement states of an SES account (GetAccount ``EnforcementStatus``).
HEALTHY = "HEALTHY"
PROBATION = "PROBATION"  # under review: sending continues while the sender fixes the cause
SHUTDOWN = "SHUTDOWN"  # sending stopped by SES


@dataclass(frozen=True)
class AccountStatus:
    """What the mail service says about the sending account (SES v2 ``GetAccount``)."""

    sending_enabled: bool
    enforcement_status: str
    production_access: bool
    max_send_rate: float  # messages (recipients) a second, for the whole account
    max_24_hour_send: float  # messages per rolling 24 hours; negative: no limit (SES says -1)
    sent_last_24_hours: float

    def quota_used_after(self, more: int) -> float | None:
        """Percent of the 24-hour quota used once ``more`` messages are sent too (None: no limit)."""
        if self.max_24_hour_send < 0:
            return None
        if self.max_24_hour_send == 0:
            return 100.0  # nothing may be sent at all
        return round(100 * (self.sent_last_24_hours + more) / self.max_24_hour_send, 2)


class SendingAccount(Protocol):
    """The sending account's status, read at most every few minutes per container; ``unreadable``
    is the error code of the latest read that failed (None when it succeeded)."""

    unreadable: str | None

    def status(self) -> AccountStatus | None:
        """The latest status, or None when it could never be read."""
        ...

    def refresh(self) -> AccountStatus | None:
        """The status read now, whatever was read before."""
        ...
