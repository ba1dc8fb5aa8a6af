"""Feed documents stay well-formed whatever publishers write, and carry no script."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from email.utils import format_datetime

import feedparser
import pytest
from hypothesis import given
from hypothesis import strategies as st

from syndicate.articles.rendering import render_body
from syndicate.clock import isoformat
from syndicate.feeds.documents import FORMATS, FeedDocument, FeedLinks, render_entry, rfc822
from syndicate.feeds.entries import Entry, build_entry, xml_text
from tests.support.feeds import article

NAUGHTY = [
    "]]>",
    "<![CDATA[ x ]]>",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "Tom & Jerry &amp; &lt; &#0; &#x1;",
    "\x00\x01\x02\x08\x0b\x0c\x0e\x1f\x7f null and control characters",
    "lone surrogates \ud800 and \udfff",
    "\ufffe\uffff noncharacters",
    "emoji 👩‍🚀🚀🇺🇳 and astral 𝕏",
    "right-to-left \u202eRTL override\u202c and العربية עברית",
    "\"quotes\" 'apostrophes' `backticks`",
    "<?xml version='1.0'?><!DOCTYPE x [<!ENTITY e 'boom'>]>&e;",
    "-->\n<!-- comment",
    "javascript:alert(1)",
    "x" * 20000,
]


def hostile_article(text: str, number: int):
    markdown = (
        f"{text}\n\n<script>alert('{number}')</script>\n\n[link](javascript:alert(1)) <b onclick=\"x()\">{text}</b>"
    )
    return article(
        number,
        title=text[:300] or "t",
        categories=(text[:100], "Climate"),
        extras={
            "summary": text[:2000],
            "tags": [text[:60]],
            "authors": [{"name": text[:200]}],
            "image": {
                "url": "https://img.example/a.jpg",
                "alt": text[:500],
                "caption": text[:2000],
                "credit": text[:300],
                "length": 10,
                "type": "image/jpeg",
            },
        },
        body_markdown=markdown,
        # nh3 cannot take lone surrogates (render_body raises at ingest), so a stored body has none;
        # titles, summaries and the rest keep them, and the feed must cope.
        body_html=render_body(markdown.encode("utf-8", "ignore").decode("utf-8"))
        if "\ud800" in markdown
        else render_body(markdown),
    )


def document_of(*entries: Entry) -> FeedDocument:
    rendered = tuple(render_entry(entry, "https://site.example/tags") for entry in entries)
    return FeedDocument(title="Syndicate", description="x", home_url="https://site.example", entries=rendered)


def hostile_document() -> FeedDocument:
    return document_of(
        *(build_entry(hostile_article(text, n), "https://site.example") for n, text in enumerate(NAUGHTY))
    )


@pytest.mark.parametrize("fmt", [f for f in FORMATS if f.name != "json"], ids=lambda f: f.name)
def test_naughty_strings_give_well_formed_xml(fmt):
    body = fmt.render(hostile_document(), FeedLinks("https://site.example/feeds/x"))

    ET.fromstring(body)  # raises on anything not well-formed
    parsed = feedparser.parse(body)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert len(parsed.entries) == len(NAUGHTY)


def test_naughty_strings_give_valid_json_feed():
    body = FORMATS[2].render(hostile_document(), FeedLinks("https://site.example/feeds/feed.json"))

    document = json.loads(body.decode("utf-8"))
    assert len(document["items"]) == len(NAUGHTY)


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f.name)
def test_no_script_survives_in_any_content(fmt):
    body = fmt.render(hostile_document(), FeedLinks("https://site.example/feeds/x"))

    if fmt.name == "json":
        contents = [item["content_html"] for item in json.loads(body)["items"]]
    else:
        contents = [entry.content[0].value for entry in feedparser.parse(body, sanitize_html=False).entries]
    for content in contents:
        lowered = content.lower()
        assert "<script" not in lowered and "onerror" not in lowered and "onclick" not in lowered
        assert 'href="javascript' not in lowered  # as text it is harmless; as a link it is not


def test_titles_are_text_never_markup():
    entry = build_entry(article(1, title="<b>Bold</b> & <i>claims</i>"), "https://site.example")
    document = document_of(entry)

    atom = feedparser.parse(FORMATS[1].render(document, FeedLinks("https://s/x")))

    assert atom.entries[0].title == "<b>Bold</b> & <i>claims</i>"
    assert atom.entries[0].title_detail.type == "text/plain"


def test_forbidden_xml_characters_are_removed_and_the_rest_kept():
    assert xml_text("a\x00b\x1fc\ud800d\ufffee\tf\ng👩‍🚀") == "abcde\tf\ng👩‍🚀"


def test_rfc822_dates_have_four_digit_years_and_no_locale():
    assert rfc822("2025-12-17T09:00:00Z") == "Wed, 17 Dec 2025 09:00:00 GMT"


@given(st.datetimes(min_value=datetime(1000, 1, 1), timezones=st.just(UTC)))
def test_rfc822_dates_are_what_the_email_library_writes(moment):
    assert rfc822(isoformat(moment)) == format_datetime(moment.replace(microsecond=0), usegmt=True)


def test_rfc822_dates_refuse_a_moment_that_is_not_utc():
    with pytest.raises(ValueError, match="UTC"):
        rfc822("2025-12-17T09:00:00+01:00")


@pytest.mark.parametrize("forbidden", ["\x00", "\x0b", "\x1f", "\ud800", "\udfff", "\ufffe", "\uffff"], ids=ascii)  # noqa: PT014 - ruff cannot tell lone surrogates apart
def test_a_forbidden_character_is_removed_from_single_line_text(forbidden):
    assert xml_text(f"Title{forbidden} \u202eRTL") == "Title \u202eRTL"


def test_rss_body_holding_a_cdata_end_reads_back_unchanged():
    body = '<p title="]]>">a ]]> b ]]]]> c <![CDATA[ d ]]&gt; &amp; é</p>'
    entry = build_entry(article(1, body_html=body), "https://site.example")
    document = document_of(entry)

    rss = FORMATS[0].render(document, FeedLinks("https://s/rss.xml"))

    assert ET.fromstring(rss).findtext("channel/item/{http://purl.org/rss/1.0/modules/content/}encoded") == body


def test_an_empty_feed_is_still_a_valid_feed():
    document = document_of()

    for fmt in FORMATS:
        body = fmt.render(document, FeedLinks("https://site.example/feeds/x"))
        if fmt.name == "json":
            assert json.loads(body)["items"] == []
        else:
            assert not feedparser.parse(body).bozo
