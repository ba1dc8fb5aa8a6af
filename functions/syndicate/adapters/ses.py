"""Sending raw MIME messages through SES v2: throttling retried here, refusals classified.

The client makes ONE attempt per call (botocore's own retries off), so this module owns the
backoff: what it waits, how often it tries and that a throttled recipient is never dropped
(exhausted retries raise ``SendThrottled``; the caller gives the delivery back to the queue).

What a refusal means, from the errors SES v2 ``SendEmail`` documents:

* about this message and recipient only, so final for them (``RecipientRejected``):
  ``MessageRejected`` (content, or in the sandbox a recipient that is not verified) and
  ``BadRequestException`` (an address SES cannot take; our own request is well formed);
* about the account, so every message would fail and the batch is retried after the fix
  (``SendingRefused``): ``SendingPausedException`` and ``AccountSuspendedException`` (SES has
  stopped the account's sending: ``SendingPaused``, on which digests pause rather than retry),
  ``MailFromDomainNotVerifiedException``, ``NotFoundException`` (the configuration set),
  ``LimitExceededException``, IAM's ``AccessDenied*``, a ``MessageRejected`` that names our own
  sender as not verified, and any code not listed here (unknown is never taken as final).

SES error messages can name addresses ("...failed the check in region US-EAST-1: a@b.example").
Before botocore builds the exception from the response, every address in the message is
replaced with ``<sender>`` or ``<recipient>``, so no exception, log line or trace (X-Ray records
the exceptions of the calls it traces) carries a reader's address.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError, ConnectTimeoutError, EndpointConnectionError

from syndicate.adapters.clients import client
from syndicate.mailing.ports import (
    AccountStatus,
    RecipientRejected,
    SendingPaused,
    SendingRefused,
    SendThrottled,
    SendUnreachable,
)

THROTTLING_CODES = frozenset({"TooManyRequestsException", "ThrottlingException", "Throttling"})
RECIPIENT_CODES = frozenset({"MessageRejected", "BadRequestException"})
PAUSED_CODES = frozenset({"SendingPausedException", "AccountSuspendedException"})
_ADDRESS = re.compile(r"[^\s<>\"'(),;:\[\]]+@[^\s<>\"'(),;:\[\]]+")
_SENDER_KEY = "syndicate_from_address"


def redact_addresses(text: str, sender: str | None) -> str:
    """``text`` with each address replaced by ``<sender>`` (ours) or ``<recipient>`` (anyone else)."""

    def placeholder(match: re.Match[str]) -> str:
        found = match.group().rstrip(".")
        tail = match.group()[len(found) :]
        return ("<sender>" if sender and found.lower() == sender.lower() else "<recipient>") + tail

    return _ADDRESS.sub(placeholder, text)


def _remember_sender(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
    context[_SENDER_KEY] = params.get("FromEmailAddress")


def _redact_error(parsed: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
    error = parsed.get("Error") if isinstance(parsed, dict) else None
    if isinstance(error, dict) and isinstance(error.get("Message"), str):
        error["Message"] = redact_addresses(error["Message"], context.get(_SENDER_KEY))


def _ses() -> Any:
    ses = client("sesv2", max_attempts=1)
    ses.meta.events.register(
        "before-parameter-build.sesv2.SendEmail", _remember_sender, unique_id="syndicate-remember-sender"
    )
    ses.meta.events.register("after-call.sesv2.SendEmail", _redact_error, unique_id="syndicate-redact-addresses")
    return ses


def refusal(code: str, message: str) -> RecipientRejected | SendingRefused:
    """What a (redacted) SES refusal means: final for this recipient, or the account's to fix."""
    if code in RECIPIENT_CODES and not ("not verified" in message and "<sender>" in message):
        return RecipientRejected(code, message)
    if code in PAUSED_CODES:
        return SendingPaused(code, message)
    return SendingRefused(code, message)


