"""Whatever a client sends, the answer is never a 5xx and never shows a stack trace."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support import events

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=50),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=20), children, max_size=5),
    max_leaves=30,
)
article_fields = st.sampled_from([*sorted(events.article("photo-of-the-day")), "id", "version", "image", "authors"])
mutated_articles = st.builds(
    lambda changes: {**events.article("photo-of-the-day"), **changes},
    st.dictionaries(article_fields, json_values, max_size=4),
)
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def assert_client_error_or_success(answer):
    assert answer.status < 500, answer.body
    assert "Traceback" not in answer.body
    if answer.status >= 400:
        assert answer.header("Content-Type") == "application/problem+json"
        assert json.loads(answer.body)["status"] == answer.status


@FUZZ
@given(document=mutated_articles)
def test_any_json_document_posted_is_stored_or_refused_with_a_4xx(articles_api, document):
    assert_client_error_or_success(articles_api("POST", "/articles", body=document))


@FUZZ
@given(
    raw=st.one_of(
        st.text(max_size=200),
        st.binary(max_size=200).map(lambda b: b.decode("latin-1")),
        st.sampled_from(
            [
                "[" * 100000,
                '{"width": NaN}',
                '{"n": ' + "9" * 5000 + "}",
                "\ufeff{}",
                '{"title": "x", "body": "\\ud800", "categories": ["a"]}',
            ]
        ),
    )
)
def test_any_raw_body_is_refused_with_a_4xx_or_accepted(articles_api, raw):
    assert_client_error_or_success(articles_api("POST", "/articles", raw_body=raw))


@FUZZ
@given(article_id=st.text(max_size=300), query=st.dictionaries(st.text(max_size=10), st.text(max_size=40), max_size=3))
def test_any_path_and_query_are_answered_with_a_4xx_or_success(articles_api, article_id, query):
    assert_client_error_or_success(articles_api("GET", "/articles", query=query))
    if article_id and "/" not in article_id:
        assert_client_error_or_success(articles_api("GET", f"/articles/{article_id}"))
        assert_client_error_or_success(
            articles_api("PUT", f"/articles/{article_id}", body=events.article("photo-of-the-day"))
        )


def test_a_lone_surrogate_escape_is_refused_with_its_pointer(articles_api):
    raw = json.dumps({**events.article("photo-of-the-day"), "body": "half a pair: \ud800"})
    answer = articles_api("POST", "/articles", raw_body=raw)
    assert answer.status == 400
    assert "/body" in answer.json["detail"]
