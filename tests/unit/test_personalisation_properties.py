"""Properties of per-recipient personalisation (hypothesis): whatever the text, each reader's
links go exactly where the template put a slot, and nowhere else."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email import message_from_bytes, policy

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from syndicate.articles.model import Article
from syndicate.digests.edition import DigestEdition
from syndicate.digests.rendering import EditionRenderer
from syndicate.mailing.message import MessageTemplate, Personal, SenderProfile
from syndicate.mailing.slots import Slot

SENDER = SenderProfile("digest@syndicate.example", "Syndicate", "Syndicate digest <digest.syndicate.example>")
DATE = datetime(2025, 12, 18, 7, tzinfo=UTC)
EDITION = DigestEdition("daily", (), "2025-12-17T07:00:00Z", "2025-12-18T07:00:00Z")
RENDERER = EditionRenderer("https://site.example", "Syndicate")
# Whatever a publisher or a reader could type, lone surrogates and line separators included.
TEXT = st.text(st.characters(codec=None), max_size=60)
# What the old placeholders and template syntax look like, mixed into arbitrary text.
BAITED = st.lists(
    st.one_of(
        TEXT,
        st.sampled_from(
            ["@@UNSUBSCRIBE_URL@@", "@@PREFERENCES_URL@@", "{{ unsubscribe_url }}", "{% raw %}", "slot", "\r", "\u2028"]
        ),
    ),
    max_size=6,
).map("".join)
TOKEN = st.text("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.", min_size=8, max_size=40)


def personal(token: str, to: str = "reader@example.com") -> Personal:
    return Personal(
        to,
        "edition.sub_1@syndicate.example",
        f"https://api.example/dev/subscriptions/unsubscribe?token=u{token}",
        f"https://api.example/dev/subscriptions/preferences?token=p{token}&x=1",
    )


def lines(text: str) -> str:
    return re.sub("\r\n|\r|\n", "\n", text)


@settings(max_examples=150, deadline=None)
@given(body=st.lists(st.one_of(TEXT, st.sampled_from(list(Slot))), max_size=8), token=TOKEN)
def test_each_slot_is_filled_with_its_link_and_the_literal_text_arrives_as_it_was(body, token):
    reader = personal(token)
    expected_text = "".join(p if isinstance(p, str) else reader.link(p) for p in body)
    escaped = {
        Slot.UNSUBSCRIBE_URL: reader.unsubscribe_url,
        Slot.PREFERENCES_URL: reader.preferences_url.replace("&", "&amp;"),
    }
    expected_html = "".join(p if isinstance(p, str) else escaped[p] for p in body)
    template = MessageTemplate(SENDER, "Subject", tuple(body), tuple(body), DATE)

    message = message_from_bytes(template.personalise(reader), policy=policy.default)

    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert lines(text).rstrip("\n") == lines(expected_text.encode("utf-8", "replace").decode()).rstrip("\n")
    assert lines(html).rstrip("\n") == lines(expected_html.encode("utf-8", "replace").decode()).rstrip("\n")
    assert message["To"] == reader.to and message["List-Unsubscribe"] == f"<{reader.unsubscribe_url}>"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=BAITED, summary=BAITED, alt=BAITED, subject_name=BAITED, token=TOKEN)
def test_publisher_text_never_becomes_a_slot_nor_a_reader_link(title, summary, alt, subject_name, token):
    article = Article(
        id="a" * 32,
        publisher_id="pub_alice",
        version=1,
        status="published",
        title=title,
        categories=("Space",),
        published_at="2025-12-17T09:00:00Z",
        created_at="2025-12-17T09:00:00Z",
        updated_at="2025-12-17T09:00:00Z",
        content_hash="0" * 64,
        extras={"summary": summary, "image": {"url": "https://img.example/@@UNSUBSCRIBE_URL@@", "alt": alt}},
    )
    rendered = RENDERER.render(EDITION, [article])
    sender = SenderProfile("digest@syndicate.example", subject_name or "S", "Syndicate digest <list.example>")

    # The slots are exactly the template's two footer links, in both parts.
    assert [p for p in rendered.text if isinstance(p, Slot)] == [Slot.PREFERENCES_URL, Slot.UNSUBSCRIBE_URL]
    assert [p for p in rendered.html if isinstance(p, Slot)] == [Slot.PREFERENCES_URL, Slot.UNSUBSCRIBE_URL]
    reader = personal(token)
    raw = MessageTemplate(sender, rendered.subject, rendered.text, rendered.html, DATE).personalise(reader)
    message = message_from_bytes(raw, policy=policy.default)
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    for link in (reader.unsubscribe_url, reader.preferences_url):
        assert text.count(link) == 1
        assert html.count(link.replace("&", "&amp;")) == 1
    assert [name for name, value in message.items() if reader.unsubscribe_url in str(value)] == ["List-Unsubscribe"]
    assert [name for name, value in message.items() if reader.preferences_url in str(value)] == []
    assert "\n" not in str(message["Subject"]) and message["Subject"].startswith("Syndicate daily digest:")
