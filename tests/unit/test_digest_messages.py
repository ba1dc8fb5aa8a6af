"""Editions rendered once and personalised per recipient, without AWS."""

from __future__ import annotations

from datetime import UTC, datetime
from email import message_from_string, policy

from syndicate.articles.model import Article
from syndicate.digests.edition import DigestEdition
from syndicate.digests.rendering import EditionRenderer
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


def literal(body) -> str:
    """A rendered body's text without its slots."""
    return "".join(piece for piece in body if isinstance(piece, str))


def test_titles_are_escaped_in_the_html_part():
    rendered = EditionRenderer("https://site.example", "Syndicate").render(EDITION, [article()])
    assert "<script>" not in literal(rendered.html) and "&lt;script&gt;" in literal(rendered.html)


def test_css_is_inlined_into_the_html_part():
    rendered = EditionRenderer("https://site.example", "Syndicate").render(EDITION, [article()])
    assert "<style" not in literal(rendered.html) and 'style="' in literal(rendered.html)


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


# -- one article never silences an edition ---------------------------------------------------

BREAKS = ["\n", "\r\n", "\r", "\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1c", "\x00"]


def test_a_title_with_any_line_break_becomes_a_one_line_subject():
    for brk in BREAKS:
        rendered = EditionRenderer("https://site.example", "Syndicate").render(
            EDITION, [article(title=f"Moon{brk}Bcc: victim@example.com")]
        )

        message = personalised(rendered)

        assert message["Subject"] == "Syndicate daily digest: Moon Bcc: victim@example.com", repr(brk)
        assert message["Bcc"] is None


def test_a_subject_with_line_breaks_is_made_one_line_by_the_message_itself():
    """An edition stored with a raw subject (or a sender name with a break) still makes a message."""
    template = MessageTemplate(
        SenderProfile("digest@syndicate.example", "Syndicate\r\nX-Injected: 1", "list.example"),
        "Line one\u2028line two\x85three\nfour",
        ("text",),
        None,
        datetime(2025, 12, 18, 7, tzinfo=UTC),
    )

    message = message_from_string(
        template.personalise(
            Personal("r@example.com", "m@example.com", "https://u.example", "https://p.example")
        ).decode("utf-8"),
        policy=policy.default,
    )

    assert message["Subject"] == "Line one line two three four"
    assert message["X-Injected"] is None and message["From"].addresses[0].display_name == "Syndicate X-Injected: 1"


def test_an_article_the_templates_cannot_show_is_left_out_and_the_rest_goes_out():
    odd = article(title="Odd one").with_changes(id="b" * 32, extras={"summary": {"not": "text"}})
    good = article(title="Good one")

    rendered = EditionRenderer("https://site.example", "Syndicate").render(EDITION, [odd, good])

    assert rendered.article_ids == (good.id,)
    assert [left.article_id for left in rendered.left_out] == [odd.id]
    assert "Good one" in literal(rendered.text) and "Odd one" not in literal(rendered.text)


def test_an_article_that_breaks_the_render_itself_is_found_and_left_out(monkeypatch):
    renderer = EditionRenderer("https://site.example", "Syndicate")
    real_inline = renderer._inliner.inline

    def inline_failing_on(html):
        if "Poison" in html:
            raise ValueError("the inliner choked")
        return real_inline(html)

    monkeypatch.setattr(renderer, "_inliner", type("Inliner", (), {"inline": staticmethod(inline_failing_on)}))
    poison = article(title="Poison").with_changes(id="c" * 32)

    rendered = renderer.render(EDITION, [poison, article(title="Fine")])

    assert rendered.article_ids == ("a" * 32,)
    assert rendered.left_out[0].article_id == poison.id and "the inliner choked" in rendered.left_out[0].reason


def test_links_that_are_not_http_never_become_links_or_images():
    rendered = EditionRenderer("https://site.example", "Syndicate").render(
        EDITION,
        [article(canonical_url="javascript:alert(1)", image={"url": "data:image/gif;base64,R0l", "alt": "x"})],
    )

    html = literal(rendered.html)
    assert "javascript:" not in html and "data:image" not in html
    assert 'href="https://site.example/articles/' in html
