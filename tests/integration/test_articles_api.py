"""The publisher API, driven through its handler with API Gateway events, on moto."""

from __future__ import annotations

import base64
import json

import pytest

from tests.support import events
from tests.support.events import api_event


def seed() -> dict:
    return events.article("photo-of-the-day")


def test_seed_article_round_trips_intact(articles_api):
    created = articles_api("POST", "/articles", body=seed())

    assert created.status == 201
    article_id = created.json["id"]
    assert created.header("Location") == f"/articles/{article_id}"
    assert created.header("ETag")
    fetched = articles_api("GET", f"/articles/{article_id}")
    assert fetched.status == 200
    stored = fetched.json
    for field, value in seed().items():
        assert stored[field] == value, field
    assert stored["version"] == 1
    assert stored["publisher_id"] == "pub_alice"
    assert stored["url"] == seed()["canonical_url"]
    assert "<h2>Overview: A historic approach to the International Space Station</h2>" in stored["body_html"]
    assert fetched.header("ETag") == created.header("ETag")


def test_post_answers_with_the_stored_article_and_its_timestamps(articles_api, clock):
    clock.set("2025-12-17T10:00:00Z")
    document = {k: v for k, v in seed().items() if k != "published_at"}

    created = articles_api("POST", "/articles", body=document)

    assert created.json["created_at"] == "2025-12-17T10:00:00Z"
    assert created.json["updated_at"] == created.json["created_at"]
    assert created.json["published_at"] == created.json["created_at"]


def test_published_at_is_normalised_to_utc(articles_api):
    document = events.article("mars-sample-return-scheduled")
    created = articles_api("POST", "/articles", body=document)
    assert created.json["published_at"] == "2030-03-01T14:00:00Z"


@pytest.mark.parametrize("name", events.invalid_article_names())
def test_every_invalid_example_gets_the_right_problem(articles_api, name):
    example = events.load(f"articles/invalid/{name}.json")
    headers = {"Content-Type": example["content_type"]} if "content_type" in example else None
    if "raw" in example:
        answer = articles_api("POST", "/articles", raw_body=example["raw"], headers=headers)
    else:
        answer = articles_api("POST", "/articles", body=example["request"], headers=headers)

    assert answer.status == example["expect"]["status"]
    assert answer.header("Content-Type") == "application/problem+json"
    problem = answer.json
    assert {"type", "title", "status", "detail"} <= set(problem)
    assert problem["status"] == answer.status
    assert answer.pointers == example["expect"]["pointers"]
    assert "Traceback" not in answer.body
    assert articles_api("GET", "/articles", query={"publisher": "me"}).json["articles"] == []


def test_body_over_one_megabyte_is_413(articles_api):
    document = {**seed(), "body": "x" * (1024 * 1024 + 1)}
    answer = articles_api("POST", "/articles", raw_body=json.dumps(document))
    assert answer.status == 413
    assert answer.header("Content-Type") == "application/problem+json"


def test_base64_encoded_body_is_accepted(articles_api):
    answer = articles_api("POST", "/articles", raw_body=json.dumps(seed()).encode("utf-8"))
    assert answer.status == 201


def test_request_without_publisher_is_401(articles_api):
    answer = articles_api.as_publisher(None)("GET", "/articles")
    assert answer.status == 401
    assert answer.header("Content-Type") == "application/problem+json"


def test_unknown_route_is_404_and_wrong_method_is_405(articles_api):
    unknown = articles_api("GET", "/nowhere")
    assert unknown.status == 404
    assert unknown.header("Content-Type") == "application/problem+json"

    wrong = articles_api("PATCH", "/articles/abc")
    assert wrong.status == 405
    assert wrong.header("Allow") == "GET, PUT, DELETE"
    assert articles_api("DELETE", "/articles").status == 405


