"""The reputation guard: digests pause themselves before SES has to pause the account.

SES reviews an account whose bounce rate reaches 5% or whose complaint rate reaches 0.1%, and
may then stop all of its sending; Gmail and Yahoo hold bulk senders to complaints under 0.3%.
Before a digest run queues anything, and before each batch is sent, the guard asks:

* SES itself (``GetAccount``, read at most every few minutes per container): sending disabled,
  or the account shut down, pauses; an account under review (``PROBATION``) pauses too, until an
  operator resumes under it (SES keeps it under review for days while the sender fixes things);
* our own records: the digests sent per hour and the bounces (permanent ones, as SES counts
  them) and complaints those messages drew, counted in the hour each message was sent.

**The window.** The rates are those of the last 24 hours of sending, the period Gmail's own
complaint rate uses and one daily edition's worth. When those 24 hours hold fewer than
``minimum_sends`` messages (a weekly list, a quiet day) the window reaches further back, an
hour at a time, until it does, up to 7 days (a weekly edition); with fewer sends still, no rate
counts (eight bounces in 200 messages is chance, not a list gone bad). Only what was sent after
the last resume counts: an operator who resumed has dealt with what came before.

One request reads it all: the hours of the last 7 days and the pause, in one Query.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from syndicate.clock import Clock, isoformat
from syndicate.digests.ports import PauseState, SendingRecords, SendingVolume
from syndicate.mailing.ports import PROBATION, SHUTDOWN, AccountStatus, SendingAccount

WINDOW = timedelta(hours=24)
LONGEST_WINDOW = timedelta(days=7)


def hour_of(moment: datetime) -> str:
    """The hour a moment falls in, as the records key it: ``2025-12-18T07``."""
    return isoformat(moment)[:13]


@dataclass(frozen=True)
class Thresholds:
    bounce_rate: float = 0.04
    complaint_rate: float = 0.0008
    minimum_sends: int = 500


@dataclass(frozen=True)
class Rates:
    """Digests sent in the window, and the bounces and complaints they drew."""

    sent: int
    bounced: int
    complained: int
    since_hour: str | None  # the window's first hour; None when nothing was sent

    @property
    def bounce_rate(self) -> float:
        return self.bounced / self.sent if self.sent else 0.0

    @property
    def complaint_rate(self) -> float:
        return self.complained / self.sent if self.sent else 0.0


@dataclass(frozen=True)
class Health:
    """The guard's verdict: ``reason`` says why sending must not go on (None: it may)."""

    reason: str | None = None
    rates: Rates | None = None
    counted: bool = False  # the rates had enough sends behind them to count
    account: AccountStatus | None = None
    already_paused: bool = False

    @property
    def ok(self) -> bool:
        return self.reason is None


class CannotResume(Exception):
    """SES itself stops the account's sending; resuming would send nothing."""


def account_problem(account: AccountStatus | None, acknowledged: str | None) -> str | None:
    """Why SES's view of the account stops digests, if it does (an unreadable status does not)."""
    if account is None:
        return None
    if not account.sending_enabled:
        return "SES has disabled sending for the account (GetAccount: SendingEnabled is false)"
    if account.enforcement_status == SHUTDOWN:
        return "SES has shut down the account's sending (GetAccount: EnforcementStatus SHUTDOWN)"
    if account.enforcement_status == PROBATION and acknowledged != PROBATION:
        return "SES has put the account under review (GetAccount: EnforcementStatus PROBATION)"
    return None


def window_rates(volumes: list[SendingVolume], pause: PauseState, now: datetime, minimum_sends: int) -> Rates:
    """The rates of the guard's window (see the module's docstring), from the hours' volumes."""
    start, floor = hour_of(now - WINDOW), hour_of(now - LONGEST_WINDOW)
    baseline = pause.baseline
    if baseline is not None:
        floor = max(floor, baseline.hour)
    sent = bounced = complained = 0
    since = None
    for volume in sorted(volumes, key=lambda v: v.hour, reverse=True):
        if volume.hour < floor or (volume.hour < start and sent >= minimum_sends):
            break
        if baseline is not None and volume.hour == baseline.hour:
            volume = SendingVolume(
                volume.hour,
                volume.sent - baseline.sent,
                volume.bounced - baseline.bounced,
                volume.complained - baseline.complained,
            )
        sent, bounced, complained = sent + volume.sent, bounced + volume.bounced, complained + volume.complained
        since = volume.hour
    return Rates(max(sent, 0), max(bounced, 0), max(complained, 0), since)


class ReputationGuard:
    def __init__(
        self, account: SendingAccount, records: SendingRecords, clock: Clock, thresholds: Thresholds = Thresholds()
    ) -> None:
        self._account = account
        self._records = records
        self._clock = clock
        self.thresholds = thresholds

    def check(self) -> Health:
        """Whether digests may be sent now, and why not."""
        now = self._clock()
        volumes, pause = self._records.recent(hour_of(now - LONGEST_WINDOW))
        account = self._account.status()
        if pause.paused_at is not None:
            paused = f"digests are paused (since {pause.paused_at}: {pause.reason}); resume them when fixed"
            return Health(paused, account=account, already_paused=True)
        rates = window_rates(volumes, pause, now, self.thresholds.minimum_sends)
        counted = rates.sent >= self.thresholds.minimum_sends
        reason = account_problem(account, pause.acknowledged) or (self._rate_problem(rates) if counted else None)
        return Health(reason, rates, counted, account)

    def _rate_problem(self, rates: Rates) -> str | None:
        window = f"{rates.sent} digests sent since {rates.since_hour}:00Z"
        if rates.bounce_rate >= self.thresholds.bounce_rate:
            return (
                f"bounce rate {rates.bounce_rate:.2%} ({rates.bounced} of {window}) "
                f"reached the pause threshold of {self.thresholds.bounce_rate:.2%}"
            )
        if rates.complaint_rate >= self.thresholds.complaint_rate:
            return (
                f"complaint rate {rates.complaint_rate:.3%} ({rates.complained} of {window}) "
                f"reached the pause threshold of {self.thresholds.complaint_rate:.3%}"
            )
        return None

    def pause(self, reason: str) -> bool:
        """Record the pause; True if this call paused sending (False: it was paused already)."""
        return self._records.pause(reason, isoformat(self._clock()))

    def resume(self) -> AccountStatus | None:
        """Clear the pause, so that sending starts again with a fresh window of rates.

        Refused (``CannotResume``) while SES itself disables or shuts down the account's sending;
        an account under review may be resumed, and the review is then not a reason to pause.
        """
        account = self._account.refresh()
        problem = account_problem(account, PROBATION)
        if problem is not None:
            raise CannotResume(f"{problem}: SES would send nothing; fix that first")
        now = self._clock()
        hour = hour_of(now)
        volumes, _ = self._records.recent(hour)
        current = next((volume for volume in volumes if volume.hour == hour), SendingVolume(hour))
        acknowledged = account.enforcement_status if account is not None else None
        self._records.resume(isoformat(now), current, acknowledged)
        return account
