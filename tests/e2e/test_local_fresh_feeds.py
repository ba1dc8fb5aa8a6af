"""Feeds fresh within seconds on the local stack: a publish reaches /feeds/rss.xml through the
ArticlesTable stream and the render it triggers, without anyone running the schedule."""

from __future__ import annotations

import time
import uuid

from tests.e2e import flows
from tests.support import events

DEADLINE_SECONDS = 15.0  # the target is 5 s at the 95th percentile; this bounds a slow machine


def stream_batches(local_stack) -> int:
    described = local_stack.console("GET", "/stack.json").json
    (source,) = [s for s in described["stream_sources"] if s["function"] == "RenderFeedsFunction"]
    return int(source["batches"])


def feed_holds(local_stack, text: str) -> bool:
    feed = local_stack.call("GET", f"{local_stack.base_url}/feeds/rss.xml", key=None)
    return feed.status == 200 and text in feed.body


def wait_for_feed(local_stack, text: str) -> float:
    started = time.monotonic()
    while time.monotonic() - started < DEADLINE_SECONDS:
        if feed_holds(local_stack, text):
            return time.monotonic() - started
        time.sleep(0.05)  # the local stack runs for real here: poll it, within a deadline
    raise AssertionError(f"/feeds/rss.xml did not hold {text!r} within {DEADLINE_SECONDS} s")


def test_a_publish_is_in_the_feed_within_seconds_without_the_schedule(local_stack):
    title = f"Fresh within seconds {uuid.uuid4().hex[:8]}"
    before = stream_batches(local_stack)

    document = {**flows.published_now(events.article("ocean-heatwave-explainer")), "title": title}
    answer = local_stack.call("POST", "/articles", body=document)
    assert answer.status == 201, answer.body
    waited = wait_for_feed(local_stack, title)

    assert waited < DEADLINE_SECONDS
    assert stream_batches(local_stack) > before  # the stream delivered it, not a schedule


def test_a_retraction_leaves_the_feed_within_seconds_without_the_schedule(local_stack):
    title = f"Retracted within seconds {uuid.uuid4().hex[:8]}"
    document = {**flows.published_now(events.article("ocean-heatwave-explainer")), "title": title}
    answer = local_stack.call("POST", "/articles", body=document)
    assert answer.status == 201, answer.body
    wait_for_feed(local_stack, title)

    assert local_stack.call("DELETE", f"/articles/{answer.json['id']}").status == 204
    started = time.monotonic()
    while feed_holds(local_stack, title) and time.monotonic() - started < DEADLINE_SECONDS:
        time.sleep(0.05)

    assert not feed_holds(local_stack, title)