def test_same_idempotency_key_and_body_replays_the_first_response(articles_api):
    key = {"Idempotency-Key": "retry-me-1"}
    first = articles_api("POST", "/articles", body=seed(), headers=key)
    second = articles_api("POST", "/articles", body=seed(), headers=key)

    assert first.status == second.status == 201
    assert second.json == first.json
    assert second.header("ETag") == first.header("ETag")
    assert len(articles_api("GET", "/articles", query={"publisher": "me"}).json["articles"]) == 1


def test_same_idempotency_key_with_a_different_body_is_422(articles_api):
    key = {"Idempotency-Key": "retry-me-2"}
    articles_api("POST", "/articles", body=seed(), headers=key)

    answer = articles_api("POST", "/articles", body={**seed(), "title": "Another"}, headers=key)

    assert answer.status == 422
    assert answer.json["type"].endswith("/idempotency-key-reused")
    assert len(articles_api("GET", "/articles", query={"publisher": "me"}).json["articles"]) == 1


def test_idempotency_keys_are_per_publisher(articles_api):
    key = {"Idempotency-Key": "shared-key"}
    alice = articles_api("POST", "/articles", body=seed(), headers=key)
    bob = articles_api.as_publisher("pub_bob")("POST", "/articles", body=seed(), headers=key)
    assert bob.status == 201
    assert bob.json["id"] != alice.json["id"]


def test_put_creates_then_replaces_under_the_publishers_id(articles_api):
    created = articles_api("PUT", "/articles/potd-2025-12-17", body=seed())
    assert created.status == 201
    assert created.json["id"] == "potd-2025-12-17"

    replaced = articles_api("PUT", "/articles/potd-2025-12-17", body={**seed(), "title": "Updated title"})
    assert replaced.status == 200
    assert replaced.json["version"] == 2
    assert replaced.json["created_at"] == created.json["created_at"]
    assert articles_api("GET", "/articles/potd-2025-12-17").json["title"] == "Updated title"


def test_identical_put_changes_nothing(articles_api):
    first = articles_api("PUT", "/articles/potd", body=seed())
    again = articles_api("PUT", "/articles/potd", body=seed())
    assert again.status == 200
    assert again.json["version"] == 1
    assert again.header("ETag") == first.header("ETag")


def test_put_with_stale_if_match_is_412_and_changes_nothing(articles_api):
    first = articles_api("PUT", "/articles/potd", body=seed())
    articles_api(
        "PUT", "/articles/potd", body={**seed(), "title": "Second"}, headers={"If-Match": first.header("ETag")}
    )

    stale = articles_api(
        "PUT", "/articles/potd", body={**seed(), "title": "Third"}, headers={"If-Match": first.header("ETag")}
    )

    assert stale.status == 412
    assert articles_api("GET", "/articles/potd").json["title"] == "Second"


def test_put_with_if_none_match_star_only_creates(articles_api):
    assert articles_api("PUT", "/articles/potd", body=seed(), headers={"If-None-Match": "*"}).status == 201
    assert articles_api("PUT", "/articles/potd", body=seed(), headers={"If-None-Match": "*"}).status == 412


def test_invalid_article_id_in_path_is_400_with_pointer(articles_api):
    answer = articles_api("PUT", "/articles/-bad id", body=seed())
    assert answer.status == 400
    assert answer.json["type"].endswith("/invalid-parameters")
    assert answer.pointers == ["/id"]


def test_get_with_matching_if_none_match_is_304(articles_api):
    created = articles_api("POST", "/articles", body=seed())
    answer = articles_api("GET", f"/articles/{created.json['id']}", headers={"If-None-Match": created.header("ETag")})
    assert answer.status == 304
    assert answer.body == ""


