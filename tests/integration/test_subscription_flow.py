"""Subscribe -> confirm -> publish -> daily digest, end to end through the handlers, on moto."""

from __future__ import annotations

from email.utils import parseaddr

from tests.support import events
from tests.support.mail import bodies, link_to, links

READER = "reader@example.com"


def subscribed_and_published(world, clock):
    clock.set("2025-12-17T08:00:00Z")
    world.subscribed(READER)
    clock.set("2025-12-17T10:00:00Z")
    article = world.publish()
    world.outbox.clear()
    return article


def test_daily_digest_brings_the_seed_article_in_both_parts(world, clock):
    article = subscribed_and_published(world, clock)

    world.digest("daily", at="2025-12-18T07:00:00Z")

    [mail] = world.outbox.to(READER)
    text, html = bodies(mail)
    seed = events.article("photo-of-the-day")
    assert seed["title"] in text and seed["summary"] in text and seed["canonical_url"] in text
    assert seed["title"] in html.replace("&#39;", "'") and seed["image"]["url"] in html
    assert f'href="{seed["canonical_url"]}"' in html
    assert article["title"] == seed["title"]  # the digest carries the article the test published


def test_digest_carries_every_required_header(world, clock):
    subscribed_and_published(world, clock)

    world.digest("daily", at="2025-12-18T07:00:00Z")

    [mail] = world.outbox.to(READER)
    assert mail["From"].addresses[0].display_name == "Syndicate"
    assert mail["From"].addresses[0].addr_spec == "digest@syndicate.example"
    assert parseaddr(str(mail["To"]))[1] == READER
    assert mail["Subject"].startswith("Syndicate daily digest: Crewed Russian spacecraft")
    assert mail["Date"] and mail["Message-ID"].endswith("@syndicate.example>")
    assert mail["List-Id"] == "Syndicate digest <digest.syndicate.example>"
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    names = [name.lower() for name in mail]
    assert names.index("list-unsubscribe") < names.index("list-unsubscribe-post")
    unsubscribe = str(mail["List-Unsubscribe"]).strip("<>")
    assert unsubscribe.startswith(
        "https://abc123defg.execute-api.us-east-1.amazonaws.com/dev/subscriptions/unsubscribe?token="
    )


def test_both_parts_show_the_unsubscribe_and_preferences_links(world, clock):
    subscribed_and_published(world, clock)

    world.digest("daily", at="2025-12-18T07:00:00Z")

    [mail] = world.outbox.to(READER)
    text, html = bodies(mail)
    header_link = str(mail["List-Unsubscribe"]).strip("<>")
    assert header_link in links(text) and header_link in links(html)
    assert link_to(mail, "/subscriptions/preferences")


def test_preferences_link_from_the_digest_opens_the_form(world, clock):
    subscribed_and_published(world, clock)
    world.digest("daily", at="2025-12-18T07:00:00Z")
    [mail] = world.outbox.to(READER)

    page = world.follow(link_to(mail, "/subscriptions/preferences"))

    assert page.status == 200
    assert page.header("Content-Type").startswith("text/html")
    assert READER in page.body and 'value="daily" checked' in page.body


def test_running_the_schedule_again_sends_nothing_more(world, clock):
    subscribed_and_published(world, clock)
    world.digest("daily", at="2025-12-18T07:00:00Z")

    world.digest("daily", at="2025-12-18T07:00:00Z")  # the same run, retried
    world.digest("daily", at="2025-12-18T07:30:00Z")  # a manual run later

    assert len(world.outbox.to(READER)) == 1
