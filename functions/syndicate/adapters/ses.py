"""Sending raw MIME messages through SES v2, with its throttling retried here.

The client makes ONE attempt per call (botocore's own retries off), so this module owns the
backoff: what it waits, how often it tries and that a throttled recipient is never dropped
(exhausted retries raise ``SendThrottled``; the caller gives the delivery back to the queue).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from botocore.exceptions import ClientError, ConnectTimeoutError, EndpointConnectionError

from syndicate.adapters.clients import client
from syndicate.mailing.ports import SendRejected, SendThrottled, SendUnreachable

THROTTLING_CODES = frozenset(
    {"TooManyRequestsException", "ThrottlingException", "Throttling", "LimitExceededException"}
)


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

    def send_raw(self, sender: str, recipient: str, message: bytes) -> str:
        """Hand one message to SES; its SES message id."""
        for attempt in range(self.backoff.attempts):
            try:
                self.requests += 1
                response = client("sesv2", max_attempts=1).send_email(
                    FromEmailAddress=sender,
                    Destination={"ToAddresses": [recipient]},
                    Content={"Raw": {"Data": message}},
                    ConfigurationSetName=self.configuration_set,
                )
                return str(response["MessageId"])
            except (ConnectTimeoutError, EndpointConnectionError) as error:
                # The request never reached SES: known not sent.
                raise SendUnreachable(str(error)) from error
            except ClientError as error:
                code = error.response.get("Error", {}).get("Code", "")
                if code not in THROTTLING_CODES:
                    raise SendRejected(f"{code}: {error.response.get('Error', {}).get('Message', '')}") from error
                if attempt + 1 < self.backoff.attempts:
                    self._sleep(self.backoff.delay(attempt))
        raise SendThrottled(f"SES throttled {self.backoff.attempts} attempts in a row")
