"""Violations name every offending field by JSON Pointer, with messages taken from the schema."""

from __future__ import annotations

import pytest

from syndicate import contract


def valid() -> dict:
    return {"title": "T", "body": "B", "categories": ["News"]}


def test_valid_article_has_no_violations():
    assert contract.violations("article", valid()) == []


def test_every_violation_is_reported_not_just_the_first():
    found = contract.violations("article", {**valid(), "title": "", "tags": [1], "status": "x"})
    assert {v.pointer for v in found} == {"/title", "/tags/0", "/status"}


def test_messages_come_from_the_schema_limits():
    found = contract.violations("article", {**valid(), "title": "x" * 301})
    assert [v.message for v in found] == ["must be at most 300 characters long"]


def test_pointer_escapes_slash_and_tilde():
    assert contract.pointer(["a/b", "c~d", 0]) == "/a~1b/c~0d/0"


def test_date_time_needs_an_offset():
    found = contract.violations("article", {**valid(), "published_at": "2025-12-17T09:00:00"})
    assert [v.pointer for v in found] == ["/published_at"]


def test_email_format_is_really_checked():
    bad = {**valid(), "authors": [{"name": "A", "email": "a@b"}]}
    good = {**valid(), "authors": [{"name": "A", "email": "a@example.com"}]}
    assert [v.pointer for v in contract.violations("article", bad)] == ["/authors/0/email"]
    assert contract.violations("article", good) == []


def test_server_owned_field_says_why_it_is_refused():
    found = contract.violations("article", {**valid(), "version": 3})
    assert [(v.pointer, v.message) for v in found] == [("/version", "is set by Syndicate and cannot be sent")]


def test_missing_fields_point_at_the_field_itself():
    found = contract.violations("article", {})
    assert sorted(v.pointer for v in found) == ["/body", "/categories", "/title"]
    assert {v.message for v in found} == {"is required"}


def test_bcp47_language_tags():
    for tag in ("en", "en-GB", "pt-BR", "zh-Hant", "es-419", "sr-Latn-RS"):
        assert contract.violations("article", {**valid(), "language": tag}) == [], tag
    assert contract.violations("article", {**valid(), "language": "english"}) != []


def test_uri_format_is_checked_beyond_the_url_pattern():
    found = contract.violations("article", {**valid(), "canonical_url": "https://example.com/a%zz^b"})
    assert [(v.pointer, v.message) for v in found] == [("/canonical_url", "must be a valid absolute URI")]


# -- one line, no control characters (issue 9, item 2) -------------------------------------------

LINE_BREAKERS = ["\n", "\r", "\r\n", "\x00", "\x1b", "\x7f", "\x85", "\x9f", "\u2028", "\u2029"]
SINGLE_LINE = (
    "does not match the expected form: " + contract.load_schema("article")["$defs"]["singleLine"]["description"]
)


def with_text_at(pointer: str, text: str) -> dict:
    """A valid article with ``text`` placed at ``pointer`` (one of the single-line fields)."""
    document = {
        **valid(),
        "tags": ["ok"],
        "authors": [{"name": "A"}],
        "image": {"url": "https://images.example.com/a.jpg", "alt": "Alt", "caption": "Cap", "credit": "Cred"},
    }
    *parents, last = [int(part) if part.isdigit() else part for part in pointer.strip("/").split("/")]
    target = document
    for part in parents:
        target = target[part]
    target[last] = text
    return document


SINGLE_LINE_FIELDS = [
    "/title",
    "/categories/0",
    "/tags/0",
    "/authors/0/name",
    "/image/alt",
    "/image/caption",
    "/image/credit",
]


@pytest.mark.parametrize("pointer", SINGLE_LINE_FIELDS)
@pytest.mark.parametrize("breaker", LINE_BREAKERS, ids=repr)
def test_single_line_fields_refuse_line_breaks_and_control_characters_where_they_are(pointer, breaker):
    found = contract.violations("article", with_text_at(pointer, f"Before{breaker}after"))
    assert [(v.pointer, v.message) for v in found] == [(pointer, SINGLE_LINE)]


