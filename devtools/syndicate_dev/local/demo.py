"""Demo data for ``syndicate local --demo``, put in through the HTTP API as a user would: a
confirmed subscriber (when the template has the subscription routes), every valid sample
article of events/articles/ (the seed first), the feeds rendered and a daily digest sent."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from collections.abc import Callable
from html import unescape
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlencode, urljoin

from syndicate_dev import template as tpl
from syndicate_dev.local.stack import LocalStack

SEED = "photo-of-the-day"
DEMO_READER = "reader@example.com"


def sample_articles() -> list[tuple[str, Any]]:
    """(name, document) of every sample article, the seed first."""
    paths = sorted((tpl.REPO / "events" / "articles").glob("*.json"), key=lambda p: (p.stem != SEED, p.stem))
    return [(path.stem, json.loads(path.read_text(encoding="utf-8"))) for path in paths]


def http(
    method: str, url: str, *, body: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=300) as answer:
            return answer.status, dict(answer.headers.items()), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers.items()), error.read()


def has_route(stack: LocalStack, method: str, path: str) -> bool:
    return any(r.path == path and r.method in (method, "ANY") for r in stack.gateway.routes_for_console())


def links(text: str, fragment: str) -> list[str]:
    return [unescape(url) for url in re.findall(r"https?://[^\s\"'<>]+", text) if fragment in url]


def subscribe_and_confirm(stack: LocalStack, email: str, say: Callable[[str], None]) -> bool:
    if not has_route(stack, "POST", "/subscriptions"):
        say("  (skipped the demo subscriber: template.yaml has no POST /subscriptions route)")
        return False
    document = {"email": email, "cadence": "daily", "categories": []}
    status, _, body = http(
        "POST",
        f"{stack.api_url}/subscriptions",
        body=json.dumps(document).encode(),
        headers={"Content-Type": "application/json"},
    )
    if status >= 300:
        say(f"  (subscribing {email} answered {status}: {body[:200]!r})")
        return False
    http("POST", f"{stack.base_url}/_local/queues/drain")  # a confirmation sent from a queue has left
    confirm = [
        url
        for message in stack.outbox.messages()
        if email in message.to
        for url in links(message.part("plain") or message.part("html") or "", "confirm")
    ]
    if not confirm:
        say(f"  (no confirmation link reached {email}; see the console)")
        return False
    status = confirm_subscription(confirm[-1])
    say(f"  subscribed and confirmed {email} (daily digest): {status}")
    return status < 400


def confirm_subscription(link: str) -> int:
    """Follow a confirmation link as a reader does: open it, and press the page's button when
    the page asks for one (mail scanners only ever GET)."""
    status, _, page = http("GET", link)
    form = post_form(page.decode("utf-8", "replace"), link)
    if status >= 400 or form is None:
        return status
    action, fields = form
    status, _, _ = http(
        "POST",
        action,
        body=urlencode(fields).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    return status


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, list[tuple[str, str]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if tag == "form" and found.get("method", "get").lower() == "post":
            self.forms.append((found.get("action", ""), []))
        elif tag in ("input", "button") and self.forms and found.get("name"):
            self.forms[-1][1].append((found["name"], found.get("value", "")))


def post_form(page: str, base_url: str) -> tuple[str, list[tuple[str, str]]] | None:
    """The first POST form of an HTML page: its absolute action and its named fields."""
    parser = _Forms()
    parser.feed(page)
    if not parser.forms:
        return None
    action, fields = parser.forms[0]
    return urljoin(base_url, action or base_url), fields


def publish_samples(stack: LocalStack, say: Callable[[str], None]) -> list[str]:
    from syndicate import contract
    from syndicate.clock import isoformat

    published = []
    now = isoformat(stack.clock())
    for name, document in sample_articles():
        if contract.violations("article", document):
            continue
        if document.get("published_at", now) < now:
            # As of now, so the demo reader's digest (articles that became public since they
            # confirmed) carries them; scheduled samples keep their future date.
            document = {key: value for key, value in document.items() if key != "published_at"}
        status, _, body = http(
            "POST",
            f"{stack.api_url}/articles",
            body=json.dumps(document).encode(),
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {stack.api_key}"},
        )
        if status == 201:
            article = json.loads(body)
            published.append(article["id"])
            say(f"  published {name} -> {stack.api_url}/articles/{article['id']} ({article.get('status')})")
        else:
            say(f"  publishing {name} answered {status}: {body[:200]!r}")
    return published


def run_schedule(stack: LocalStack, name: str, say: Callable[[str], None]) -> bool:
    if name not in stack.scheduler.schedules:
        say(f"  (skipped {name}: template.yaml has no such schedule)")
        return False
    status, _, body = http("POST", f"{stack.base_url}/_local/schedules/{name}")
    say(f"  ran {name}: {status}" + ("" if status == 200 else f" {body[:300]!r}"))
    return status == 200


def next_second(stack: LocalStack) -> None:
    """Times are kept to the second: confirming, publishing and the digest must not share one,
    or the articles would not count as published after the reader confirmed. The stack's clock
    is moved on a second instead of waiting for the wall clock."""
    stack.clock.advance(1)


def run(stack: LocalStack, say: Callable[[str], None] = print) -> None:
    say("Demo data:")
    subscribed = subscribe_and_confirm(stack, DEMO_READER, say)
    if subscribed:
        next_second(stack)
    publish_samples(stack, say)
    run_schedule(stack, "render-feeds", say)
    if subscribed:
        next_second(stack)
        run_schedule(stack, "daily-digest", say)
    say("Where to look:")
    if stack.site.bucket:
        feeds = "  ".join(f"{stack.site_url}/feeds/{name}" for name in ("rss.xml", "atom.xml", "feed.json"))
        say(f"  feeds      {feeds}")
    say(f"  articles   curl -H 'Authorization: Bearer {stack.api_key}' {stack.api_url}/articles")
    say(f"  emails     {stack.base_url}/_local/#outbox")