def test_drafts_and_scheduled_articles_are_only_visible_to_their_publisher(articles_api):
    draft = articles_api("POST", "/articles", body=events.article("lunar-gateway-draft")).json
    scheduled = articles_api("POST", "/articles", body=events.article("mars-sample-return-scheduled")).json
    bob = articles_api.as_publisher("pub_bob")

    for article in (draft, scheduled):
        assert articles_api("GET", f"/articles/{article['id']}").status == 200
        hidden = bob("GET", f"/articles/{article['id']}")
        assert hidden.status == 404
        assert hidden.json["detail"] == articles_api("GET", "/articles/no-such-id").json["detail"].replace(
            "no-such-id", article["id"]
        )
    assert bob("GET", "/articles").json["articles"] == []


def test_scheduled_article_is_listed_for_others_once_due(articles_api, clock):
    scheduled = articles_api("POST", "/articles", body=events.article("mars-sample-return-scheduled")).json
    bob = articles_api.as_publisher("pub_bob")
    assert bob("GET", "/articles").json["articles"] == []

    clock.set("2030-03-01T14:00:01Z")

    assert [a["public_id"] for a in bob("GET", "/articles").json["articles"]] == [scheduled["public_id"]]


# -- one id space per publisher (issue 9, item 11) ---------------------------------------------


def test_each_publisher_has_an_id_space_of_its_own(articles_api):
    alices = articles_api("PUT", "/articles/potd", body=seed())
    bob = articles_api.as_publisher("pub_bob")

    bobs = bob("PUT", "/articles/potd", body={**seed(), "title": "Bob's own"})

    assert (alices.status, bobs.status) == (201, 201)
    assert alices.json["id"] == bobs.json["id"] == "potd"
    assert alices.json["public_id"] != bobs.json["public_id"]
    assert articles_api("GET", "/articles/potd").json["title"] == seed()["title"]
    assert bob("GET", "/articles/potd").json["title"] == "Bob's own"
    assert bob("DELETE", "/articles/potd").status == 204
    assert articles_api("GET", "/articles/potd").status == 200
    assert bob("GET", "/articles/potd").status == 404


def test_a_put_tells_nothing_about_another_publishers_ids(articles_api, clock):
    articles_api("PUT", "/articles/taken", body=seed())
    articles_api("PUT", "/articles/drafted", body=events.article("lunar-gateway-draft"))
    articles_api("DELETE", "/articles/drafted")
    bob = articles_api.as_publisher("pub_bob")

    answers = {own_id: bob("PUT", f"/articles/{own_id}", body=seed()) for own_id in ("taken", "drafted", "unused")}

    shapes = {
        (a.status, tuple(sorted(a.headers)), tuple(sorted(a.json)), a.json["version"], a.json["publisher_id"])
        for a in answers.values()
    }
    [(status, headers, _, version, publisher)] = shapes  # one shape, whoever else uses the id
    assert (status, headers, version, publisher) == (
        201,
        ("Cache-Control", "Content-Type", "ETag", "Location"),
        1,
        "pub_bob",
    )
    assert {a.header("Location") for a in answers.values()} == {f"/articles/{i}" for i in answers}


def test_get_and_delete_address_only_the_requesters_own_articles(articles_api):
    alices = articles_api("PUT", "/articles/alices", body=seed()).json
    bob = articles_api.as_publisher("pub_bob")

    assert bob("GET", "/articles/alices").status == 404
    assert bob("GET", f"/articles/{alices['public_id']}").status == 404
    assert bob("DELETE", "/articles/alices").status == 404
    assert bob("PUT", "/articles/alices", body=seed(), headers={"If-Match": "*"}).status == 412
    assert articles_api("GET", "/articles/alices").status == 200


def test_others_public_articles_are_in_listings_with_the_id_readers_see(articles_api):
    document = {k: v for k, v in seed().items() if k != "canonical_url"}
    alices = articles_api("PUT", "/articles/alices", body=document).json
    bob = articles_api.as_publisher("pub_bob")

    [listed] = bob("GET", "/articles").json["articles"]

    assert listed["public_id"] == alices["public_id"]
    assert listed["url"].endswith(f"/articles/{alices['public_id']}.html")
    assert listed["publisher_id"] == "pub_alice"


