"""The publisher API over HTTP, through `syndicate local`, exactly as a publisher's client uses it."""

from __future__ import annotations

import pytest

from tests.support import events


@pytest.fixture(scope="module")
def publisher(local_stack) -> dict:
    answer = local_stack.console("POST", "/publishers", body={"name": "E2E Desk"})
    assert answer.status == 201
    return answer.json


def test_a_publisher_created_on_the_console_gets_a_working_api_key(local_stack, publisher):
    answer = local_stack.call("GET", "/articles", key=publisher["api_key"])

    assert answer.status == 200
    assert answer.json["articles"] == []


def test_the_seed_article_published_over_http_reads_back_equal(local_stack, publisher):
    seed = events.article("photo-of-the-day")

    created = local_stack.call("POST", "/articles", body=seed, key=publisher["api_key"])
    read = local_stack.call("GET", f"/articles/{created.json['id']}", key=publisher["api_key"])

    assert created.status == 201
    assert read.status == 200
    assert read.json["title"] == seed["title"]
    assert read.json["body"] == seed["body"]
    assert read.json["image"] == seed["image"]
    assert read.header("ETag") == created.header("ETag")


def test_the_authorizer_context_names_the_publisher_of_the_key(local_stack, publisher):
    created = local_stack.call(
        "POST", "/articles", body=events.article("ocean-heatwave-explainer"), key=publisher["api_key"]
    )

    assert created.json["publisher_id"] == publisher["publisher_id"]


def test_the_api_answers_under_its_stage_prefix_and_without_it(local_stack):
    with_stage = local_stack.call("GET", "/articles")
    without_stage = local_stack.call("GET", f"{local_stack.base_url}/articles")

    assert local_stack.api_url.endswith("/" + local_stack.description["stage"])
    assert (with_stage.status, without_stage.status) == (200, 200)


def test_a_conditional_get_with_the_etag_answers_304(local_stack):
    created = local_stack.call("POST", "/articles", body=events.article("photo-of-the-day"))

    again = local_stack.call(
        "GET", f"/articles/{created.json['id']}", headers={"If-None-Match": created.header("ETag")}
    )

    assert again.status == 304


def test_a_request_without_a_key_is_refused_with_401_problem_json(local_stack):
    answer = local_stack.call("GET", "/articles", key=None)

    assert answer.status == 401
    assert answer.header("Content-Type") == "application/problem+json"
    assert answer.header("WWW-Authenticate") == "Bearer"
    assert answer.json["status"] == 401


def test_an_unknown_key_is_refused_with_401(local_stack):
    answer = local_stack.call("GET", "/articles", key="syn_thisKeyWasNeverIssuedToAnyPublisherAtAll00")

    assert answer.status == 401
    assert answer.json["title"] == "Unauthorized"


def test_an_unknown_route_answers_404_problem_json_like_the_gateway(local_stack):
    answer = local_stack.call("GET", "/no-such-thing")

    assert answer.status == 404
    assert answer.header("Content-Type") == "application/problem+json"
    assert answer.json["type"].endswith("/not-found")


def test_a_wrong_method_on_a_known_path_answers_405_with_allow(local_stack):
    answer = local_stack.call("PATCH", "/articles")

    assert answer.status == 405
    assert answer.header("Allow") == "GET, POST"


@pytest.mark.parametrize("name", events.invalid_article_names())
def test_an_invalid_article_gets_the_same_problem_as_in_process(local_stack, name):
    example = events.load(f"articles/invalid/{name}.json")
    headers = {"Content-Type": example["content_type"]} if "content_type" in example else None

    if "raw" in example:
        answer = local_stack.call("POST", "/articles", raw_body=example["raw"].encode("utf-8"), headers=headers)
    else:
        answer = local_stack.call("POST", "/articles", body=example["request"], headers=headers)

    assert answer.status == example["expect"]["status"]
    assert answer.header("Content-Type") == "application/problem+json"
    assert answer.pointers == example["expect"]["pointers"]


def test_a_binary_body_reaches_the_function_base64_encoded_and_intact(local_stack):
    answer = local_stack.call(
        "POST", "/articles", raw_body=b"\xff\xfe\x00not utf-8", headers={"Content-Type": "application/json"}
    )

    assert answer.status == 400
    assert answer.json["type"].endswith("/malformed-json")
