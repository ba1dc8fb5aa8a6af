"""Every digest stays under Gmail's clipping size, however large the edition the contract allows."""

from __future__ import annotations

from typing import Any

from syndicate import contract
from syndicate.digests.edition import MAX_ARTICLES
from syndicate.mailing.size import CLIP_BYTES, LONGEST_ADDRESS
from tests.support.mail import bodies

# Characters that cost the most bytes once in the message: a four-byte character is twelve in
# quoted-printable; "&" is five in HTML ("&amp;"). Every field at its maximum length.
WIDE = "\U0001d54f"  # MATHEMATICAL DOUBLE-STRUCK CAPITAL X


def widest_url(schema_limit: int = 2048) -> str:
    start = "https://news.example/a?"
    return start + "&" * (schema_limit - len(start))


def largest_article(n: int) -> dict[str, Any]:
    document = {
        "title": f"{n:02d}" + WIDE * 298,
        "summary": WIDE * 2000,
        "body": "Body.",
        "categories": ["Space/science journalism"],
        "canonical_url": widest_url(),
        "image": {"url": widest_url(), "alt": WIDE * 500},
        "published_at": f"2025-12-17T{10 + n // 60:02d}:{n % 60:02d}:00Z",
    }
    assert contract.violations("article", document) == [], "the test article must pass the contract"
    return document


def shown(text: str) -> tuple[int, int, int]:
    """Articles in full, listed by title, and counted in the link to the site, in a digest's text."""
    counted = [line for line in text.splitlines() if " more article" in line and "on the site" in line]
    return text.count("\nRead: "), text.count("\n- "), int(counted[0].split()[0]) if counted else 0


def test_the_largest_edition_the_contract_allows_stays_under_gmails_clipping_size(world, clock):
    clock.set("2025-12-17T06:00:00Z")
    world.subscribed(LONGEST_ADDRESS)
    clock.set("2025-12-17T10:00:00Z")
    for n in range(MAX_ARTICLES + 2):
        world.publish(largest_article(n))
    world.outbox.clear()

    world.digest("daily", at="2025-12-18T07:00:00Z")

    [raw] = world.outbox.raw()
    assert len(raw.encode("utf-8")) <= CLIP_BYTES  # the whole MIME message, as SES received it
    [mail] = world.outbox.messages()
    text, html = bodies(mail)
    full, listed, counted = shown(text)
    assert full >= 1 and full + listed + counted == MAX_ARTICLES
    assert "31" + WIDE * 10 in text.split("\nRead: ")[0]  # the newest article comes first, in full
    assert "/subscriptions/unsubscribe?token=" in text and ">Unsubscribe</a>" in html
    assert mail["List-Unsubscribe"].startswith("<")


def test_an_edition_of_ordinary_articles_shows_every_one_in_full(world, clock):
    clock.set("2025-12-17T06:00:00Z")
    world.subscribed("reader@example.com")
    clock.set("2025-12-17T10:00:00Z")
    for n in range(MAX_ARTICLES):
        world.publish(title=f"Article {n} of the day", published_at=f"2025-12-17T10:{n:02d}:00Z")
    world.outbox.clear()

    world.digest("daily", at="2025-12-18T07:00:00Z")

    [raw] = world.outbox.raw()
    assert len(raw.encode("utf-8")) <= CLIP_BYTES
    assert shown(bodies(world.outbox.messages()[0])[0]) == (MAX_ARTICLES, 0, 0)