def test_retracted_article_is_gone_from_reads_and_listings(articles_api, stack):
    created = articles_api("POST", "/articles", body=seed()).json

    assert articles_api("DELETE", f"/articles/{created['id']}").status == 204

    assert articles_api("GET", f"/articles/{created['id']}").status == 404
    assert articles_api("GET", "/articles").json["articles"] == []
    assert articles_api("GET", "/articles", query={"category": "Space/science journalism"}).json["articles"] == []
    assert articles_api("DELETE", f"/articles/{created['id']}").status == 204  # idempotent for the owner


def test_retraction_keeps_the_last_body_and_leaves_the_replaced_one_to_expire(articles_api, stack):
    import boto3

    created = articles_api("PUT", "/articles/potd", body=seed()).json
    articles_api("PUT", "/articles/potd", body={**seed(), "body": "Second body."})
    articles_api("DELETE", "/articles/potd")

    versions = boto3.client("s3").list_object_versions(Bucket=stack.name("ArticleBucket"), Prefix="articles/")
    assert len(versions.get("Versions", [])) == 2  # nothing deleted
    assert [v["IsLatest"] for v in versions["Versions"]].count(True) == 1  # the replaced one is noncurrent
    assert created["id"] == "potd"


def test_listing_by_category_accepts_name_or_slug(articles_api):
    articles_api("POST", "/articles", body=seed())
    articles_api("POST", "/articles", body=events.article("ocean-heatwave-explainer"))

    by_name = articles_api("GET", "/articles", query={"category": "Space/science journalism"}).json["articles"]
    by_slug = articles_api("GET", "/articles", query={"category": "space-science-journalism"}).json["articles"]

    assert [a["title"] for a in by_name] == [seed()["title"]]
    assert by_slug == by_name


def test_listing_pages_newest_first_with_an_opaque_cursor(articles_api):
    for day in range(1, 8):
        articles_api(
            "POST", "/articles", body={**seed(), "title": f"Day {day}", "published_at": f"2025-12-0{day}T08:00:00Z"}
        )

    seen, cursor = [], None
    pages = 0
    while True:
        query = {"limit": "3", **({"cursor": cursor} if cursor else {})}
        page = articles_api("GET", "/articles", query=query).json
        seen += [a["title"] for a in page["articles"]]
        pages += 1
        cursor = page["cursor"]
        if not cursor:
            break

    assert seen == [f"Day {day}" for day in range(7, 0, -1)]
    assert pages >= 3


@pytest.mark.parametrize(
    ("query", "pointer"),
    [
        ({"limit": "0"}, "/limit"),
        ({"limit": "101"}, "/limit"),
        ({"limit": "abc"}, "/limit"),
        ({"limit": "5\n"}, "/limit"),
        ({"limit": "\uff15"}, "/limit"),  # a fullwidth digit
        ({"limit": "-1"}, "/limit"),
        ({"cursor": "not-a-cursor"}, "/cursor"),
        ({"cursor": "e30"}, "/cursor"),  # {}
        ({"cursor": "W10"}, "/cursor"),  # []
        ({"cursor": "x" * 600}, "/cursor"),
        ({"category": "!!!"}, "/category"),
        ({"category": "News\nroom"}, "/category"),
        ({"category": ""}, "/category"),
        ({"category": "Space/science journalism", "publisher": "me"}, "/category"),
        ({"publisher": "pub_bob"}, "/publisher"),
        ({"colour": "red"}, "/colour"),
    ],
)
def test_bad_listing_parameters_are_400_with_pointer(articles_api, query, pointer):
    answer = articles_api("GET", "/articles", query=query)
    assert answer.status == 400
    assert answer.header("Content-Type") == "application/problem+json"
    assert answer.pointers == [pointer]


def test_a_parameter_given_twice_is_400_with_pointer(articles_api):
    event = api_event("GET", "/articles", publisher_id="pub_alice", query={"limit": "5"})
    event["multiValueQueryStringParameters"] = {"limit": ["5", "50"]}

    answer = articles_api.send_event(event)

    assert answer.status == 400
    assert [(e["pointer"], e["message"]) for e in answer.json["errors"]] == [("/limit", "must be given once")]