@pytest.mark.parametrize("pointer", SINGLE_LINE_FIELDS)
def test_a_final_line_break_is_refused_too(pointer):
    found = contract.violations("article", with_text_at(pointer, "Ends with a newline\n"))
    assert [v.pointer for v in found] == [pointer]


@pytest.mark.parametrize("pointer", SINGLE_LINE_FIELDS)
def test_single_line_fields_keep_any_other_character(pointer):
    assert contract.violations("article", with_text_at(pointer, "Tab-free “quotes”, émoji 🚀, 中文 and ‑dashes")) == []


@pytest.mark.parametrize("schema", ["subscription", "subscription-preferences"])
@pytest.mark.parametrize("breaker", LINE_BREAKERS, ids=repr)
def test_subscription_categories_are_single_lines_too(schema, breaker):
    document = {"email": "reader@example.com", "cadence": "daily", "categories": ["News", f"Sci{breaker}ence"]}
    if schema == "subscription-preferences":
        del document["email"]
    found = contract.violations(schema, document)
    assert [(v.pointer, v.message) for v in found] == [("/categories/1", SINGLE_LINE)]


def test_the_summary_may_span_lines_but_holds_no_control_character():
    assert contract.violations("article", {**valid(), "summary": "First line.\r\nSecond\tline.\u2028Third."}) == []
    for control in ("\x00", "\x08", "\x0b", "\x1f", "\x7f", "\x85"):
        found = contract.violations("article", {**valid(), "summary": f"A{control}B"})
        assert [v.pointer for v in found] == ["/summary"], repr(control)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("language", "en\n"),
        ("published_at", "2025-12-17T09:00:00Z\n"),
        ("canonical_url", "https://example.com/page\n"),
    ],
)
def test_patterns_and_formats_end_at_the_end_of_the_text_not_before_a_final_newline(field, value):
    assert {v.pointer for v in contract.violations("article", {**valid(), field: value})} == {f"/{field}"}


def test_an_image_type_with_a_final_newline_is_refused():
    image = {"url": "https://images.example.com/a.jpg", "alt": "Alt", "type": "image/png\n"}
    assert [v.pointer for v in contract.violations("article", {**valid(), "image": image})] == ["/image/type"]


@pytest.mark.parametrize("address", ["reader@example.com\n", "rea\x01der@example.com", "rea\x85der@example.com"])
def test_an_address_with_a_control_character_or_a_final_newline_is_refused(address):
    found = contract.violations("subscription", {"email": address, "cadence": "daily"})
    assert [v.pointer for v in found] == ["/email"]


# -- URLs (issue 9, item 13) -------------------------------------------------------------------

URL_FIELDS = ["/canonical_url", "/image/url", "/authors/0/url"]


def with_url_at(pointer: str, url: str) -> dict:
    document = {
        **valid(),
        "image": {"url": "https://images.example.com/a.jpg", "alt": "Alt"},
        "authors": [{"name": "A"}],
    }
    if pointer == "/canonical_url":
        document["canonical_url"] = url
    elif pointer == "/image/url":
        document["image"]["url"] = url
    else:
        document["authors"][0]["url"] = url
    return document


@pytest.mark.parametrize("pointer", URL_FIELDS)
@pytest.mark.parametrize(
    "url",
    [
        "https:///no-host",
        "http://",
        "https:",
        "https://:443/x",
        "https://user@example.com/",
        "https://example.com@evil.example/",
        "//example.com/x",
        "/relative/path",
        "ftp://example.com/a",
        "javascript:alert(1)",
        "mailto:desk@example.com",
        "https://-bad-.example/",
        "https://exa mple.com/",
    ],
)
def test_every_url_field_needs_an_absolute_http_url_with_a_host(pointer, url):
    assert {v.pointer for v in contract.violations("article", with_url_at(pointer, url))} == {pointer}


@pytest.mark.parametrize("pointer", URL_FIELDS)
@pytest.mark.parametrize(
    "url",
    [
        "https://example.com",
        "http://example.com/",
        "https://news.example.co.uk:8443/a/b?c=d&e=f#g",
        "https://192.0.2.10/x",
        "https://[2001:db8::1]/x",
        "https://xn--bcher-kva.example/",
    ],
)
def test_ordinary_http_urls_are_accepted(pointer, url):
    assert contract.violations("article", with_url_at(pointer, url)) == []
