"""The welcome email after a confirmation, on moto: what the reader chose, the newest articles in
their categories, the links to change that or leave; one per confirmation whatever the confirm
POST, the queue or SES do twice, or lose."""

from __future__ import annotations

import json
from email import message_from_bytes, policy

from tests.support import events
from tests.support.aws_calls import aws_calls
from tests.support.digests import SesFaults
from tests.support.mail import bodies, link_to

READER = "reader@example.com"
SPACE = "Space/science journalism"
GMAIL_CLIPS_AT = 102 * 1024


def welcomes(world, address: str = READER) -> list:
    return [m for m in world.outbox.to(address) if m["Subject"] == "Welcome to Syndicate: you are subscribed"]


def publish_now(world, document: dict | None = None, **changes) -> dict:
    """Published at the clock's now (the samples carry dates of their own)."""
    body = {**(document or events.article("photo-of-the-day")), **changes}
    body.pop("published_at", None)
    return world.publish(body)


def publish_space_and_climate(world, clock) -> list[str]:
    """Five public articles (four in Space, one in Climate), a minute apart; their titles, newest first."""
    titles = []
    for n in range(4):
        clock.advance(minutes=1)
        titles.append(publish_now(world, title=f"Space story {n}")["title"])
    clock.advance(minutes=1)
    publish_now(world, events.article("ocean-heatwave-explainer"))
    return titles[::-1]


