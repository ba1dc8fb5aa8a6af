"""Whatever a client sends, the answer is never a 5xx and never shows a stack trace.

Bodies, and, for every route of template.yaml (so a route added later is covered as soon as it is
deployed), any method its path allows, path parameters, query strings (single or repeated
values, cursors included), headers, a body or none, with or without a publisher.
"""

from __future__ import annotations

import base64
import json
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from syndicate.adapters import clients
from syndicate_dev import template as tpl
from tests.support import events
from tests.support.faults import StartKeyCheck

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
    if answer.status >= 400 and answer.header("Content-Type") == "application/problem+json":
        assert json.loads(answer.body)["status"] == answer.status


@FUZZ
@given(document=mutated_articles)
def test_any_json_document_posted_is_stored_or_refused_with_a_4xx(articles_api, document):
    answer = articles_api("POST", "/articles", body=document)
    assert_client_error_or_success(answer)
    if answer.status >= 400:
        assert answer.header("Content-Type") == "application/problem+json"


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


def test_a_lone_surrogate_escape_is_refused_with_its_pointer(articles_api):
    raw = json.dumps({**events.article("photo-of-the-day"), "body": "half a pair: \ud800"})
    answer = articles_api("POST", "/articles", raw_body=raw)
    assert answer.status == 400
    assert "/body" in answer.json["detail"]


# -- every route: path, query string, headers and body ----------------------------------------