@dataclass(frozen=True)
class Backoff:
    attempts: int = 6
    base_seconds: float = 0.2
    cap_seconds: float = 5.0

    def delay(self, attempt: int) -> float:
        """Full jitter: a random wait up to base * 2**attempt, capped."""
        ceiling = min(self.cap_seconds, self.base_seconds * (2**attempt))
        return random.uniform(0, ceiling)  # noqa: S311 - jitter spreads retries; it guards nothing


class SesTransport:
    """The ``MailTransport`` of the service: SES v2 ``SendEmail`` with raw MIME and a configuration set."""

    def __init__(
        self, configuration_set: str, *, backoff: Backoff = Backoff(), sleep: Callable[[float], None] = time.sleep
    ) -> None:
        self.configuration_set = configuration_set
        self.backoff = backoff
        self._sleep = sleep
        self.requests = 0  # SendEmail calls made, retries included (the benchmark reads it)

    def send_raw(self, sender: str, recipient: str, message: bytes, tags: Mapping[str, str] | None = None) -> str:
        """Hand one message to SES; its SES message id."""
        request: dict[str, Any] = {
            "FromEmailAddress": sender,
            "Destination": {"ToAddresses": [recipient]},
            "Content": {"Raw": {"Data": message}},
            "ConfigurationSetName": self.configuration_set,
        }
        if tags:
            request["EmailTags"] = [{"Name": name, "Value": value} for name, value in tags.items()]
        for attempt in range(self.backoff.attempts):
            try:
                self.requests += 1
                response = _ses().send_email(**request)
                return str(response["MessageId"])
            except (ConnectTimeoutError, EndpointConnectionError) as error:
                # The request never reached SES: known not sent.
                raise SendUnreachable(type(error).__name__, "SES could not be reached") from error
            except ClientError as error:
                details = error.response.get("Error", {})
                code, text = str(details.get("Code", "")), str(details.get("Message", ""))
                if code not in THROTTLING_CODES:
                    raise refusal(code, text) from error
                if attempt + 1 < self.backoff.attempts:
                    self._sleep(self.backoff.delay(attempt))
        raise SendThrottled("TooManyRequestsException", f"SES throttled {self.backoff.attempts} attempts in a row")


def account_status(response: Mapping[str, Any]) -> AccountStatus:
    """The parts of a GetAccount response the sender acts on."""
    quota = response.get("SendQuota") or {}
    return AccountStatus(
        sending_enabled=bool(response.get("SendingEnabled", False)),
        enforcement_status=str(response.get("EnforcementStatus") or "UNKNOWN"),
        production_access=bool(response.get("ProductionAccessEnabled", False)),
        max_send_rate=float(quota.get("MaxSendRate") or 0.0),
        max_24_hour_send=float(quota.get("Max24HourSend") or 0.0),
        sent_last_24_hours=float(quota.get("SentLast24Hours") or 0.0),
    )


class SesAccount:
    """The ``SendingAccount`` of the service: SES v2 ``GetAccount``, read at most every ``ttl_seconds``.

    Each container reads it once per period, not per batch: GetAccount is a management call with
    its own small request rate, shared by every sender. When a read fails, the last status read
    is kept; ``unreadable`` says why the latest read failed (an error code, never a message).
    """

    def __init__(self, *, ttl_seconds: float = 180.0, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.ttl_seconds = ttl_seconds
        self._monotonic = monotonic
        self._status: AccountStatus | None = None
        self._read_at: float | None = None
        self.unreadable: str | None = None
        self.requests = 0

    def status(self) -> AccountStatus | None:
        now = self._monotonic()
        if self._read_at is None or now - self._read_at >= self.ttl_seconds:
            self._read_at = now
            self._read()
        return self._status

    def refresh(self) -> AccountStatus | None:
        """Read it now, whatever the cache holds (an operator resuming wants today's answer)."""
        self._read_at = None
        return self.status()

    def _read(self) -> None:
        try:
            self.requests += 1
            self._status = account_status(client("sesv2").get_account())
            self.unreadable = None
        except ClientError as error:
            self.unreadable = str(error.response.get("Error", {}).get("Code") or "ClientError")
        except BotoCoreError as error:
            self.unreadable = type(error).__name__
