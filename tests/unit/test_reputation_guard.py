"""The reputation guard's window and verdicts, and the senders' pacing, without AWS."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from syndicate.digests.guard import ReputationGuard, Thresholds, hour_of, window_rates
from syndicate.digests.pacing import FALLBACK_RATE, Pacer
from syndicate.digests.ports import PauseState, SendingVolume
from syndicate.mailing.ports import AccountStatus
from tests.support.clock import FakeClock, FakeTimer

NOW = datetime(2025, 12, 19, 7, 30, tzinfo=UTC)
HEALTHY = AccountStatus(True, "HEALTHY", True, 14.0, 50_000.0, 0.0)
NOT_PAUSED = PauseState()


def hours_ago(hours: int) -> str:
    return hour_of(NOW.replace(hour=7) - timedelta(hours=hours))


class Account:
    def __init__(self, status: AccountStatus | None = HEALTHY) -> None:
        self.current = status
        self.unreadable = None if status else "AccessDeniedException"

    def status(self) -> AccountStatus | None:
        return self.current

    def refresh(self) -> AccountStatus | None:
        return self.current


class Records:
    def __init__(self, volumes: list[SendingVolume], pause: PauseState = NOT_PAUSED) -> None:
        self.volumes = volumes
        self.state = pause
        self.paused: list[str] = []

    def recent(self, since_hour: str) -> tuple[list[SendingVolume], PauseState]:
        return [v for v in self.volumes if v.hour >= since_hour], self.state

    def pause(self, reason: str, now: str) -> bool:
        self.paused.append(reason)
        return True


def guard(volumes, pause=NOT_PAUSED, account=HEALTHY, minimum=100) -> ReputationGuard:
    clock = FakeClock("2025-12-19T07:30:00Z")
    return ReputationGuard(Account(account), Records(volumes, pause), clock, Thresholds(minimum_sends=minimum))  # type: ignore[arg-type]


def test_the_window_is_the_last_24_hours_when_they_hold_enough_sends():
    volumes = [SendingVolume(hours_ago(1), 1000, 50), SendingVolume(hours_ago(30), 1000, 0)]

    rates = window_rates(volumes, NOT_PAUSED, NOW, minimum_sends=500)

    assert (rates.sent, rates.bounced, rates.bounce_rate) == (1000, 50, 0.05)


def test_a_quiet_day_reaches_back_until_the_window_holds_the_minimum_of_sends():
    volumes = [
        SendingVolume(hours_ago(2), 100, 10),
        SendingVolume(hours_ago(30), 200, 0),
        SendingVolume(hours_ago(60), 1000),
    ]

    rates = window_rates(volumes, NOT_PAUSED, NOW, minimum_sends=250)

    assert (rates.sent, rates.bounced, rates.since_hour) == (300, 10, hours_ago(30))


def test_the_window_never_reaches_past_seven_days_nor_before_the_last_resume():
    volumes = [
        SendingVolume(hours_ago(1), 10),
        SendingVolume(hours_ago(5), 100, 30),
        SendingVolume(hours_ago(200), 1000),
    ]
    resumed = PauseState(resumed_at="x", baseline=SendingVolume(hours_ago(1), 4, 0))

    assert window_rates(volumes, NOT_PAUSED, NOW, 10_000).sent == 110
    assert window_rates(volumes, resumed, NOW, 10_000).sent == 6  # only what was sent since the resume


@given(
    st.lists(st.tuples(st.integers(0, 300), st.integers(0, 500), st.integers(0, 50)), max_size=40), st.integers(1, 2000)
)
def test_the_window_holds_the_minimum_or_every_hour_of_the_last_seven_days(hours, minimum):
    volumes = {hours_ago(age): SendingVolume(hours_ago(age), sent, min(bounced, sent)) for age, sent, bounced in hours}
    everything = [v for v in volumes.values() if v.hour >= hour_of(NOW - timedelta(days=7))]

    rates = window_rates(list(volumes.values()), NOT_PAUSED, NOW, minimum)

    assert rates.sent >= minimum or rates.sent == sum(v.sent for v in everything)
    assert rates.sent >= sum(v.sent for v in everything if v.hour >= hour_of(NOW - timedelta(hours=24)))
    assert 0 <= rates.bounced <= rates.sent


@pytest.mark.parametrize(
    ("bounced", "complained", "paused"),
    [(39, 0, False), (40, 0, True), (0, 0, False), (0, 1, True)],
)
def test_sending_pauses_at_the_thresholds(bounced, complained, paused):
    health = guard([SendingVolume(hours_ago(1), 1000, bounced, complained)], minimum=100).check()

    assert health.ok is not paused and health.counted


def test_too_few_sends_make_no_rate():
    health = guard([SendingVolume(hours_ago(1), 50, 50)]).check()

    assert health.ok and not health.counted


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (AccountStatus(False, "HEALTHY", True, 14.0, 1.0, 0.0), "disabled sending"),
        (AccountStatus(True, "SHUTDOWN", True, 14.0, 1.0, 0.0), "SHUTDOWN"),
        (AccountStatus(True, "PROBATION", True, 14.0, 1.0, 0.0), "PROBATION"),
    ],
)
def test_what_ses_says_of_the_account_pauses_sending(status, reason):
    health = guard([], account=status).check()

    assert not health.ok and reason in str(health.reason)


def test_an_account_status_that_cannot_be_read_pauses_nothing():
    assert guard([], account=None).check().ok


def test_an_account_resumed_under_review_is_not_paused_again_for_it():
    status = AccountStatus(True, "PROBATION", True, 14.0, 1.0, 0.0)

    assert guard([], PauseState(acknowledged="PROBATION"), account=status).check().ok


# -- pacing ---------------------------------------------------------------------------------------


def pacer(status: AccountStatus | None = HEALTHY, concurrency: int = 2) -> tuple[Pacer, FakeTimer]:
    timer = FakeTimer()
    return Pacer(Account(status), concurrency, timer, timer.sleep), timer


def test_senders_share_the_accounts_rate_equally():
    paced, timer = pacer(concurrency=7)

    for _ in range(5):
        paced.wait()

    assert timer.slept == pytest.approx([0.5] * 4)  # 14 a second among 7 senders: 2 a second each


def test_a_sender_that_cannot_read_the_rate_assumes_sess_lowest():
    paced, _ = pacer(status=None, concurrency=1)

    assert paced.rate() == FALLBACK_RATE


def test_a_throttled_sender_halves_its_pace_and_recovers_as_messages_are_accepted():
    paced, _ = pacer()
    paced.throttled()
    paced.throttled()
    slowed = paced.rate()

    for _ in range(15):
        paced.accepted()

    assert slowed == pytest.approx(7 / 4) and paced.rate() == pytest.approx(7)