def first_page(articles_api, **query) -> dict:
    for day in range(1, 4):
        document = {**seed(), "title": f"Day {day}", "published_at": f"2025-12-0{day}T08:00:00Z"}
        articles_api("POST", "/articles", body=document)
    page = articles_api("GET", "/articles", query={"limit": "1", **query}).json
    assert page["cursor"]
    return page


@pytest.mark.parametrize(
    ("made_by", "used_with"),
    [
        ({}, {"category": "Space/science journalism"}),
        ({"category": "Space/science journalism"}, {}),
        ({"category": "Space/science journalism"}, {"category": "Climate"}),
        ({"publisher": "me"}, {}),
        ({}, {"publisher": "me"}),
    ],
)
def test_a_cursor_reused_with_another_query_is_400(articles_api, made_by, used_with):
    cursor = first_page(articles_api, **made_by)["cursor"]

    answer = articles_api("GET", "/articles", query={**used_with, "cursor": cursor})

    assert answer.status == 400
    assert answer.pointers == ["/cursor"]


def test_a_cursor_of_one_publishers_own_listing_is_refused_to_another(articles_api):
    cursor = first_page(articles_api, publisher="me")["cursor"]

    answer = articles_api.as_publisher("pub_bob")("GET", "/articles", query={"publisher": "me", "cursor": cursor})

    assert answer.status == 400
    assert answer.pointers == ["/cursor"]


def test_an_altered_cursor_is_400(articles_api):
    cursor = first_page(articles_api)["cursor"]
    payload = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    later = {**payload, "p": payload["p"].replace("2025-12-03", "2025-12-02")}
    altered = base64.urlsafe_b64encode(json.dumps(later).encode()).decode().rstrip("=")

    for candidate in (altered, cursor[:-2], cursor + "A", cursor.swapcase()):
        answer = articles_api("GET", "/articles", query={"cursor": candidate})
        assert answer.status == 400, candidate
        assert answer.pointers == ["/cursor"]


def test_a_cursor_made_up_to_reach_past_now_is_400(articles_api, clock):
    from syndicate.adapters.article_cursors import Listing

    clock.set("2025-12-17T10:00:00Z")
    position = "2030-01-01T00:00:00Z#" + "f" * 32  # where scheduled articles wait
    digest = Listing("Timeline", "public").digest(position, False)
    forged = base64.urlsafe_b64encode(json.dumps({"p": position, "c": False, "d": digest}).encode()).decode()

    answer = articles_api("GET", "/articles", query={"cursor": forged.rstrip("=")})

    assert answer.status == 400
    assert answer.pointers == ["/cursor"]


@pytest.mark.parametrize("query", [{}, {"category": "space-science-journalism"}, {"publisher": "me"}])
def test_every_listing_pages_through_with_its_own_cursors(articles_api, query):
    for day in range(1, 6):
        document = {**seed(), "title": f"Day {day}", "published_at": f"2025-12-0{day}T08:00:00Z"}
        document["categories"] = ["Other", "Space/science journalism"] if day % 2 else document["categories"]
        articles_api("POST", "/articles", body=document)

    seen, cursor = [], None
    while True:
        page = articles_api("GET", "/articles", query={**query, "limit": "2", **({"cursor": cursor} if cursor else {})})
        assert page.status == 200, page.body
        seen += [a["title"] for a in page.json["articles"]]
        cursor = page.json["cursor"]
        if not cursor:
            break

    assert seen == [f"Day {day}" for day in range(5, 0, -1)]


def test_listing_own_articles_includes_drafts(articles_api):
    articles_api("POST", "/articles", body=events.article("lunar-gateway-draft"))
    mine = articles_api("GET", "/articles", query={"publisher": "me"}).json["articles"]
    assert [a["status"] for a in mine] == ["draft"]


