"""Editions rendered once and personalised per recipient, without AWS."""

from __future__ import annotations

from datetime import UTC, datetime
from email import message_from_string, policy

from syndicate.articles.model import Article
from syndicate.digests.edition import DigestEdition
from syndicate.digests.rendering import PREFERENCES_SLOT, UNSUBSCRIBE_SLOT, EditionRenderer
from syndicate.mailing.message import MessageTemplate, Personal, SenderProfile

SENDER = SenderProfile(
    "digest@syndicate.example",
    "Syndicate Désk",
    "Syndicate digest <digest.syndicate.example>",
    unsubscribe_mailto="unsubscribe@syndicate.example",
)
EDITION = DigestEdition("daily", (), "2025-12-17T07:00:00Z", "2025-12-18T07:00:00Z")


def article(title: str = "Moon <script>alert(1)</script> & stars", **extras) -> Article:
    return Article(
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
        extras={"summary": "A summary.", "canonical_url": "https://news.example/moon", **extras},
    )


def personalised(
    rendered, to="reader@example.com", unsubscribe="https://api.example/dev/subscriptions/unsubscribe?token=abc.def"
):
    template = MessageTemplate(
        SENDER,
        rendered.subject,
        rendered.text,
        rendered.html,
        datetime(2025, 12, 18, 7, tzinfo=UTC),
        slots={UNSUBSCRIBE_SLOT: "unsubscribe_url", PREFERENCES_SLOT: "preferences_url"},
    )
    raw = template.personalise(
        Personal(
            to,
            "edition.sub_1@syndicate.example",
            unsubscribe,
            "https://api.example/dev/subscriptions/preferences?token=p.q",
        )
    )
    return message_from_string(raw.decode("utf-8"), policy=policy.default)  # as a mailbox stores it


def test_titles_are_escaped_in_the_html_part():
    rendered = EditionRenderer("https://site.example", "Syndicate").render(EDITION, [article()])
    assert "<script>" not in rendered.html and "&lt;script&gt;" in rendered.html


def test_css_is_inlined_into_the_html_part():
    rendered = EditionRenderer("https://site.example", "Syndicate").render(EDITION, [article()])
    assert "<style" not in rendered.html and 'style="' in rendered.html


def test_the_personalised_message_parses_with_every_header():
    message = personalised(EditionRenderer("https://site.example", "Syndicate").render(EDITION, [article()]))

    assert message["From"].addresses[0].display_name == "Syndicate Désk"
    assert message["To"] == "reader@example.com"
    assert message["Message-ID"] == "<edition.sub_1@syndicate.example>"
    assert message["List-Unsubscribe"] == (
        "<https://api.example/dev/subscriptions/unsubscribe?token=abc.def>, "
        "<mailto:unsubscribe@syndicate.example?subject=unsubscribe>"
    )
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.get_content_type() == "multipart/alternative"


def test_links_reach_both_parts_intact_for_every_recipient():
    rendered = EditionRenderer("https://site.example", "Syndicate").render(EDITION, [article()])
    for n in range(3):
        url = f"https://api.example/dev/subscriptions/unsubscribe?token=tok{n}.sig{n}"
        message = personalised(rendered, to=f"r{n}@example.com", unsubscribe=url)
        text = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
        assert url in text and f'href="{url}"' in html
        assert "@@" not in text and "@@" not in html


def test_an_address_with_a_non_ascii_local_part_is_written_by_the_email_package():
    message = personalised(
        EditionRenderer("https://site.example", "Syndicate").render(EDITION, [article()]), to="rené@example.com"
    )
    assert message["To"].addresses[0].addr_spec == "rené@example.com"
