"""Schedule names and expressions of the local scheduler."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from syndicate_dev.local.schedules import LocalSchedule, UnsupportedExpression, next_run, schedule_name

AFTER = datetime(2025, 12, 17, 10, 0, tzinfo=UTC)  # a Wednesday


@pytest.mark.parametrize(
    ("event", "name"),
    [
        ("RenderFeedsSchedule", "render-feeds"),
        ("DailyDigestSchedule", "daily-digest"),
        ("WeeklyDigestSchedule", "weekly-digest"),
        ("SESBounces", "ses-bounces"),
    ],
)
def test_a_schedule_is_named_by_its_event_in_kebab_case_without_schedule(event, name):
    assert schedule_name(event) == name


def test_a_rate_fires_one_period_later():
    assert next_run("rate(5 minutes)", AFTER) == datetime(2025, 12, 17, 10, 5, tzinfo=UTC)
    assert next_run("rate(1 day)", AFTER) == datetime(2025, 12, 18, 10, 0, tzinfo=UTC)


def test_a_daily_cron_fires_at_the_next_matching_minute():
    assert next_run("cron(0 7 * * ? *)", AFTER) == datetime(2025, 12, 18, 7, 0, tzinfo=UTC)


def test_a_weekly_cron_with_a_day_name_fires_on_that_weekday():
    assert next_run("cron(30 8 ? * MON *)", AFTER) == datetime(2025, 12, 22, 8, 30, tzinfo=UTC)


def test_aws_numbers_weekdays_from_sunday():
    assert next_run("cron(0 9 ? * 1 *)", AFTER) == datetime(2025, 12, 21, 9, 0, tzinfo=UTC)


def test_a_cron_in_a_time_zone_fires_at_that_zones_wall_time():
    assert next_run("cron(0 7 * * ? *)", AFTER, "Europe/Paris") == datetime(2025, 12, 18, 6, 0, tzinfo=UTC)


def test_last_day_of_month_crons_run_on_demand_only():
    with pytest.raises(UnsupportedExpression):
        next_run("cron(0 7 L * ? *)", AFTER)


def test_the_template_input_is_delivered_with_the_scheduler_context_filled_in():
    schedule = LocalSchedule(
        "daily-digest",
        "DigestFunction",
        "DailyDigestSchedule",
        "rate(1 day)",
        '{"cadence": "daily", "at": "<aws.scheduler.scheduled-time>"}',
        None,
        True,
        "ScheduleV2",
    )

    assert schedule.event(AFTER) == {"cadence": "daily", "at": "2025-12-17T10:00:00Z"}


def test_without_input_the_function_gets_the_default_scheduled_event():
    schedule = LocalSchedule(
        "render-feeds", "RenderFeedsFunction", "RenderFeedsSchedule", "rate(5 minutes)", None, None, True, "ScheduleV2"
    )

    event = schedule.event(AFTER)

    assert (event["detail-type"], event["source"], event["time"]) == (
        "Scheduled Event",
        "aws.scheduler",
        "2025-12-17T10:00:00Z",
    )