def test_confirming_brings_one_welcome_with_the_readers_choices_and_the_latest_in_their_categories(world, clock):
    newest_first = publish_space_and_climate(world, clock)
    world.subscribe(READER, cadence="weekly", categories=[SPACE])

    world.confirm(READER)
    world.deliver_sign_ups()

    [welcome] = welcomes(world)
    text, html = bodies(welcome)
    for part in (text, html):
        assert "weekly" in part and SPACE in part and "once a week" in part
        assert [title for title in newest_first if title in part] == newest_first[:3]  # the three newest, in order
        assert "Space story 0" not in part and "ocean" not in part.lower()
    assert str(welcome["To"]) == READER
    assert welcome["List-Unsubscribe"].startswith("<https://abc123defg.execute-api.us-east-1.amazonaws.com/dev/")
    assert welcome["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert welcome["Message-ID"].startswith("<welcome.sub_")


def test_a_reader_of_every_category_is_shown_the_newest_of_all(world, clock):
    publish_space_and_climate(world, clock)
    world.subscribe(READER)

    world.confirm(READER)
    world.deliver_sign_ups()

    text, _ = bodies(welcomes(world)[0])
    ocean = events.article("ocean-heatwave-explainer")["title"]
    assert "with every category" in text and ocean in text and "Space story 3" in text


def test_a_welcome_before_anything_is_published_says_the_first_digest_is_to_come(world):
    world.subscribed(READER, categories=["Climate"])

    text, html = bodies(welcomes(world)[0])
    assert "Nothing has been published in your categories yet" in text and "Nothing has been published" in html


def test_the_welcome_links_change_the_preferences_and_unsubscribe_in_one_click(world):
    world.subscribed(READER)
    [welcome] = welcomes(world)

    preferences = world.follow(link_to(welcome, "/subscriptions/preferences"))
    one_click = str(welcome["List-Unsubscribe"]).split(",")[0].strip("<> ")
    left = world.follow(one_click, "POST", form="List-Unsubscribe=One-Click")

    assert preferences.status == 200 and "Your digest preferences" in preferences.body
    assert left.status == 200 and "You are unsubscribed" in left.body


def test_the_welcome_is_html_and_text_that_pythons_email_parser_reads_whole(world):
    world.subscribed(READER)
    raw = world.outbox.raw()[-1].encode("utf-8")

    parsed = message_from_bytes(raw, policy=policy.default)

    assert parsed.get_content_type() == "multipart/alternative" and not parsed.defects
    assert [part.get_content_type() for part in parsed.iter_parts()] == ["text/plain", "text/html"]
    assert all(not part.defects for part in parsed.iter_parts())


# -- once per confirmation -------------------------------------------------------------------------


def test_a_double_click_on_confirm_brings_one_welcome(world, output):
    world.subscribe(READER)
    link = world.confirmation_link(READER)

    first = world.follow(link, "POST", form="")
    second = world.follow(link, "POST", form="")
    world.deliver_sign_ups()

    assert first.status == second.status == 200
    assert len(welcomes(world)) == 1
    assert output.metric("WelcomeEmailsSent") == [1.0] and output.metric("WelcomesAlreadySent") == [1.0]


def test_a_confirm_whose_welcome_could_not_be_queued_queues_it_when_the_reader_tries_again(world, monkeypatch):
    """The confirmation is written, then the queue fails: the reader sees an error and presses
    again; that POST finds them subscribed and queues the welcome the first one could not."""
    from syndicate.adapters.queues import QueueWriter

    world.subscribe(READER)
    link = world.confirmation_link(READER)
    real = QueueWriter.send_all
    with monkeypatch.context() as patch:
        patch.setattr(QueueWriter, "send_all", lambda self, bodies: (_ for _ in ()).throw(RuntimeError("SQS is down")))
        failed = world.follow(link, "POST", form="")
    assert QueueWriter.send_all is real
    world.deliver_sign_ups()
    assert failed.status == 500 and welcomes(world) == []

    again = world.follow(link, "POST", form="")
    world.deliver_sign_ups()

    assert again.status == 200 and "You are subscribed" in again.body
    assert len(welcomes(world)) == 1


def test_a_welcome_the_queue_delivers_twice_is_sent_once(world):
    from syndicate.adapters.clients import client

    world.subscribe(READER)
    world.follow(world.confirmation_link(READER), "POST", form="")
    [queued] = world.queued("ConfirmationQueue")
    client("sqs").send_message(QueueUrl=world.stack.name("ConfirmationQueue"), MessageBody=queued["Body"])

    world.deliver_sign_ups()

    assert len(welcomes(world)) == 1


def test_a_welcome_whose_claim_answer_was_lost_is_still_sent_once(world, monkeypatch):
    from syndicate.adapters.clients import client
    from tests.support.faults import LostResponse, no_backoff

    world.subscribe(READER)
    world.follow(world.confirmation_link(READER), "POST", form="")
    no_backoff(monkeypatch)
    world.functions.activate("SendConfirmationsFunction")
    # The claim lands, its answer does not: botocore's retry finds the welcome claimed.
    lost = LostResponse(client("dynamodb"), "UpdateItem")

    world.deliver_sign_ups()

    lost.remove()
    assert lost.sent >= 2 and len(welcomes(world)) == 1


def test_a_throttled_welcome_is_retried_and_sent_once(world, monkeypatch):
    world.subscribe(READER)
    world.follow(world.confirmation_link(READER), "POST", form="")
    SesFaults(throttle={1, 2, 3, 4, 5, 6}).install(monkeypatch)  # every attempt of the first delivery

    [first, *_] = world.deliver_sign_ups()

    assert len(first["batchItemFailures"]) == 1  # its claim given back, the message back to the queue
    assert len(welcomes(world)) == 1


def test_a_crash_after_ses_took_the_welcome_leaves_the_claim_so_none_goes_twice(world, monkeypatch):
    world.subscribe(READER)
    link = world.confirmation_link(READER)
    world.follow(link, "POST", form="")
    SesFaults(crash_after={1}).install(monkeypatch)

    [crashed] = world.deliver_sign_ups(rounds=1)  # the record fails: SQS will deliver it again
    assert len(crashed["batchItemFailures"]) == 1
    world.follow(link, "POST", form="")  # the reader presses again: the welcome is claimed, nothing is queued
    world.deliver_sign_ups()

    assert len(welcomes(world)) == 1 and world.queued("ConfirmationQueue") == []


def test_no_welcome_goes_to_a_reader_who_left_before_it_was_sent(world, output):
    world.subscribe(READER)
    world.follow(world.confirmation_link(READER), "POST", form="")
    token = world.token_for(READER, "unsubscribe")
    world.api(
        "POST",
        "/subscriptions/unsubscribe",
        query={"token": token},
        raw_body="List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )

    world.deliver_sign_ups()

    assert welcomes(world) == [] and output.metric("WelcomesNotDue") == [1.0]


def test_subscribing_again_after_leaving_brings_a_new_welcome(world, clock):
    world.subscribed(READER)
    token = world.token_for(READER, "unsubscribe")
    world.api(
        "POST",
        "/subscriptions/unsubscribe",
        query={"token": token},
        raw_body="List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    clock.advance(hours=1)

    world.subscribed(READER)

    assert len(welcomes(world)) == 2


def test_the_queue_holds_no_address_for_a_welcome(world):
    world.subscribe(READER)
    world.follow(world.confirmation_link(READER), "POST", form="")

    [queued] = world.queued("ConfirmationQueue")

    assert READER not in queued["Body"] and set(json.loads(queued["Body"])) == {"welcome", "confirmed_at"}


# -- bounded -------------------------------------------------------------------------------------


def test_reading_the_latest_articles_takes_at_most_five_queries_whatever_the_categories(world, monkeypatch):
    world.subscribe(READER, categories=[f"Category {n}" for n in range(20)])
    world.follow(world.confirmation_link(READER), "POST", form="")

    with aws_calls(monkeypatch) as calls:
        world.deliver_sign_ups()

    assert calls.count(("dynamodb", "Query")) == 5
    assert len(welcomes(world)) == 1


def test_the_largest_welcome_stays_under_gmails_clipping_size(world, clock):
    """Every field at the contract's limit, in characters that cost the most bytes once encoded
    (nine for a three-byte character in quoted-printable, three for "="), 20 categories of 100."""
    heavy = "語" * 299 + "&"
    categories = [f"{'語' * 97} {n:02d}" for n in range(20)]
    for n in range(5):
        clock.advance(minutes=1)
        publish_now(
            world,
            title=heavy,
            summary="語" * 2000,
            canonical_url="https://example.com/?" + "=" * 2027,
            image={"url": "https://example.com/?" + "=" * 2027, "alt": "語" * 500},
            categories=categories[n * 2 : n * 2 + 2],
        )
    world.subscribe(READER, categories=categories)
    world.confirm(READER)
    world.deliver_sign_ups()

    raw = world.outbox.raw()[-1].encode("utf-8")
    [welcome] = welcomes(world)
    text, html = bodies(welcome)

    assert len(raw) <= 100_000 < GMAIL_CLIPS_AT, len(raw)
    assert html.count(heavy.replace("&", "&amp;")) == text.count(heavy) >= 1  # as many articles as fit
    assert all(category in text and category in html for category in categories)
    print(f"largest welcome: {len(raw)} bytes raw, {text.count(heavy)} articles, {len(html.encode())} bytes of HTML")
