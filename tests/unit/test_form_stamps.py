"""Signed form timestamps: fresh ones pass, a bot's too-fast post, an old replay and anything we
did not issue are told apart, and no text makes the judge fail or pass a stamp it did not sign."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from syndicate.subscriptions.stamps import PAGE, STATIC, FormStamps, Verdict

STAMPS = FormStamps(b"form-stamp-test-secret-0123456789")
ISSUED = datetime(2025, 12, 17, 10, 0, tzinfo=UTC)


def judged(kind: str, **later: float) -> Verdict:
    return STAMPS.judge(STAMPS.issue(kind, ISSUED), ISSUED + timedelta(**later))


@pytest.mark.parametrize(
    ("later", "verdict"),
    [
        ({"seconds": 0}, Verdict.TOO_FAST),
        ({"seconds": 1.9}, Verdict.TOO_FAST),
        ({"seconds": 2}, Verdict.FRESH),
        ({"hours": 23, "minutes": 59}, Verdict.FRESH),
        ({"hours": 24, "seconds": 1}, Verdict.TOO_OLD),
    ],
)
def test_a_page_stamp_is_fresh_from_two_seconds_to_a_day_after_the_page_was_served(later, verdict):
    assert judged(PAGE, **later) is verdict


@pytest.mark.parametrize(
    ("later", "verdict"),
    [({"seconds": 0}, Verdict.FRESH), ({"days": 30}, Verdict.FRESH), ({"days": 30, "seconds": 1}, Verdict.TOO_OLD)],
)
def test_a_static_stamp_has_no_too_fast_and_lasts_thirty_days(later, verdict):
    assert judged(STATIC, **later) is verdict


def test_a_page_stamp_made_static_or_moved_in_time_is_forged():
    version, kind, issued, signature = STAMPS.issue(PAGE, ISSUED).split(".")
    now = ISSUED + timedelta(seconds=1)

    assert STAMPS.judge(f"{version}.{STATIC}.{issued}.{signature}", now) is Verdict.FORGED
    assert STAMPS.judge(f"{version}.{kind}.{int(issued) - 60}.{signature}", now) is Verdict.FORGED


def test_a_stamp_of_another_deployment_or_from_the_future_is_forged():
    other = FormStamps(b"another-deployment-secret-987654")

    assert STAMPS.judge(other.issue(PAGE, ISSUED), ISSUED + timedelta(minutes=1)) is Verdict.FORGED
    assert STAMPS.judge(STAMPS.issue(STATIC, ISSUED + timedelta(hours=1)), ISSUED) is Verdict.FORGED


@given(st.text(max_size=120))
def test_no_text_but_an_issued_stamp_passes_and_none_breaks_the_judge(text):
    assert STAMPS.judge(text, ISSUED) is Verdict.FORGED


@given(st.sampled_from((PAGE, STATIC)), st.integers(min_value=0, max_value=4_000_000_000))
def test_every_issued_stamp_is_judged_on_its_age_alone(kind, epoch):
    issued = datetime.fromtimestamp(epoch, tz=UTC)

    assert STAMPS.judge(STAMPS.issue(kind, issued), issued + timedelta(hours=1)) is Verdict.FRESH
