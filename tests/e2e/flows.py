"""Steps of a reader's journey through the local stack, shared by the end-to-end tests."""

from __future__ import annotations

import re
import uuid
from email import message_from_string, policy
from html import unescape
from urllib.parse import urlencode

from syndicate_dev.local.demo import post_form


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


def subscribe(local_stack, address: str, cadence: str = "daily") -> None:
    """Sign up; returns once the confirmation email has been sent (from a queue or not)."""
    answer = local_stack.call(
        "POST", "/subscriptions", body={"email": address, "cadence": cadence, "categories": []}, key=None
    )
    assert answer.status == 202, answer.body
    drain_queues(local_stack)


def subscribe_and_confirm(local_stack, address: str, cadence: str = "daily") -> None:
    subscribe(local_stack, address, cadence)
    (confirmation,) = emails_to(local_stack, address)
    confirmed = confirm(local_stack, links(confirmation, "confirm")[0])
    assert confirmed.status == 200, confirmed.body
    assert "You are subscribed" in confirmed.body, confirmed.body
    next_second(local_stack)


def confirm(local_stack, link: str):
    """Open the confirmation link, which only shows a button (a mail scanner's fetch confirms
    nothing), and press the button."""
    page = local_stack.call("GET", link, key=None)
    assert page.status == 200, page.body
    form = post_form(page.body, link)
    assert form is not None, f"the confirmation page has no button to press: {page.body}"
    action, fields = form
    return local_stack.call(
        "POST",
        action,
        raw_body=urlencode(fields).encode(),
        key=None,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )


def next_second(local_stack) -> None:
    """Move the local stack's clock on a second (no waiting on the wall clock).

    The stack records times to the second: a reader confirmed, an article published and a
    digest run within one second are simultaneous to it, and "after the reader confirmed" is
    then false."""
    answer = local_stack.console("POST", "/clock", body={"advance_seconds": 1})
    assert answer.status == 200, answer.body


def drain_queues(local_stack) -> dict:
    answer = local_stack.console("POST", "/queues/drain")
    assert answer.status == 200, answer.body
    assert answer.json["queues_drained"] is True, answer.body
    return answer.json


def run_schedule(local_stack, name: str) -> dict:
    answer = local_stack.console("POST", f"/schedules/{name}")
    assert answer.status == 200, answer.body
    return answer.json
