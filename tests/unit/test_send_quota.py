"""How much of SES's 24-hour quota a run's recipients use, as SES reports the quota."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from syndicate.mailing.ports import SendQuota


def test_an_unlimited_quota_has_no_percentage():
    assert SendQuota(max_24_hour_send=-1, sent_last_24_hours=5, max_send_rate=14).percent_used_after(1000) is None


def test_an_account_that_may_send_nothing_is_at_its_quota():
    assert SendQuota(max_24_hour_send=0, sent_last_24_hours=0, max_send_rate=0).percent_used_after(0) == 100.0


def test_what_was_sent_and_what_is_queued_both_count():
    quota = SendQuota(max_24_hour_send=50_000, sent_last_24_hours=10_000, max_send_rate=14)

    assert quota.percent_used_after(30_000) == 80.0


@given(
    maximum=st.integers(min_value=1, max_value=10**8),
    sent=st.integers(min_value=0, max_value=10**8),
    queued=st.integers(min_value=0, max_value=10**8),
    more=st.integers(min_value=0, max_value=10**6),
)
def test_queuing_more_never_uses_less_of_the_quota(maximum, sent, queued, more):
    quota = SendQuota(max_24_hour_send=maximum, sent_last_24_hours=sent, max_send_rate=1)

    before, after = quota.percent_used_after(queued), quota.percent_used_after(queued + more)

    assert before is not None and after is not None and before <= after