def test_an_idempotent_request_in_progress_expires_with_its_invocation(articles_api, stack):
    import time

    import boto3

    before_ms = int(time.time() * 1000)
    articles_api("POST", "/articles", body=seed(), headers={"Idempotency-Key": "deadline"})

    [record] = boto3.client("dynamodb").scan(TableName=stack.name("IdempotencyTable"))["Items"]
    # FakeLambdaContext has 10 s left: a crashed attempt stops blocking retries when it would have timed out.
    deadline_ms = int(record["in_progress_expiration"]["N"])
    assert before_ms + 9_000 <= deadline_ms <= int(time.time() * 1000) + 10_000


# -- idempotency up to the body limit (issue 9, item 5) -----------------------------------------


def near_one_megabyte() -> dict:
    """The seed article with a body of CJK text that takes the request near its 1 MB limit."""
    paragraph = "天宫空间站的机械臂在轨道上捕获了货运飞船。" * 40 + "\n\n"
    body = paragraph * (330_000 // len(paragraph))
    document = {**seed(), "body": body}
    size = len(json.dumps(document, ensure_ascii=False).encode("utf-8"))
    assert 950_000 < size <= 1024 * 1024, size
    return document


def test_an_idempotency_key_works_with_a_body_near_the_one_megabyte_limit(articles_api, stack):
    import boto3

    document, key = near_one_megabyte(), {"Idempotency-Key": "big-one"}

    first = articles_api("POST", "/articles", raw_body=json.dumps(document, ensure_ascii=False), headers=key)
    again = articles_api("POST", "/articles", raw_body=json.dumps(document, ensure_ascii=False), headers=key)

    assert (first.status, again.status) == (201, 201)
    assert again.json == first.json
    assert again.header("ETag") == first.header("ETag")
    assert len(articles_api("GET", "/articles", query={"publisher": "me"}).json["articles"]) == 1
    assert articles_api("GET", f"/articles/{first.json['id']}").json["body"] == document["body"]
    [record] = boto3.client("dynamodb").scan(TableName=stack.name("IdempotencyTable"))["Items"]
    assert len(json.dumps(record)) < 2_000  # a reference to the article, not the article


def test_a_replay_answers_with_the_article_the_first_request_created_as_it_is_now(articles_api):
    key = {"Idempotency-Key": "then-edited"}
    first = articles_api("POST", "/articles", body=seed(), headers=key)
    articles_api("PUT", f"/articles/{first.json['id']}", body={**seed(), "title": "Edited since"})

    again = articles_api("POST", "/articles", body=seed(), headers=key)

    assert again.status == 201
    assert again.json["id"] == first.json["id"]
    assert again.header("Location") == first.header("Location")
    assert again.json["title"] == "Edited since"
    assert again.json["version"] == 2
    assert len(articles_api("GET", "/articles", query={"publisher": "me"}).json["articles"]) == 1


def test_writes_answer_without_the_body_and_reads_with_it(articles_api):
    created = articles_api("POST", "/articles", body=seed())
    put = articles_api("PUT", "/articles/potd", body=seed())
    replaced = articles_api("PUT", "/articles/potd", body={**seed(), "title": "Replaced"})

    for answer in (created, put, replaced):
        assert not {"body", "body_html"} & set(answer.json), answer.status
        assert len(answer.body) < 4_000
    read = articles_api("GET", "/articles/potd").json
    assert read["body"] == seed()["body"] and read["body_html"].startswith("<h2>")


# -- bounded output (issue 9, item 4) ------------------------------------------------------------

LAMBDA_PAYLOAD_LIMIT = 6 * 1024 * 1024


def test_a_body_with_more_structure_than_its_length_pays_for_is_422_naming_body(articles_api):
    answer = articles_api("POST", "/articles", body={**seed(), "body": "[" * 300_000})

    assert answer.status == 422
    assert [(e["pointer"], e["message"]) for e in answer.json["errors"]] == [
        ("/body", answer.json["errors"][0]["message"])
    ]
    assert "more Markdown structure" in answer.json["errors"][0]["message"]
    assert articles_api("GET", "/articles", query={"publisher": "me"}).json["articles"] == []


def test_a_body_whose_html_passes_the_cap_is_422_naming_body(articles_api):
    answer = articles_api("PUT", "/articles/big", body={**seed(), "body": "    " + "<" * 499_996})

    assert answer.status == 422
    assert answer.pointers == ["/body"]
    assert "bytes of HTML" in answer.json["errors"][0]["message"]
    assert articles_api("GET", "/articles/big").status == 404


def test_an_article_too_large_to_return_is_refused_before_it_is_stored(articles_api):
    body = "é" * 490_000  # 2 bytes each in the request, 6 in each of body and body_html once escaped
    answer = articles_api("PUT", "/articles/big", raw_body=json.dumps({**seed(), "body": body}, ensure_ascii=False))

    assert answer.status == 422
    assert answer.pointers == ["/body"]
    assert "as the API returns it" in answer.json["errors"][0]["message"]
    assert articles_api("GET", "/articles/big").status == 404


def test_the_largest_accepted_articles_are_returned_within_lambdas_limit(articles_api):
    for name, body in {"cjk": near_one_megabyte()["body"], "html": "    " + "<" * 498_000}.items():
        raw = json.dumps({**seed(), "body": body}, ensure_ascii=False)
        stored = articles_api("PUT", f"/articles/{name}", raw_body=raw)
        assert stored.status == 201, stored.body

        read = articles_api("GET", f"/articles/{name}")

        assert read.status == 200
        assert read.json["body"] == body
        assert 2_000_000 < read.payload_bytes < LAMBDA_PAYLOAD_LIMIT


def largest_metadata(number: int) -> dict:
    """Every field other than the body as large as the contract allows, in 4-byte characters."""
    wide = "𝔸"
    return {
        **seed(),
        "title": f"{number} " + wide * 290,
        "summary": wide * 2000,
        "tags": [f"{n}" + wide * 57 for n in range(30)],
        "authors": [{"name": wide * 200, "url": "https://a.example/" + "x" * 2000} for _ in range(20)],
        "image": {"url": "https://i.example/" + "y" * 2000, "alt": wide * 500, "caption": wide * 2000},
        "body": "Body.",
    }


def test_a_listing_of_the_largest_metadata_stays_within_lambdas_limit_and_pages_on(articles_api):
    """DynamoDB ends a Query page at 1 MB of items, which bounds a page's answer (about 4 MB at
    worst, escaped), whatever the limit asked for."""
    for number in range(45):
        assert articles_api("PUT", f"/articles/meta-{number}", body=largest_metadata(number)).status == 201

    seen, cursor, pages = [], None, []
    while True:
        query = {"publisher": "me", "limit": "100", **({"cursor": cursor} if cursor else {})}
        page = articles_api("GET", "/articles", query=query)
        assert page.status == 200
        assert page.payload_bytes < LAMBDA_PAYLOAD_LIMIT
        pages.append(len(page.json["articles"]))
        seen += [article["id"] for article in page.json["articles"]]
        cursor = page.json["cursor"]
        if not cursor:
            break

    assert len(pages) > 1 and pages[0] < 45  # cut short by size, not by limit (moto keeps the 1 MB rule)
    assert sorted(seen) == sorted(f"meta-{number}" for number in range(45))


def test_a_problem_lists_at_most_a_hundred_fields_however_many_are_wrong(articles_api):
    document = {**seed(), **{f"unknown-{n}": n for n in range(5_000)}}

    answer = articles_api("POST", "/articles", body=document)

    assert answer.status == 422
    assert len(answer.json["errors"]) == 100
    assert answer.json["detail"] == "The article has 5000 invalid fields. The first 100 are listed."
    assert answer.payload_bytes < 20_000
