"""A reader's whole journey over HTTP: publish -> feeds -> subscribe -> confirm (link from the
outbox) -> digest -> one-click unsubscribe -> the next digest skips the reader."""

from __future__ import annotations

import feedparser

from tests.e2e import flows
from tests.support import events


def test_a_published_article_appears_in_the_feed_served_from_the_site_bucket(local_stack):
    seed = events.article("photo-of-the-day")
    assert local_stack.call("POST", "/articles", body=seed).status == 201

    flows.run_schedule(local_stack, "render-feeds")
    feed = local_stack.call("GET", f"{local_stack.base_url}/feeds/rss.xml", key=None)
    again = local_stack.call(
        "GET", f"{local_stack.base_url}/feeds/rss.xml", key=None, headers={"If-None-Match": feed.header("ETag")}
    )

    assert feed.status == 200
    assert feed.header("Content-Type").startswith("application/rss+xml")
    assert seed["title"] in [entry.title for entry in feedparser.parse(feed.body).entries]
    assert again.status == 304


def test_a_reader_subscribes_gets_a_digest_unsubscribes_in_one_click_and_gets_no_more(local_stack):
    reader = flows.new_reader()
    flows.subscribe_and_confirm(local_stack, reader)
    seed = flows.published_now(events.article("photo-of-the-day"))
    assert local_stack.call("POST", "/articles", body=seed).status == 201
    flows.run_schedule(local_stack, "render-feeds")

    flows.next_second(local_stack)
    flows.run_schedule(local_stack, "daily-digest")
    digest = flows.emails_to(local_stack, reader)[-1]
    message = flows.parsed(digest)
    assert seed["title"] in message.get_body(preferencelist=("html",)).get_content()
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = (
        next(url.strip("<>") for url in str(message["List-Unsubscribe"]).split(",") if "http" in url)
        .strip()
        .strip("<>")
    )
    answer = local_stack.call(
        "POST",
        unsubscribe,
        raw_body=b"List-Unsubscribe=One-Click",
        key=None,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert answer.status == 200
    sent_before = len(flows.emails_to(local_stack, reader))

    assert (
        local_stack.call(
            "POST", "/articles", body=flows.published_now(events.article("ocean-heatwave-explainer"))
        ).status
        == 201
    )
    flows.next_second(local_stack)
    flows.run_schedule(local_stack, "daily-digest")

    assert len(flows.emails_to(local_stack, reader)) == sent_before
