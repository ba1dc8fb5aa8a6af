"""How the local stack evaluates an alarm: its periods (sliding, or on the wall clock of a time
zone) and CloudWatch's rules for datapoints to alarm and missing data."""

from __future__ import annotations

import operator
from datetime import UTC, datetime, timedelta

import pytest

from syndicate_dev.local.alarms import AlarmState, decide, evaluation_periods

NOW = datetime(2026, 3, 29, 10, 30, 15, tzinfo=UTC)  # Europe/Berlin moved to summer time at 01:00 UTC


def alarm(treat: str = "missing", needed: int = 3, threshold: float = 1.0) -> AlarmState:
    return AlarmState(
        logical_id="A",
        name="stack-A",
        state="INSUFFICIENT_DATA",
        reason="",
        description="",
        namespace="Syndicate",
        metric="M",
        dimensions={},
        statistic="Sum",
        comparison="LessThanThreshold",
        threshold=threshold,
        period=60,
        evaluation_periods=3,
        datapoints_to_alarm=needed,
        treat_missing_data=treat,
    )


def test_a_sliding_window_ends_now_and_counts_what_was_measured_now():
    periods = evaluation_periods({"Period": 300, "EvaluationPeriods": 3}, NOW)

    assert periods[0][1] > NOW >= periods[0][0]
    assert [end - start for start, end in periods] == [timedelta(minutes=5)] * 3
    assert periods[2][0] == NOW + timedelta(seconds=1) - timedelta(minutes=15)


def test_a_wall_clock_window_is_whole_days_of_its_time_zone_before_today():
    request = {
        "Period": 86400,
        "EvaluationPeriods": 2,
        "EvaluationWindow": {"WallClockWindow": {"Timezone": "Europe/Berlin"}},
    }

    (today_before, yesterday) = evaluation_periods(request, NOW)

    # 29 March: the day Berlin's clocks went forward (23 hours); midnight there is 22:00 or 23:00 UTC.
    assert today_before == (datetime(2026, 3, 27, 23, tzinfo=UTC), datetime(2026, 3, 28, 23, tzinfo=UTC))
    assert yesterday == (datetime(2026, 3, 26, 23, tzinfo=UTC), datetime(2026, 3, 27, 23, tzinfo=UTC))


def test_a_wall_clock_hour_ends_at_the_top_of_the_hour():
    request = {"Period": 3600, "EvaluationPeriods": 1, "EvaluationWindow": {"WallClockWindow": {}}}

    assert evaluation_periods(request, NOW) == [
        (datetime(2026, 3, 29, 9, tzinfo=UTC), datetime(2026, 3, 29, 10, tzinfo=UTC))
    ]


@pytest.mark.parametrize(
    ("treat", "values", "expected"),
    [
        ("breaching", [None, None, None], "ALARM"),
        ("breaching", [None, 2.0, None], "OK"),
        ("notBreaching", [None, None, None], "OK"),
        ("notBreaching", [0.0, 0.0, None], "OK"),  # two breaching of the three needed
        ("missing", [None, None, None], "INSUFFICIENT_DATA"),
        ("missing", [0.0, None, None], "OK"),  # present data only: 1 breaching, 3 needed
        ("ignore", [None, None, None], "ALARM"),  # keeps what it was
    ],
)
def test_missing_data_is_treated_as_the_alarm_says(treat, values, expected):
    assert decide(alarm(treat), values, operator.lt, previous="ALARM").state == expected


def test_m_of_n_alarms_once_m_periods_breach():
    two_of_three = alarm("notBreaching", needed=2)

    assert decide(two_of_three, [0.0, None, 0.0], operator.lt, previous="OK").state == "ALARM"
    assert decide(two_of_three, [0.0, None, 5.0], operator.lt, previous="OK").state == "OK"


def test_the_reason_shows_each_periods_value_newest_first():
    found = decide(alarm("breaching"), [None, 2.0, None], operator.lt, previous="OK")

    assert "[-, 2, -]" in found.reason and found.values == [None, 2.0, None]
