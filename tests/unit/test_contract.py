"""Violations name every offending field by JSON Pointer, with messages taken from the schema."""

from __future__ import annotations

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


def test_uri_format_is_checked_beyond_the_scheme_pattern():
    found = contract.violations("article", {**valid(), "canonical_url": "https://exa mple.com/a b"})
    assert [(v.pointer, v.message) for v in found] == [("/canonical_url", "must be a valid absolute URI")]
