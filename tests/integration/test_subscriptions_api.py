"""The public subscription routes, driven with API Gateway events, on moto."""

from __future__ import annotations

import pytest

from tests.support import events
from tests.support.aws_calls import aws_calls
from tests.support.digests import SesFaults
from tests.support.mail import bodies, link_to, token_of

READER = "reader@example.com"


def first_daily_digest(world, clock):
    """The seed article published after the reader subscribed, and the daily digest it went out in."""
    clock.set("2025-12-17T10:00:00Z")
    world.publish()
    world.digest("daily", at="2025-12-18T07:00:00Z")
    [digest] = [m for m in world.outbox.to(READER) if "digest" in m["Subject"]]
    return digest


def test_subscribing_answers_202_and_the_queued_sign_up_brings_a_confirmation_link(world):
    answer = world.api("POST", "/subscriptions", body=events.subscription())
    assert answer.status == 202 and world.outbox.messages() == []  # queued, not sent inline

    world.deliver_sign_ups()

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


def test_signing_up_makes_the_same_aws_requests_whatever_the_addresses_state(world, clock, monkeypatch):
    """So the time it takes does not tell whether an address is subscribed (issue 9, item 9)."""
    world.subscribe("pending@example.com")
    world.subscribed("member@example.com")
    world.subscribe("gone@example.com")
    world.ses_event("bounce", "gone@example.com")
    world.subscribe("warm-up@example.com", deliver=False)  # a warm container: secrets and clients cached

    requests = {}
    for address in ("new@example.com", "pending@example.com", "member@example.com", "gone@example.com"):
        with aws_calls(monkeypatch) as calls:
            assert world.subscribe(address, deliver=False).status == 202
        requests[address] = calls

    assert all(calls == [("sqs", "SendMessageBatch")] for calls in requests.values()), requests


def test_one_confirmation_per_mailbox_per_fifteen_minutes_whatever_its_tags_and_case(world, clock):
    for n in range(30):
        world.subscribe(f"victim+{n}@example.com")
    world.subscribe("Victim@Example.COM")
    world.subscribe("VICTIM+news@example.com")
    [first] = world.outbox.messages()
    assert str(first["To"]) == "victim+0@example.com"  # the address as given, tag kept

    clock.advance(minutes=14)
    world.subscribe("victim+again@example.com")
    assert len(world.outbox.messages()) == 1

    clock.advance(minutes=2)
    world.subscribe("victim+again@example.com")
    assert world.outbox.recipients() == ["victim+0@example.com", "victim+again@example.com"]


def test_at_most_three_confirmations_a_day_per_mailbox(world, clock):
    clock.set("2025-12-17T08:00:00Z")
    for n in range(6):
        world.subscribe(f"victim+{n}@example.com")
        clock.advance(minutes=20)
    assert len(world.outbox.messages()) == 3

    clock.set("2025-12-18T00:05:00Z")
    world.subscribe("victim+tomorrow@example.com")
    assert len(world.outbox.messages()) == 4


def test_the_hourly_budget_caps_confirmation_emails_for_the_whole_service(world, clock, output):
    world.functions.configure("SendConfirmationsFunction", CONFIRMATION_EMAILS_PER_HOUR="2")
    clock.set("2025-12-17T08:10:00Z")
    for n in range(4):
        world.subscribe(f"reader{n}@example.com")
    assert len(world.outbox.messages()) == 2
    assert sum(output.metric("ConfirmationEmailsOverBudget")) == 2

    clock.set("2025-12-17T09:00:00Z")
    world.subscribe("reader3@example.com")
    assert len(world.outbox.messages()) == 3


def test_a_sign_up_whose_send_was_throttled_is_retried_and_mailed_once(world, monkeypatch):
    SesFaults(throttle={1, 2, 3, 4, 5, 6}).install(monkeypatch)  # every attempt of the first delivery

    world.subscribe(READER, deliver=False)
    [first, *_] = world.deliver_sign_ups()

    assert len(first["batchItemFailures"]) == 1  # back to the queue; its mailbox count is kept for it
    assert world.outbox.recipients() == [READER]


