"""Digests on moto: who gets what, and never twice nor lost when SES or the sender fails."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.support import events
from tests.support.digests import SesFaults
from tests.support.mail import bodies

SPACE = events.article("photo-of-the-day")
CLIMATE = events.article("ocean-heatwave-explainer")
READERS = [f"reader{n}@example.com" for n in range(1, 6)]


def subscribe_at_dawn(world, clock, *readers, cadence="daily", categories=None):
    clock.set("2025-12-17T06:00:00Z")
    for reader in readers:
        world.subscribed(reader, cadence, categories)


def publish_in_the_morning(world, clock, *documents):
    clock.set("2025-12-17T10:00:00Z")
    for document in documents:
        world.publish(document)
    world.outbox.clear()


def test_category_filters_choose_the_articles_of_each_reader(world, clock):
    subscribe_at_dawn(world, clock, "space@example.com", categories=["Space/science journalism"])
    subscribe_at_dawn(world, clock, "climate@example.com", categories=["climate"])
    subscribe_at_dawn(world, clock, "everything@example.com")
    publish_in_the_morning(world, clock, SPACE, CLIMATE)

    world.digest("daily", at="2025-12-18T07:00:00Z")

    [space] = world.outbox.to("space@example.com")
    [climate] = world.outbox.to("climate@example.com")
    [everything] = world.outbox.to("everything@example.com")
    assert SPACE["title"] in bodies(space)[0] and CLIMATE["title"] not in bodies(space)[0]
    assert CLIMATE["title"] in bodies(climate)[0] and SPACE["title"] not in bodies(climate)[0]
    assert SPACE["title"] in bodies(everything)[0] and CLIMATE["title"] in bodies(everything)[0]


def test_each_distinct_edition_is_rendered_once(world, clock):
    subscribe_at_dawn(world, clock, *READERS[:3], categories=["Space/science journalism"])
    subscribe_at_dawn(world, clock, *READERS[3:])
    publish_in_the_morning(world, clock, SPACE)

    report = world.run_schedule("daily", at="2025-12-18T07:00:00Z")
    assert not any("@" in message["Body"] for message in world.queued())  # ids only, no addresses
    world.deliver()

    assert report["editions"] == 2 and report["recipients"] == 5
    assert sorted(world.outbox.recipients()) == sorted(READERS)


def test_weekly_readers_get_nothing_from_the_daily_run_and_everything_from_the_weekly(world, clock):
    subscribe_at_dawn(world, clock, "weekly@example.com", cadence="weekly")
    publish_in_the_morning(world, clock, SPACE, CLIMATE)

    world.digest("daily", at="2025-12-18T07:00:00Z")
    assert world.outbox.to("weekly@example.com") == []

    world.digest("weekly", at="2025-12-22T07:00:00Z")
    [weekly] = world.outbox.to("weekly@example.com")
    assert weekly["Subject"].startswith("Syndicate weekly digest:")
    assert SPACE["title"] in bodies(weekly)[0] and CLIMATE["title"] in bodies(weekly)[0]


def test_an_empty_digest_is_not_sent(world, clock):
    subscribe_at_dawn(world, clock, "space@example.com", categories=["Space/science journalism"])
    publish_in_the_morning(world, clock, CLIMATE)

    report = world.digest("daily", at="2025-12-18T07:00:00Z")

    assert world.outbox.messages() == []
    assert report["editions"] == 0 and report["empty_editions"] == 1


def test_a_reader_starts_from_the_moment_they_confirmed(world, clock):
    publish_in_the_morning(world, clock, SPACE)
    clock.set("2025-12-17T11:00:00Z")
    world.subscribed("late@example.com")
    clock.set("2025-12-17T12:00:00Z")
    world.publish(CLIMATE)
    world.outbox.clear()

    world.digest("daily", at="2025-12-18T07:00:00Z")

    [mail] = world.outbox.to("late@example.com")
    text = bodies(mail)[0]
    assert CLIMATE["title"] in text and SPACE["title"] not in text


def test_the_next_day_brings_only_the_articles_of_that_day(world, clock):
    subscribe_at_dawn(world, clock, "reader@example.com")
    publish_in_the_morning(world, clock, SPACE)
    world.digest("daily", at="2025-12-18T07:00:00Z")
    clock.set("2025-12-18T10:00:00Z")
    world.publish(CLIMATE)
    world.outbox.clear()

    world.digest("daily", at="2025-12-19T07:00:00Z")

    [mail] = world.outbox.to("reader@example.com")
    assert CLIMATE["title"] in bodies(mail)[0] and SPACE["title"] not in bodies(mail)[0]


def test_a_throttled_sender_slows_down_and_everyone_gets_exactly_one(world, clock, monkeypatch, sleeps, pacing):
    subscribe_at_dawn(world, clock, *READERS)
    publish_in_the_morning(world, clock, SPACE)
    faults = SesFaults(throttle={3, 4}).install(monkeypatch)  # the 3rd recipient is throttled twice
    world.run_schedule("daily", at="2025-12-18T07:00:00Z")

    responses = world.deliver()

    assert sorted(world.outbox.recipients()) == sorted(READERS)
    assert [r["batchItemFailures"] for r in responses] == [[]]
    assert faults.calls == len(READERS) + 2 and sleeps == []  # tried again by the pacer, not the backoff
    share = 1 / (14.0 / 2)  # moto_gaps' MaxSendRate over the template's default SenderConcurrency
    assert pacing.slept[:2] == pytest.approx([share, share])
    assert pacing.slept[2:4] == pytest.approx([2 * share, 4 * share])  # half the pace after each throttle


def test_a_sender_throttled_again_and_again_slows_down_rather_than_failing_its_batch(
    world, clock, monkeypatch, pacing, output
):
    subscribe_at_dawn(world, clock, *READERS)
    publish_in_the_morning(world, clock, SPACE)
    SesFaults(throttle=set(range(3, 11))).install(monkeypatch)  # eight throttles in a row
    world.run_schedule("daily", at="2025-12-18T07:00:00Z")

    responses = world.deliver()

    assert [r["batchItemFailures"] for r in responses] == [[]]
    assert sorted(world.outbox.recipients()) == sorted(READERS)
    assert sum(output.metric("DigestSendsThrottled")) == 8
    assert max(pacing.slept) == pytest.approx(64 / 7)  # down to the slowest pace, 1/64 of its share


def test_a_batch_retried_after_a_crash_mid_way_sends_nobody_a_second_copy(world, clock, monkeypatch):
    subscribe_at_dawn(world, clock, *READERS)
    publish_in_the_morning(world, clock, SPACE)
    SesFaults(crash_after={3}).install(monkeypatch)
    world.run_schedule("daily", at="2025-12-18T07:00:00Z")

    responses = world.deliver()

    assert len(responses[0]["batchItemFailures"]) == 1  # the crashed batch came back
    assert sorted(world.outbox.recipients()) == sorted(READERS)


def test_a_claim_whose_response_was_lost_is_still_the_senders_own(world, clock, monkeypatch):
    from syndicate.adapters.clients import client
    from tests.support.faults import LostResponse, no_backoff

    subscribe_at_dawn(world, clock, *READERS)
    publish_in_the_morning(world, clock, SPACE)
    world.run_schedule("daily", at="2025-12-18T07:00:00Z")
    no_backoff(monkeypatch)
    world.functions.activate("SendDigestsFunction")
    # The first reader's claim lands, its answer does not: botocore's retry finds the claim taken.
    lost = LostResponse(client("dynamodb"), "PutItem")

    world.deliver()

    lost.remove()
    assert lost.sent == len(READERS) + 1
    assert sorted(world.outbox.recipients()) == sorted(READERS)


def test_a_sender_short_of_time_hands_the_rest_of_the_batch_back(world, clock):
    from tests.support.digests import SenderContext

    subscribe_at_dawn(world, clock, *READERS)
    publish_in_the_morning(world, clock, SPACE)
    world.run_schedule("daily", at="2025-12-18T07:00:00Z")

    first = world.deliver(rounds=1, context=SenderContext(remaining_ms=5_000))
    assert len(first[0]["batchItemFailures"]) == 1 and world.outbox.messages() == []

    world.deliver()
    assert sorted(world.outbox.recipients()) == sorted(READERS)


def test_an_address_suppressed_between_schedule_and_send_is_skipped(world, clock):
    subscribe_at_dawn(world, clock, *READERS[:2])
    publish_in_the_morning(world, clock, SPACE)
    world.run_schedule("daily", at="2025-12-18T07:00:00Z")
    clock.set("2025-12-17T06:00:00Z")
    world.subscribe(READERS[0])  # an already subscribed reader: no mail, nothing changes
    world.outbox.clear()
    world.ses_event("complaint", READERS[0])

    world.deliver()

    assert world.outbox.recipients() == [READERS[1]]


@pytest.mark.parametrize("sample", ["bounce", "complaint"])
def test_bounce_and_complaint_suppress_the_address_for_good(world, clock, sample):
    subscribe_at_dawn(world, clock, "gone@example.com", "stays@example.com")
    publish_in_the_morning(world, clock, SPACE)

    assert world.ses_event(sample, "gone@example.com") == {"suppressed": 1}
    world.digest("daily", at="2025-12-18T07:00:00Z")
    clock.set("2025-12-18T10:00:00Z")
    world.subscribe("gone@example.com")

    assert world.outbox.recipients() == ["stays@example.com"]


def test_a_soft_bounce_suppresses_nobody(world, clock):
    subscribe_at_dawn(world, clock, "full@example.com")
    publish_in_the_morning(world, clock, SPACE)

    assert world.ses_event("soft-bounce", "full@example.com") == {"suppressed": 0}
    world.digest("daily", at="2025-12-18T07:00:00Z")

    assert world.outbox.recipients() == ["full@example.com"]


def test_an_article_no_template_can_show_is_left_out_and_the_edition_still_goes_out(world, clock, output):
    """Stored as it is (past the API's checks): a title full of line breaks, and fields of odd shapes."""
    from syndicate import dependencies
    from syndicate.articles.model import Article

    subscribe_at_dawn(world, clock, *READERS[:2])
    publish_in_the_morning(world, clock, SPACE)
    world.functions.activate("ArticlesApiFunction")
    stamp = "2025-12-17T11:00:00Z"
    odd: dict[str, Any] = dict(
        publisher_id="pub_alice",
        version=1,
        status="published",
        categories=("Space/science journalism",),
        published_at=stamp,
        created_at=stamp,
        updated_at=stamp,
        content_hash="0" * 64,
        body_markdown="Body.",
        body_html="<p>Body.</p>",
    )
    breaks = Article(id="1" * 32, title="Line\nbreaks\u2028and\x85separators", extras={}, **odd)
    broken = Article(id="2" * 32, title="Broken", extras={"summary": ["not", "text"]}, **odd)
    for article in (breaks, broken):
        dependencies.article_store().save(article, None)

    world.run_schedule("daily", at="2025-12-18T07:00:00Z")
    responses = world.deliver()

    assert [r["batchItemFailures"] for r in responses] == [[]]
    assert sorted(world.outbox.recipients()) == sorted(READERS[:2])
    mail = world.outbox.to(READERS[0])[0]
    assert mail["Subject"] == "Syndicate daily digest: Line breaks and separators (+1 more)"
    assert SPACE["title"] in bodies(mail)[0] and "Broken" not in bodies(mail)[0]
    [left_out] = [r for r in output.logs() if r["message"] == "article left out of the digest"]
    assert left_out["level"] == "WARNING"
    assert left_out["article_id"] == broken.id and "summary" in left_out["reason"]
    assert output.metric("DigestArticlesLeftOut") == [1.0]
    assert not any(reader in output.text() for reader in READERS)


# -- refusals: one recipient's is final for them; the account's fails the batch ------------------

SANDBOX = "Email address is not verified. The following identities failed the check in region US-EAST-1: {}"


def ledger_items(world) -> list[dict[str, Any]]:
    from syndicate.adapters.clients import client
    from syndicate.adapters.dynamodb import unmarshal

    table = world.stack.name("DeliveryLedgerTable")
    return [unmarshal(item) for item in client("dynamodb").scan(TableName=table)["Items"]]


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("MessageRejected", SANDBOX.format("someone.else@example.com")),
        ("BadRequestException", "Illegal address"),
    ],
)
def test_a_recipient_ses_refuses_is_recorded_as_rejected_and_the_rest_of_the_batch_goes_out(
    world, clock, monkeypatch, output, code, message
):
    subscribe_at_dawn(world, clock, *READERS)
    publish_in_the_morning(world, clock, SPACE)
    faults = SesFaults(refuse={3: (code, message, 400)}).install(monkeypatch)
    world.run_schedule("daily", at="2025-12-18T07:00:00Z")

    responses = world.deliver()
    world.digest("daily", at="2025-12-18T07:00:00Z")  # the same run again: the rejection holds

    assert [r["batchItemFailures"] for r in responses] == [[]]
    assert len(world.outbox.recipients()) == 4 and faults.calls == 5
    [rejected] = [item for item in ledger_items(world) if item.get("outcome") == "rejected"]
    assert rejected["reason"] == code
    assert sum(output.metric("DigestsRejected")) == 1
    [log] = [r for r in output.logs() if r["message"] == "digest recipient rejected"]
    assert log["code"] == code and log["subscriber_id"] in rejected["delivery"]
    assert "someone.else@example.com" not in output.text()
    assert ("<recipient>" in log["detail"]) == (code == "MessageRejected")


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("MailFromDomainNotVerifiedException", "The sending domain is not verified."),
        ("NotFoundException", "Configuration set <ConfigurationSet> does not exist."),
        ("AccessDeniedException", "User is not authorized to perform ses:SendEmail"),
        ("LimitExceededException", "Daily message quota exceeded."),
        ("MessageRejected", SANDBOX.format("digest@syndicate.example")),  # our own sender, unverified
        ("InternalFailure", "Something SES has never told us before."),
    ],
)
def test_an_account_level_refusal_fails_the_batch_and_every_reader_gets_the_digest_once_fixed(
    world, clock, monkeypatch, code, message
):
    """(SES pausing or suspending the account's sending parks the batch instead: test_digest_reputation.)"""
    subscribe_at_dawn(world, clock, *READERS)
    publish_in_the_morning(world, clock, SPACE)
    SesFaults(refuse={3: (code, message, 400)}).install(monkeypatch)
    world.run_schedule("daily", at="2025-12-18T07:00:00Z")

    [first, *_] = world.deliver()

    assert len(first["batchItemFailures"]) == 1  # the batch comes back
    assert sorted(world.outbox.recipients()) == sorted(READERS)  # and then everyone has it, once
    assert not [item for item in ledger_items(world) if item.get("outcome") == "rejected"]


def test_a_malformed_ses_notification_never_costs_the_bounce_delivered_beside_it(world, clock, output):
    """SNS may bring several notifications at once; one we cannot read must not fail the others."""
    subscribe_at_dawn(world, clock, "gone@example.com", "stays@example.com")
    publish_in_the_morning(world, clock, SPACE)
    bounce = events.load("ses/bounce.json")["detail"]
    bounce["bounce"]["bouncedRecipients"][0]["emailAddress"] = "gone@example.com"
    odd = {"eventType": "Bounce", "bounce": {"bounceType": "Permanent", "bouncedRecipients": ["x@example.com", 7]}}
    records = [
        {"Sns": {"Message": "not json at all"}},
        {"Sns": {"Message": json.dumps(odd)}},
        {"Sns": {"Message": json.dumps(["a", "list"])}},
        {"Sns": {"Message": json.dumps(bounce)}},
    ]

    result = world.functions.invoke("RecordMailFeedbackFunction", {"Records": records})
    world.digest("daily", at="2025-12-18T07:00:00Z")

    assert result == {"suppressed": 1}
    assert world.outbox.recipients() == ["stays@example.com"]
    assert sum(output.metric("MailFeedbackNotUnderstood")) == 3
    assert "x@example.com" not in output.text()
