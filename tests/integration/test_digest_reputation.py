"""The reputation guard on moto: a bounce storm pauses digests, a resume finishes them, nobody twice."""

from __future__ import annotations

from collections import Counter

import pytest

from syndicate_dev import moto_gaps
from tests.support import events
from tests.support.digests import SesFaults

SPACE = events.article("photo-of-the-day")
CLIMATE = events.article("ocean-heatwave-explainer")
GUARDED = ("ScheduleDigestsFunction", "SendDigestsFunction")


@pytest.fixture
def small_list(functions):
    """A rate counts from 10 digests sent (the template's default is 500)."""
    for function in GUARDED:
        functions.configure(function, REPUTATION_MINIMUM_SENDS="10")


def first_day(world, clock, count=20):
    """Readers, an article, and the clock at the first run's time (digests go out then)."""
    readers = world.readers(count)
    clock.set("2025-12-17T10:00:00Z")
    world.publish(SPACE)
    world.outbox.clear()
    clock.set("2025-12-18T07:00:00Z")
    return readers


def second_day(world, clock):
    """Another article, and the clock at the second run's time."""
    clock.set("2025-12-18T10:00:00Z")
    world.publish(CLIMATE)
    world.outbox.clear()
    clock.set("2025-12-19T07:00:00Z")


def edition_of(world) -> str:
    [edition] = [e["edition_id"] for e in world.report()["editions"] if e["until"] == "2025-12-18T07:00:00Z"]
    return edition


def storm(world, readers, edition, sent_at="2025-12-18T07:00:05.000Z"):
    for reader in readers:
        assert world.feedback("bounce", reader, edition, sent_at) == {"suppressed": 1}


def received(world) -> Counter:
    return Counter(world.outbox.recipients())


def test_a_bounce_storm_pauses_the_next_run_before_it_sends_anything(world, clock, small_list, output):
    readers = first_day(world, clock)
    world.digest("daily", at="2025-12-18T07:00:00Z")
    storm(world, readers[:2], edition_of(world))  # 2 of 20: 10%, past the 4% threshold
    second_day(world, clock)

    run = world.run_schedule("daily", at="2025-12-19T07:00:00Z")
    world.deliver()

    assert "bounce rate 10.00% (2 of 20 digests sent since 2025-12-18T07:00Z)" in run["paused"]
    assert world.queued() == [] and world.outbox.messages() == []
    [log] = [r for r in output.logs() if r["message"] == "digest run paused"]
    assert log["level"] == "WARNING" and "bounce rate" in log["reason"]
    assert output.metric("DigestSendingPaused") == [1.0]
    report = world.report()
    assert report["sending"]["paused"] and "bounce rate" in report["sending"]["reason"]
    [day_two] = [e for e in report["editions"] if e["until"] == "2025-12-19T07:00:00Z"]
    assert day_two["paused"] == 18 and day_two["sent"] == day_two["pending"] == 0


def test_resume_finishes_the_paused_run_and_nobody_gets_a_second_copy(world, clock, small_list):
    readers = first_day(world, clock)
    world.digest("daily", at="2025-12-18T07:00:00Z")
    storm(world, readers[:2], edition_of(world))
    second_day(world, clock)
    world.run_schedule("daily", at="2025-12-19T07:00:00Z")

    status, printed = world.syndicate("digests", "resume")
    world.deliver()
    again, _ = world.syndicate("digests", "resume")
    world.run_schedule("daily", at="2025-12-19T07:00:00Z")  # the scheduler retries the run, too
    world.deliver()

    assert status == 0 and again == 0, printed
    assert "1 parked batches (18 recipients) queued again" in printed
    assert received(world) == Counter(readers[2:])  # each once; the bounced addresses are suppressed
    assert not world.report()["sending"]["paused"]


def test_a_storm_during_an_edition_parks_its_remaining_batches_until_resumed(world, clock, small_list, output):
    readers = first_day(world, clock, count=150)  # three batches of 50
    world.run_schedule("daily", at="2025-12-18T07:00:00Z")
    world.deliver(rounds=1, batch_size=1)
    edition = edition_of(world)
    storm(world, list(received(world))[:5], edition)  # 5 of the first 50 bounce

    world.deliver()
    parked = world.report(edition)["editions"][0]
    world.syndicate("digests", "resume")
    world.deliver()

    assert parked["sent"] == 50 and parked["paused"] == 100 and parked["bounced"] == 5
    assert sum(output.metric("DigestSendingPaused")) == 2
    assert received(world) == Counter(readers)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("SendingPausedException", "Sending is paused for this account."),
        ("AccountSuspendedException", "The account's ability to send email has been permanently restricted."),
    ],
)
def test_ses_stopping_the_accounts_sending_mid_batch_parks_the_batch_and_resume_sends_the_rest_once(
    world, clock, monkeypatch, code, message
):
    readers = first_day(world, clock, count=5)
    SesFaults(refuse={3: (code, message, 400)}).install(monkeypatch)
    world.run_schedule("daily", at="2025-12-18T07:00:00Z")

    responses = world.deliver()
    paused = world.report()
    world.syndicate("digests", "resume")
    world.deliver()

    assert [r["batchItemFailures"] for r in responses] == [[]]  # parked, not failed towards the DLQ
    assert code in paused["sending"]["reason"]
    assert paused["editions"][0]["sent"] == 2 and paused["editions"][0]["paused"] == 3
    assert received(world) == Counter(readers)


def test_an_account_under_review_pauses_digests_until_an_operator_resumes_under_it(world, clock):
    readers = first_day(world, clock, count=3)
    moto_gaps.ses.model.enforcement_status = "PROBATION"

    run = world.run_schedule("daily", at="2025-12-18T07:00:00Z")
    world.deliver()
    assert "PROBATION" in run["paused"] and world.outbox.messages() == []
    status, _ = world.syndicate("digests", "resume")
    world.deliver()

    assert status == 0 and received(world) == Counter(readers)


def test_resume_is_refused_while_ses_has_disabled_the_accounts_sending(world, clock):
    first_day(world, clock, count=3)
    moto_gaps.ses.model.sending_enabled = False
    world.run_schedule("daily", at="2025-12-18T07:00:00Z")

    status, printed = world.syndicate("digests", "resume")

    assert status == 1 and "SES has disabled sending for the account" in printed
    assert world.report()["sending"]["paused"] and world.queued() == []


def test_a_rate_below_the_minimum_sends_pauses_nothing(world, clock):
    """Two bounces in twenty digests is 10%, but twenty is below the template's 500: no rate yet."""
    readers = first_day(world, clock)
    world.digest("daily", at="2025-12-18T07:00:00Z")
    storm(world, readers[:2], edition_of(world))
    second_day(world, clock)

    run = world.digest("daily", at="2025-12-19T07:00:00Z")

    assert run["paused"] is None and received(world) == Counter(readers[2:])
