"""What publishing a file would change in the stored article, field by field."""

from __future__ import annotations

from syndicate_dev.publishing.changes import FieldChange, changes, publisher_fields, to_send
from tests.support import events


def stored_as_the_api_returns(document: dict, **server: object) -> dict:
    """The resource GET /articles/{id} answers for ``document``: the publisher's fields as sent,
    status and date filled in, and the fields the server owns."""
    return {
        "id": "x",
        "publisher_id": "pub_1",
        "version": 1,
        "created_at": "2025-12-01T00:00:00Z",
        "updated_at": "2025-12-01T00:00:00Z",
        "url": "https://site.example/articles/x.html",
        "body_html": "<p>…</p>",
        "status": "published",
        "published_at": "2025-12-01T00:00:00Z",
        **document,
        **server,
    }


def test_an_article_holding_what_the_file_says_has_no_changes():
    seed = events.article("photo-of-the-day")

    assert changes(seed, stored_as_the_api_returns(seed)) == []


def test_a_date_written_with_an_offset_is_the_same_moment_the_api_returns_in_utc():
    document = {**events.article("photo-of-the-day"), "published_at": "2025-12-17T10:00:00.4+01:00"}

    assert changes(document, stored_as_the_api_returns(document, published_at="2025-12-17T09:00:00Z")) == []


def test_a_file_without_status_means_published():
    document = {"title": "T", "body": "B\n", "categories": ["News"]}

    assert changes(document, stored_as_the_api_returns(document)) == []
    assert changes(document, stored_as_the_api_returns(document, status="draft")) == [
        FieldChange("status", "draft", "published")
    ]


def test_each_changed_field_is_named_with_both_values_in_the_schemas_order():
    before = events.article("ocean-heatwave-explainer")
    after = {key: value for key, value in before.items() if key != "summary"}
    after.update(title="New title", tags=["oceans"], body=before["body"] + "More.\n")

    found = changes(after, stored_as_the_api_returns(before))

    assert [change.field for change in found] == ["title", "summary", "body", "tags"]
    assert found[0] == FieldChange("title", before["title"], "New title")
    assert found[1] == FieldChange("summary", before["summary"], None)


def test_a_new_article_lists_every_field_it_sets():
    document = {"title": "T", "body": "B\n", "categories": ["News"]}

    assert [change.field for change in changes(document, None)] == ["title", "body", "categories", "status"]


def test_a_file_without_a_date_leaves_a_published_articles_date_where_it_is():
    document = {"title": "New title", "body": "B\n", "categories": ["News"]}
    stored = stored_as_the_api_returns({**document, "title": "Old"}, published_at="2025-12-01T08:00:00Z")

    assert [change.field for change in changes(document, stored)] == ["title"]
    assert to_send(document, stored) == {**document, "published_at": "2025-12-01T08:00:00Z"}


HOSTED = "https://site.example/media/" + "a" * 64 + ".jpg"
FACTS = {"type": "image/jpeg", "length": 48_213, "width": 1200, "height": 800}


def test_a_file_silent_on_its_images_facts_leaves_the_ones_the_article_has():
    # The service records a hosted image's facts; a file naming it by URL does not state them.
    document = {"title": "T", "body": "B\n", "categories": ["News"], "image": {"url": HOSTED, "alt": "A"}}
    stored = stored_as_the_api_returns({**document, "image": {"url": HOSTED, "alt": "A", **FACTS}})

    assert changes(document, stored) == []
    edited = {**document, "title": "New"}
    assert to_send(edited, stored)["image"] == {"url": HOSTED, "alt": "A", **FACTS}


def test_facts_a_file_states_and_another_images_facts_are_compared_as_written():
    document = {"title": "T", "body": "B\n", "categories": ["News"], "image": {"url": HOSTED, "alt": "A", "width": 10}}
    stored = stored_as_the_api_returns({**document, "image": {"url": HOSTED, "alt": "A", **FACTS}})
    other = {**document, "image": {"url": "https://cdn.example/other.jpg", "alt": "A"}}

    assert [change.field for change in changes(document, stored)] == ["image"]
    assert to_send(other, stored)["image"] == {"url": "https://cdn.example/other.jpg", "alt": "A"}


def test_a_draft_keeps_no_date_so_publishing_it_later_dates_it_then():
    document = {"title": "T", "body": "B\n", "categories": ["News"]}
    stored = stored_as_the_api_returns({**document, "title": "Old"}, status="draft")

    assert to_send(document, stored) == document


def test_the_fields_compared_are_the_ones_a_publisher_sends():
    assert publisher_fields() == (
        "title",
        "summary",
        "body",
        "categories",
        "tags",
        "authors",
        "published_at",
        "status",
        "image",
        "canonical_url",
        "language",
    )
