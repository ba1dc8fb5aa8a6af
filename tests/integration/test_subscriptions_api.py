"""The public subscription routes, driven with API Gateway events, on moto."""

from __future__ import annotations

from tests.support import events
from tests.support.mail import link_to, token_of

READER = "reader@example.com"


def first_daily_digest(world, clock):
    """The seed article published after the reader subscribed, and the daily digest it went out in."""
    clock.set("2025-12-17T10:00:00Z")
    world.publish()
    world.digest("daily", at="2025-12-18T07:00:00Z")
    [digest] = [m for m in world.outbox.to(READER) if "digest" in m["Subject"]]
    return digest


def test_subscribing_answers_202_and_sends_a_confirmation_link(world):
    answer = world.api("POST", "/subscriptions", body=events.subscription())

    assert answer.status == 202
    [mail] = world.outbox.to(READER)
    assert mail["Subject"] == "Confirm your subscription to Syndicate"
    assert READER not in token_of(world.confirmation_link(READER))


def test_the_answer_is_the_same_for_new_pending_and_subscribed_addresses(world, clock):
    new = world.subscribe("new@example.com")
    world.subscribe("pending@example.com")
    clock.advance(minutes=20)
    pending = world.subscribe("pending@example.com")
    world.subscribed("member@example.com")
    member = world.subscribe("member@example.com")

    assert {(a.status, a.body) for a in (new, pending, member)} == {(new.status, new.body)}


def test_at_most_one_confirmation_mail_per_address_per_fifteen_minutes(world, clock):
    world.subscribe(READER)
    clock.advance(minutes=14)
    world.subscribe(READER)
    assert len(world.outbox.to(READER)) == 1

    clock.advance(minutes=2)
    world.subscribe(READER)
    assert len(world.outbox.to(READER)) == 2


def test_invalid_subscriptions_get_problem_details_for_every_field(world):
    answer = world.api("POST", "/subscriptions", body={"email": "not-an-address", "cadence": "hourly", "admin": True})

    assert answer.status == 422
    assert answer.header("Content-Type") == "application/problem+json"
    assert answer.pointers == ["/admin", "/cadence", "/email"]
    assert world.outbox.messages() == []


def test_a_subscription_must_be_sent_as_json(world):
    answer = world.api(
        "POST",
        "/subscriptions",
        raw_body="email=reader@example.com",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )

    assert answer.status == 415


def test_no_confirmation_goes_to_a_suppressed_address(world):
    world.ses_event("bounce", READER)

    answer = world.subscribe(READER)

    assert answer.status == 202
    assert world.outbox.messages() == []


def test_the_confirmation_link_confirms_with_a_page(world):
    world.subscribe(READER)

    page = world.follow(world.confirmation_link(READER))

    assert page.status == 200 and page.header("Content-Type").startswith("text/html")
    assert "You are subscribed" in page.body
    assert page.header("Cache-Control") == "no-store"


def test_an_expired_confirmation_link_gets_a_clear_page(world, clock):
    world.subscribe(READER)
    clock.advance(days=3)

    page = world.follow(world.confirmation_link(READER))

    assert page.status == 410 and "This link has expired" in page.body
    assert page.header("Content-Type").startswith("text/html")


def test_a_forged_token_gets_a_clear_page(world):
    world.subscribe(READER)
    link = world.confirmation_link(READER)
    forged = link[:-3] + ("AAA" if not link.endswith("AAA") else "BBB")

    page = world.follow(forged)

    assert page.status == 400 and "This link is not valid" in page.body


def test_a_token_made_for_another_purpose_is_refused(world, clock):
    clock.set("2025-12-17T06:00:00Z")
    world.subscribed(READER)
    digest = first_daily_digest(world, clock)
    preferences_token = token_of(link_to(digest, "/subscriptions/preferences"))

    page = world.api(
        "POST",
        "/subscriptions/unsubscribe",
        query={"token": preferences_token},
        raw_body="List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )

    assert page.status == 400 and "not meant for this page" in page.body


def test_one_click_unsubscribe_answers_200_at_once_and_the_next_digest_skips_the_reader(world, clock):
    clock.set("2025-12-17T06:00:00Z")
    world.subscribed(READER)
    world.subscribed("other@example.com")
    digest = first_daily_digest(world, clock)
    one_click = str(digest["List-Unsubscribe"]).split(",")[0].strip("<> ")
    world.outbox.clear()

    answer = world.follow(one_click, "POST", form="List-Unsubscribe=One-Click")
    again = world.follow(one_click, "POST", form="List-Unsubscribe=One-Click")
    clock.set("2025-12-18T10:00:00Z")
    world.publish(events.article("ocean-heatwave-explainer"))
    world.digest("daily", at="2025-12-19T07:00:00Z")

    assert answer.status == 200 and again.status == 200
    assert answer.header("Location") is None and answer.header("Set-Cookie") is None
    assert world.outbox.recipients() == ["other@example.com"]


def test_the_unsubscribe_page_only_shows_a_button(world, clock):
    clock.set("2025-12-17T06:00:00Z")
    world.subscribed(READER)
    digest = first_daily_digest(world, clock)

    page = world.follow(link_to(digest, "/subscriptions/unsubscribe"))

    assert page.status == 200 and '<button type="submit">Unsubscribe</button>' in page.body
    preferences = world.follow(link_to(digest, "/subscriptions/preferences"))
    assert preferences.status == 200  # still subscribed


def test_changing_the_cadence_on_the_preferences_page_moves_the_reader_to_weekly(world, clock):
    clock.set("2025-12-17T06:00:00Z")
    world.subscribed(READER)
    digest = first_daily_digest(world, clock)
    world.outbox.clear()

    saved = world.follow(
        link_to(digest, "/subscriptions/preferences"), "POST", form="cadence=weekly&categories=Climate%2C+Data"
    )
    clock.set("2025-12-18T10:00:00Z")
    world.publish(events.article("ocean-heatwave-explainer"))
    world.digest("daily", at="2025-12-19T07:00:00Z")
    assert world.outbox.messages() == []
    world.digest("weekly", at="2025-12-22T07:00:00Z")

    assert saved.status == 200 and "Your preferences are saved" in saved.body
    assert 'value="weekly" checked' in saved.body and "Climate, Data" in saved.body
    [weekly] = world.outbox.to(READER)
    assert "weekly digest" in weekly["Subject"]


def test_invalid_preferences_redisplay_the_form_with_the_problem(world, clock):
    world.subscribed(READER)
    token = world.token_for(READER, "preferences")

    answer = world.api(
        "POST",
        "/subscriptions/preferences",
        query={"token": token},
        raw_body="cadence=hourly",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )

    assert answer.status == 422 and "/cadence must be one of" in answer.body
