"""Each reader's links go only where the digest template put them, whatever the articles hold.

The articles below carry, in every field a publisher controls, the markers an edition's
personalisation has used, Jinja syntax, and look-alikes of the MIME slots; the readers' tokens
must appear in the footer links and the List-Unsubscribe header, and nowhere else.
"""

from __future__ import annotations

from html.parser import HTMLParser

from tests.support import events
from tests.support.mail import bodies

READERS = ("ann@example.com", "bob@example.com")
# What a hostile publisher would try: the old placeholders, template syntax, the skeleton's slots.
BAIT = (
    "@@UNSUBSCRIBE_URL@@ @@PREFERENCES_URL@@ {{ unsubscribe_url }} {{ preferences_url }} {% raw %}"
    " https://slot.invalid/unsubscribe-slot to-slot@slot.invalid <message-id-slot@slot.invalid>"
    " TEXTBODYSLOT HTMLBODYSLOT"
)


def baited_article() -> dict:
    document = events.article("photo-of-the-day")
    tracker = "https://tracker.example/p.gif?u=@@UNSUBSCRIBE_URL@@&p=@@PREFERENCES_URL@@&s=https://slot.invalid/unsubscribe-slot"
    return {
        **document,
        "title": "https://slot.invalid/unsubscribe-slot TEXTBODYSLOT @@UNSUBSCRIBE_URL@@",
        "summary": BAIT,
        "body": f"{BAIT}\n\n[link]({tracker})",
        "authors": [{"name": BAIT[:100]}] if isinstance(document.get("authors"), list) else document.get("authors"),
        "tags": ["@@UNSUBSCRIBE_URL@@", "{{ preferences_url }}"],
        "image": {**document["image"], "url": tracker, "alt": BAIT[:200], "caption": BAIT[:200]},
        "canonical_url": tracker,
    }


class Links(HTMLParser):
    """Every href in an HTML part, with the text of its link."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str]] = []
        self._open: list[str] | None = None
        self._href = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._href, self._open = dict(attrs).get("href") or "", []

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._open.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._open is not None:
            self.found.append((self._href, "".join(self._open).strip()))
            self._open = None


def test_reader_tokens_appear_only_in_the_footer_links_and_the_list_unsubscribe_header(world, clock):
    clock.set("2025-12-17T06:00:00Z")
    for reader in READERS:
        world.subscribed(reader)
    clock.set("2025-12-17T10:00:00Z")
    world.publish(baited_article())
    world.outbox.clear()

    clock.set("2025-12-18T07:00:00Z")
    world.digest("daily", at="2025-12-18T07:00:00Z")

    for reader in READERS:
        [mail] = world.outbox.to(reader)
        tokens = {purpose: world.token_for(reader, purpose) for purpose in ("unsubscribe", "preferences")}
        text, html = (part.replace("\r\n", "\n") for part in bodies(mail))
        raw = mail.as_string()
        for purpose, token in tokens.items():
            # Text part: exactly the footer line naming the link.
            [line] = [line for line in text.splitlines() if token in line]
            label = "Unsubscribe:" if purpose == "unsubscribe" else "Change your preferences:"
            assert line.startswith(label) and text.index(line) > text.index("\n--\n")
            # HTML part: exactly the footer link, and the token nowhere else.
            parser = Links()
            parser.feed(html)
            with_token = [(href, label) for href, label in parser.found if token in href]
            assert [label for _, label in with_token] == [
                "Unsubscribe" if purpose == "unsubscribe" else "Change your preferences"
            ]
            assert html.count(token) == 1
            # Headers: only List-Unsubscribe, and only the unsubscribe token.
            headers = [name for name, value in mail.items() if token in str(value)]
            assert headers == (["List-Unsubscribe"] if purpose == "unsubscribe" else [])
            assert raw.count(token) <= 3  # header + one per part (quoted-printable may wrap nothing)
        # The other reader's tokens are not in this reader's mail at all.
        other = next(r for r in READERS if r != reader)
        for purpose in ("unsubscribe", "preferences"):
            assert world.token_for(other, purpose) not in raw
        # The bait arrived as the text it is.
        assert "@@UNSUBSCRIBE_URL@@" in text and "https://slot.invalid/unsubscribe-slot" in str(mail["Subject"])
