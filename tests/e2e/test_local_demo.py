"""`syndicate local --demo` (what `make local` runs): samples published, feeds and the site rendered,
and a confirmed demo reader whose digest is already in the outbox."""

from __future__ import annotations

import json
import urllib.request


def read(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as answer:
        return answer.read().decode("utf-8")


def test_the_demo_leaves_feeds_a_site_and_a_digest_for_the_demo_reader(demo_stack):
    outbox = json.loads(read(f"{demo_stack.base_url}/_local/outbox.json"))
    feed = read(f"{demo_stack.base_url}/feeds/rss.xml")
    home = read(f"{demo_stack.base_url}/")

    assert any(
        "digest" in message["subject"].lower() and "reader@example.com" in message["to"] for message in outbox
    ), demo_stack.printed
    assert "Crewed Russian spacecraft" in feed
    assert "Crewed Russian spacecraft" in home and "Latest articles" in home
    assert f"  site       {demo_stack.base_url}/\n" in demo_stack.printed