ROUTES = tpl.api_routes(tpl.load())
METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
ODD_TEXT = [
    "",
    " ",
    "0",
    "-1",
    "101",
    "1e3",
    "\uff15",
    "null",
    "[]",
    "me",
    "Space/science journalism",
    "!!!",
    "../../etc",
    "%00",
    "\x00",
    "a\nb",
    "\u2028",
    "x" * 600,
    "*",
    'W/"1-abc", "2-def"',
]
# Cursors that are no cursor: JSON of every kind, and payloads shaped like one with wrong parts.
ODD_PAYLOADS: tuple[Any, ...] = (
    {},
    [],
    1,
    "x",
    None,
    {"i": "Timeline", "k": []},
    {"i": "ByCategory", "k": {"pk": "ARTICLE#x", "sk": "ARTICLE", "category": "x", "position": "x"}},
    {"p": "2025-12-17T09:00:00Z#" + "0" * 32, "c": True, "d": "x"},
    {"p": "9999-12-31T23:59:59Z#" + "f" * 32, "c": False, "d": "00"},
    {"p": 1, "c": "no", "d": None},
)
ODD_CURSORS = [base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=") for payload in ODD_PAYLOADS]
texts = st.one_of(st.text(max_size=40), st.sampled_from(ODD_TEXT))
query_names = st.one_of(
    st.sampled_from(["limit", "cursor", "category", "publisher", "token", "id", "List-Unsubscribe"]),
    st.text(min_size=1, max_size=10),
)
header_names = st.one_of(
    st.sampled_from(["Content-Type", "If-Match", "If-None-Match", "Idempotency-Key", "Accept", "Host"]),
    st.text(
        alphabet=st.characters(min_codepoint=33, max_codepoint=126, exclude_characters=":"), min_size=1, max_size=15
    ),
)
content_types = st.sampled_from(
    [
        "application/json",
        "application/json; charset=utf-8",
        "application/problem+json",
        "application/x-www-form-urlencoded",
        "text/plain",
        "multipart/form-data; boundary=x",
        "",
    ]
)
bodies = st.one_of(
    st.none(),
    mutated_articles.map(json.dumps),
    st.builds(json.dumps, json_values),
    st.builds(
        lambda email, cadence, categories: json.dumps({"email": email, "cadence": cadence, "categories": categories}),
        st.sampled_from(["reader@example.com", "a@b", "x" * 300 + "@example.com", ""]),
        st.sampled_from(["daily", "weekly", "hourly", 1]),
        st.lists(texts, max_size=3),
    ),
    st.sampled_from(
        ["cadence=daily&categories=News", "List-Unsubscribe=One-Click", "cadence=&categories=%00", "a=b&a=c"]
    ),
    st.text(max_size=200),
    st.binary(max_size=200),
)


def sample_for(route: tpl.Route) -> dict[str, Any]:
    """A recorded event of the same function and path (or of the same function) to build on."""
    recorded = [events.load(f"api/{path.name}") for path in sorted((events.EVENTS / "api").glob("*.json"))]
    recorded = [event for event in recorded if "httpMethod" in event]
    same_path = [event for event in recorded if event["resource"] == route.path]
    return (same_path or recorded)[0]


@st.composite
def requests(draw: st.DrawFn, route: tpl.Route, cursors: list[str]) -> dict[str, Any]:
    """An API Gateway REST proxy event for ``route``, with anything a client controls drawn."""
    event = json.loads(json.dumps(sample_for(route)))
    method = draw(st.sampled_from(METHODS)) if route.method == "ANY" else route.method
    parameters = {
        name: draw(st.one_of(st.sampled_from(["potd", "a" * 128]), texts).filter(lambda t: t and "/" not in t))
        for name in re.findall(r"{(\w+)}", route.path)
    }
    path = re.sub(r"{(\w+)}", lambda found: parameters[found.group(1)], route.path)
    known = {  # the parameters routes read, with values near and far from what they accept
        "limit": st.one_of(st.integers(-5, 200).map(str), texts),
        "category": st.one_of(
            st.sampled_from(["Climate", "space-science-journalism", "Space/science journalism"]), texts
        ),
        "publisher": st.one_of(st.just("me"), texts),
        "cursor": st.one_of(st.sampled_from(cursors + ODD_CURSORS), texts),
        "token": texts,
    }
    repeated = {name: st.lists(values, min_size=1, max_size=2) for name, values in known.items()}
    query = draw(st.fixed_dictionaries({}, optional=repeated))
    query.update(draw(st.dictionaries(query_names, st.lists(texts, min_size=1, max_size=2), max_size=2)))
    headers = draw(st.dictionaries(header_names, texts, max_size=4))
    headers["Content-Type"] = draw(content_types)
    body = draw(bodies)
    event.update(
        httpMethod=method,
        resource=route.path,
        path=path,
        pathParameters=parameters or None,
        headers=headers,
        multiValueHeaders={name: [value] for name, value in headers.items()},
        queryStringParameters={name: values[-1] for name, values in query.items()} or None,
        multiValueQueryStringParameters=query or None,
        isBase64Encoded=isinstance(body, bytes),
        body=base64.b64encode(body).decode() if isinstance(body, bytes) else body,
    )
    event["requestContext"].update(httpMethod=method, resourcePath=route.path, path=f"/dev{path}")
    publisher = draw(st.sampled_from(["pub_alice", "pub_alice", "pub_bob", None])) if route.authorized else None
    event["requestContext"]["authorizer"] = {"principalId": publisher, "publisher_id": publisher} if publisher else None
    return event


class Answer:
    def __init__(self, response: dict[str, Any]) -> None:
        self.status = response["statusCode"]
        self.body = response.get("body") or ""
        self.headers = {**(response.get("headers") or {})}
        for name, values in (response.get("multiValueHeaders") or {}).items():
            self.headers.setdefault(name, values[0])

    def header(self, name: str) -> str | None:
        return next((value for key, value in self.headers.items() if key.lower() == name.lower()), None)


def issued_cursors(functions) -> list[str]:
    """Publish a few articles, and collect the cursors of the listings of them."""
    for day in range(1, 4):
        event = events.load("api/create-article.json")
        document = {**json.loads(event["body"]), "published_at": f"2025-12-0{day}T08:00:00Z"}
        document["categories"] = [["Space/science journalism"], ["Climate", "Space/science journalism"]][day % 2]
        functions.invoke("ArticlesApiFunction", {**event, "body": json.dumps(document)})
    found = []
    for query in ({}, {"category": "Climate"}, {"category": "space-science-journalism"}, {"publisher": "me"}):
        event = events.api_event("GET", "/articles", publisher_id="pub_alice", query={"limit": "1", **query})
        found.append(json.loads(functions.invoke("ArticlesApiFunction", event)["body"])["cursor"])
    return [cursor for cursor in found if cursor]


@pytest.mark.parametrize("route", ROUTES, ids=lambda route: f"{route.method} {route.path}")
def test_no_request_to_any_route_is_answered_with_a_5xx(functions, stack, route):
    StartKeyCheck(clients.client("dynamodb"))  # as AWS: a start key outside the query fails
    cursors = issued_cursors(functions)

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(event=requests(route, cursors))
    def answers_without_a_5xx(event):
        assert_client_error_or_success(Answer(functions.invoke(route.function, event)))

    answers_without_a_5xx()
