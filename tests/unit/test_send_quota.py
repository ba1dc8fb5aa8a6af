"""How much of SES's 24-hour quota a run's recipients use, as SES reports the quota."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from syndicate.mailing.ports import AccountStatus


def account(*, maximum: float, sent: float) -> AccountStatus:
    return AccountStatus(
        sending_enabled=True,
        enforcement_status="HEALTHY",
        production_access=True,
        max_send_rate=14,
        max_24_hour_send=maximum,
        sent_last_24_hours=sent,
    )


def test_an_unlimited_quota_has_no_percentage():
    assert account(maximum=-1, sent=5).quota_used_after(1000) is None


def test_an_account_that_may_send_nothing_is_at_its_quota():
    assert account(maximum=0, sent=0).quota_used_after(0) == 100.0


def test_what_was_sent_and_what_is_queued_both_count():
    quota = account(maximum=50_000, sent=10_000)

    assert quota.quota_used_after(30_000) == 80.0


@given(
    maximum=st.integers(min_value=1, max_value=10**8),
    sent=st.integers(min_value=0, max_value=10**8),
    queued=st.integers(min_value=0, max_value=10**8),
    more=st.integers(min_value=0, max_value=10**6),
)
def test_queuing_more_never_uses_less_of_the_quota(maximum, sent, queued, more):
    quota = account(maximum=maximum, sent=sent)

    before, after = quota.quota_used_after(queued), quota.quota_used_after(queued + more)

    assert before is not None and after is not None and before <= after
