"""Pacing: every sender spaces its sends so that all of them together stay under SES's rate.

SES allows an account ``MaxSendRate`` messages a second (``GetAccount``'s send quota, read at
most every few minutes per container). The SQS event source runs at most ``SenderConcurrency``
senders at once (its ``ScalingConfig.MaximumConcurrency``, the same template Parameter), so a
sender that sends at most ``MaxSendRate / SenderConcurrency`` a second keeps the whole fleet
under the account's rate by construction, rather than finding it by being throttled.

Should SES throttle anyway (another sender in the account, a quota lowered since it was read),
the sender halves its own pace and tries the same recipient again, then recovers step by step
with each message SES accepts: it slows down instead of failing its batch. Time is injected:
``monotonic`` and ``sleep`` (tests pass a fake that only advances when slept on).
"""

from __future__ import annotations

from collections.abc import Callable

from syndicate.mailing.ports import SendingAccount

# What a sender assumes while the account's rate cannot be read: SES's lowest (sandbox) rate.
FALLBACK_RATE = 1.0
SLOWEST_FACTOR = 1 / 64  # after six throttles in a row
RECOVERY_PER_SEND = 0.05  # back from half speed after ten accepted messages


class Pacer:
    def __init__(
        self,
        account: SendingAccount,
        concurrency: int,
        monotonic: Callable[[], float],
        sleep: Callable[[float], None],
    ) -> None:
        self._account = account
        self._concurrency = max(1, concurrency)
        self._monotonic = monotonic
        self._sleep = sleep
        self._factor = 1.0
        self._next_send: float | None = None
        self.throttles = 0

    def rate(self) -> float:
        """Messages a second this sender may send now."""
        status = self._account.status()
        account_rate = status.max_send_rate if status is not None and status.max_send_rate > 0 else FALLBACK_RATE
        return account_rate / self._concurrency * self._factor

    def wait(self) -> None:
        """Return when the next message may go (at once for the first)."""
        now = self._monotonic()
        if self._next_send is not None and self._next_send > now:
            self._sleep(self._next_send - now)
            now = self._next_send
        self._next_send = now + 1.0 / self.rate()

    def throttled(self) -> None:
        """SES refused for rate: halve this sender's pace."""
        self.throttles += 1
        self._factor = max(SLOWEST_FACTOR, self._factor / 2)
        self._next_send = self._monotonic() + 1.0 / self.rate()

    def accepted(self) -> None:
        """SES took a message: recover a step towards the full share."""
        self._factor = min(1.0, self._factor + RECOVERY_PER_SEND)