def test_invalid_subscriptions_get_problem_details_for_every_field(world):
    answer = world.api("POST", "/subscriptions", body={"email": "not-an-address", "cadence": "hourly", "admin": True})

    assert answer.status == 422
    assert answer.header("Content-Type") == "application/problem+json"
    assert answer.pointers == ["/admin", "/cadence", "/email"]
    assert world.outbox.messages() == []


def test_a_subscription_must_be_sent_as_json_or_as_a_form(world):
    answer = world.api(
        "POST", "/subscriptions", raw_body="email=reader@example.com", headers={"Content-Type": "text/plain"}
    )

    assert answer.status == 415
    assert answer.header("Accept") == "application/json, application/x-www-form-urlencoded"


def test_no_confirmation_goes_to_a_suppressed_address(world):
    world.ses_event("bounce", READER)

    answer = world.subscribe(READER)

    assert answer.status == 202
    assert world.outbox.messages() == []


def test_opening_the_confirmation_link_changes_nothing_and_its_button_confirms(world, clock):
    """Mail scanners fetch every link in a message: the fetch must not subscribe anyone."""
    world.subscribe(READER)
    link = world.confirmation_link(READER)

    page = world.follow(link)
    scanned_twice = world.follow(link)
    clock.set("2025-12-17T12:00:00Z")
    world.publish()
    world.digest("daily", at="2025-12-18T07:00:00Z")
    assert [m for m in world.outbox.to(READER) if "digest" in m["Subject"]] == []  # still pending

    confirmed = world.follow(link, "POST", form="")

    assert page.status == scanned_twice.status == 200
    assert '<form method="post" action="confirm?token=' in page.body and "Confirm my subscription" in page.body
    assert page.header("Cache-Control") == "no-store"
    assert confirmed.status == 200 and "You are subscribed" in confirmed.body
    assert confirmed.header("Content-Type").startswith("text/html")


def test_the_confirmation_link_of_a_confirmed_subscription_says_so(world):
    world.subscribed(READER)

    page = world.follow(world.confirmation_link(READER))

    assert page.status == 200 and "confirmed already" in page.body and "<form" not in page.body


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

    assert page.status == 200 and '<button class="button" type="submit">Unsubscribe</button>' in page.body
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

    assert answer.status == 422
    # Said in a person's words beside the field, as on the subscribe form, and linked from the summary.
    assert '<p class="error" id="preferences-cadence-error">How often must be one of' in answer.body
    assert '<a href="#preferences-cadence">How often must be one of' in answer.body


# -- when SES refuses a confirmation email (issue 14, item 8) ------------------------------------

NOT_VERIFIED = "Email address is not verified. The following identities failed the check in region US-EAST-1: {}"


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("MessageRejected", NOT_VERIFIED.format("digest@syndicate.example")),  # our sender is not verified
        ("AccessDeniedException", "User is not authorized to perform ses:SendEmail on resource identity/x"),
        ("SendingPausedException", "Sending is paused for this account."),
    ],
)
def test_an_account_refusal_is_logged_with_its_cause_counted_and_the_sign_up_kept_for_a_retry(
    world, monkeypatch, output, code, message
):
    SesFaults(refuse={n: (code, message, 400) for n in range(1, 10)}).install(monkeypatch)

    answer = world.subscribe(READER, deliver=False)
    [first] = world.deliver_sign_ups(rounds=1)

    assert answer.status == 202 and "on its way" in answer.json["detail"]
    assert len(first["batchItemFailures"]) == 1 and len(world.queued("ConfirmationQueue")) == 1
    [log] = [r for r in output.logs() if r["message"] == "confirmation email refused by SES"]
    assert log["level"] == "ERROR" and log["code"] == code and log["retried"] is True
    assert log["detail"] == message.replace("digest@syndicate.example", "<sender>")
    assert output.metric("ConfirmationEmailsRefused") == [1.0]
    assert READER not in output.text()


