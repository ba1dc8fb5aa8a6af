"""Emails never carry a relative reference: a digest read in an inbox has no article URL to resolve
one against. A digest shows each article's title, summary, photo and link (the body stays on the
article's page), so an article whose body links relatively still gives a digest of absolute links."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from tests.support import events
from tests.support.mail import bodies


class _References(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.extend(value or "" for name, value in attrs if name in ("href", "src", "action", "background"))


def test_a_digest_of_an_article_with_relative_links_holds_only_absolute_references(world, clock):
    clock.set("2025-12-17T06:00:00Z")
    world.subscribed("reader@example.com")
    clock.set("2025-12-17T10:00:00Z")
    body = "See [the archive](../archive/), [a note](#note) and ![a chart](chart.png)."
    world.publish(events.article("ocean-heatwave-explainer"), body=body)
    world.outbox.clear()

    world.digest("daily", at="2025-12-18T07:00:00Z")

    [digest] = world.outbox.to("reader@example.com")
    references = _References()
    references.feed(bodies(digest)[1])
    assert references.found
    assert all(re.match(r"^(https?|mailto):", reference) for reference in references.found), references.found
