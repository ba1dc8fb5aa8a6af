"""Steps of a reader's journey through the local stack, shared by the end-to-end tests."""

from __future__ import annotations

import re
import time
import uuid
from email import message_from_string, policy
from html import unescape

from syndicate_dev import template as tpl
from syndicate_dev.local.schedules import schedule_name

TEMPLATE = tpl.load()
SCHEDULES = {schedule_name(s.event) for s in tpl.schedules(TEMPLATE)}
ROUTES = {(r.method, r.path) for r in tpl.api_routes(TEMPLATE)}

HAS_FEEDS = "render-feeds" in SCHEDULES
HAS_DIGESTS = "daily-digest" in SCHEDULES and ("POST", "/subscriptions") in ROUTES
WITHOUT_FEEDS = "template.yaml has no render-feeds schedule yet (issue 3 not merged)"
WITHOUT_DIGESTS = "template.yaml has no POST /subscriptions route or daily-digest schedule yet (issue 4 not merged)"


def published_now(document: dict) -> dict:
    """A sample article as published now: a digest only carries articles that became public
    after the reader confirmed, and the samples' dates lie in the past of this machine's clock."""
    return {name: value for name, value in document.items() if name != "published_at"}


def new_reader() -> str:
    return f"reader-{uuid.uuid4().hex[:8]}@example.com"


def emails_to(local_stack, address: str) -> list[dict]:
    return [m for m in local_stack.console("GET", "/outbox.json").json if address in m["to"]]


def parsed(message: dict):
    return message_from_string(message["raw"], policy=policy.default)


def links(message: dict, fragment: str) -> list[str]:
    body = parsed(message).get_body(preferencelist=("html", "plain")).get_content()
    return [unescape(url) for url in re.findall(r"https?://[^\s\"'<>]+", body) if fragment in url]


def wait_for_email(local_stack, address: str, count: int = 1, timeout: float = 30.0) -> list[dict]:
    """The emails to ``address`` once there are ``count``: queued sends (a sign-up's confirmation)
    arrive when the stack's SQS poller has delivered them, a moment after the request."""
    deadline = time.monotonic() + timeout
    while True:
        found = emails_to(local_stack, address)
        if len(found) >= count or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


def subscribe_and_confirm(local_stack, address: str, cadence: str = "daily") -> None:
    answer = local_stack.call(
        "POST", "/subscriptions", body={"email": address, "cadence": cadence, "categories": []}, key=None
    )
    assert answer.status == 202, answer.body
    (confirmation,) = wait_for_email(local_stack, address)
    link = links(confirmation, "confirm")[0]
    page = local_stack.call("GET", link, key=None)  # what a mail scanner's fetch does: nothing
    assert page.status == 200 and 'method="post"' in page.body, page.body
    confirmed = local_stack.call(
        "POST", link, raw_body=b"", headers={"Content-Type": "application/x-www-form-urlencoded"}, key=None
    )
    assert confirmed.status == 200 and "You are subscribed" in confirmed.body, confirmed.body
    welcome = wait_for_email(local_stack, address, count=2)  # queued too: let it arrive before what follows
    assert len(welcome) == 2, [m["subject"] for m in welcome]
    next_second(local_stack)


def next_second(local_stack) -> None:
    """Move the local stack's clock on a second (no waiting on the wall clock).

    The stack records times to the second: a reader confirmed, an article published and a
    digest run within one second are simultaneous to it, and "after the reader confirmed" is
    then false."""
    answer = local_stack.console("POST", "/clock", body={"advance_seconds": 1})
    assert answer.status == 200, answer.body


def run_schedule(local_stack, name: str) -> dict:
    answer = local_stack.console("POST", f"/schedules/{name}")
    assert answer.status == 200, answer.body
    return answer.json