def test_a_sandbox_refusal_of_the_readers_address_is_logged_counted_and_final(world, monkeypatch, output):
    SesFaults(refuse={1: ("MessageRejected", NOT_VERIFIED.format(READER), 400)}).install(monkeypatch)

    world.subscribe(READER)

    assert world.outbox.messages() == [] and world.queued("ConfirmationQueue") == []
    [log] = [r for r in output.logs() if r["message"] == "confirmation email refused by SES"]
    assert log["level"] == "WARNING" and log["retried"] is False
    assert log["detail"] == NOT_VERIFIED.format("<recipient>")
    assert output.metric("ConfirmationEmailsRefused") == [1.0]
    assert READER not in output.text()


def test_text_typed_at_sign_up_never_becomes_a_link_in_the_confirmation_email(world):
    """Whoever signs an address up chooses its categories: the mail to that inbox must not carry
    their link (sign-up forms are a known way to get text into strangers' inboxes)."""
    world.subscribe(READER, categories=["Win! Visit https://evil.example/prize now", "Space/science journalism"])

    [mail] = world.outbox.to(READER)
    text, html = bodies(mail)
    page = world.follow(world.confirmation_link(READER))

    for shown in (text, html, page.body):
        assert "evil.example" not in shown and "https://evil" not in shown
        assert "Space/science journalism" in shown and "win-visit-https-evil-example-prize-now" in shown


# -- what a flood of sign-ups leaves behind -------------------------------------------------------


def subscriber_items(world) -> dict[str, dict]:
    """Every subscriber item of the table, by address."""
    from syndicate.adapters.clients import client
    from syndicate.adapters.dynamodb import unmarshal

    items = [unmarshal(i) for i in client("dynamodb").scan(TableName=world.stack.name("SubscribersTable"))["Items"]]
    return {item["email"]: item for item in items if item["pk"].startswith("SUBSCRIBER#")}


def test_sign_ups_the_limits_stop_store_nothing_and_unconfirmed_ones_expire(world, clock):
    clock.set("2025-12-17T08:00:00Z")
    for n in range(20):
        world.subscribe(f"victim+{n}@example.com")

    stored = subscriber_items(world)

    assert list(stored) == ["victim+0@example.com"]  # the one that was mailed
    # Forgotten by the table's TTL a day after its link expires, unless confirmed.
    assert stored["victim+0@example.com"]["expires_at"] == 1765958400 + 3 * 86400


def test_confirming_unsubscribing_or_suppressing_keeps_a_record_for_good(world, clock):
    world.subscribed("confirmed@example.com")
    world.subscribe("bounced@example.com")
    world.ses_event("bounce", "bounced@example.com")

    stored = subscriber_items(world)

    assert "expires_at" not in stored["confirmed@example.com"]
    assert "expires_at" not in stored["bounced@example.com"] and stored["bounced@example.com"]["suppressed_at"]


def test_a_second_sign_up_inside_the_limit_still_changes_what_the_first_link_confirms(world, clock):
    world.subscribe(READER, cadence="daily")
    clock.advance(minutes=3)
    world.subscribe(READER, cadence="weekly", categories=["Climate"])

    assert len(world.outbox.to(READER)) == 1
    confirmed = world.confirm(READER)

    assert "weekly digest" in confirmed.body
    assert subscriber_items(world)[READER]["categories"] == ["Climate"]


def test_a_consumer_short_of_time_hands_its_sign_ups_back_untouched(world):
    from tests.support.digests import SenderContext

    for n in range(3):
        world.subscribe(f"reader{n}@example.com", deliver=False)

    [first] = world.deliver_sign_ups(rounds=1, context=SenderContext(remaining_ms=5_000))
    assert len(first["batchItemFailures"]) == 3 and world.outbox.messages() == []

    world.deliver_sign_ups()
    assert sorted(world.outbox.recipients()) == [f"reader{n}@example.com" for n in range(3)]
