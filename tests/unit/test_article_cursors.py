"""Listing cursors round-trip, stay bound to their listing, and never yield a start key DynamoDB
would refuse (in AWS a start key outside the query is a ValidationException, so a 500)."""

from __future__ import annotations

import base64
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from syndicate.adapters.article_cursors import Listing, decode_cursor, encode_cursor
from syndicate.adapters.article_items import INDEX_KEYS
from syndicate.adapters.dynamodb import unmarshal
from syndicate.articles.ports import InvalidCursor

moments = st.datetimes().map(lambda moment: moment.strftime("%Y-%m-%dT%H:%M:%SZ").rjust(20, "0"))
public_ids = st.text(alphabet="0123456789abcdef", min_size=32, max_size=32)
positions = st.builds(lambda moment, public_id: f"{moment}#{public_id}", moments, public_ids)
partitions = st.text(min_size=1, max_size=60)
listings = st.one_of(
    st.just(Listing("Timeline", "public")),
    st.builds(Listing, st.just("ByCategory"), partitions),
    st.builds(Listing, st.just("ByPublisher"), partitions),
)


def item_of(listing: Listing, position: str, copy: bool) -> dict:
    """An item (or LastEvaluatedKey) of ``listing``'s index at ``position``."""
    return listing.start_key(position, copy and listing.index == "ByCategory")


@given(listings, positions, st.booleans())
def test_a_cursor_decodes_to_the_key_of_the_item_it_was_made_at(listing, position, copy):
    item = item_of(listing, position, copy)

    decoded_position, start = decode_cursor(encode_cursor(listing, item), listing)

    assert decoded_position == position
    assert unmarshal(start) == item


@given(listings, listings, positions, st.booleans())
def test_a_cursor_is_refused_by_any_other_listing(made_by, used_with, position, copy):
    cursor = encode_cursor(made_by, item_of(made_by, position, copy))
    if used_with == made_by:
        assert decode_cursor(cursor, used_with)
    else:
        with pytest.raises(InvalidCursor):
            decode_cursor(cursor, used_with)


@given(listings, positions, st.booleans(), st.data())
def test_an_altered_cursor_is_refused_or_means_the_same_place(listing, position, copy, data):
    cursor = encode_cursor(listing, item_of(listing, position, copy))
    at = data.draw(st.integers(0, len(cursor) - 1))
    replacement = data.draw(st.characters(codec="ascii"))
    altered = cursor[:at] + replacement + cursor[at + 1 :]
    try:
        decoded = decode_cursor(altered, listing)
    except InvalidCursor:
        return
    assert decoded == decode_cursor(cursor, listing)  # only a change base64 ignores (final padding bits)


@given(listings, st.one_of(st.text(max_size=600), st.binary(max_size=400).map(lambda b: base64.b64encode(b).decode())))
def test_whatever_a_client_sends_is_refused_or_gives_a_start_key_inside_the_listing(listing, cursor):
    try:
        position, start = decode_cursor(cursor, listing)
    except InvalidCursor:
        return
    key = unmarshal(start)
    partition, sort = INDEX_KEYS[listing.index]
    assert key[partition] == listing.partition
    assert key[sort] == position
    assert key["pk"] == "ARTICLE#" + position.rsplit("#", 1)[1]


@given(listings, st.dictionaries(st.sampled_from(["p", "c", "d", "x"]), st.none() | st.booleans() | st.text()))
def test_a_made_up_payload_is_refused(listing, payload):
    cursor = base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")
    with pytest.raises(InvalidCursor):
        decode_cursor(cursor, listing)
