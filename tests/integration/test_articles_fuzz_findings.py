"""Inputs schemathesis found through the local stack that once gave a 500 or a malformed answer."""

from __future__ import annotations

from tests.support import events


def seed() -> dict:
    return events.article("photo-of-the-day")


def test_an_integer_field_sent_as_a_float_with_no_fraction_is_stored_as_an_integer(articles_api):
    document = seed()
    document["image"] = {**document["image"], "width": 435.0}

    created = articles_api("POST", "/articles", body=document)

    assert created.status == 201
    assert created.json["image"]["width"] == 435


def test_a_year_before_1000_is_answered_with_four_digits(articles_api):
    created = articles_api("POST", "/articles", body={**seed(), "published_at": "0208-01-04T23:05:37Z"})

    assert created.json["published_at"] == "0208-01-04T23:05:37Z"


def test_a_moment_that_leaves_the_calendar_in_utc_is_refused_with_a_pointer(articles_api):
    answer = articles_api("POST", "/articles", body={**seed(), "published_at": "0001-01-01T00:00:00+05:00"})

    assert answer.status == 422
    assert answer.pointers == ["/published_at"]
