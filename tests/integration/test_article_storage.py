"""ArticleStore: a crash between the S3 and DynamoDB writes, racing writers and lost responses
lose nothing, and no failure path deletes what another attempt may have committed."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from syndicate import dependencies
from syndicate.adapters import clients
from syndicate.articles.model import public_article_id
from syndicate.articles.ports import VersionConflict
from tests.support import events
from tests.support.faults import LostResponse, no_backoff


class Crash(Exception):
    pass


def alices(own_id: str) -> str:
    """The store's id of the article pub_alice (the articles_api fixture's publisher) calls ``own_id``."""
    return public_article_id("pub_alice", own_id)


def test_crash_between_body_and_metadata_writes_leaves_no_visible_article(articles_api, stack, monkeypatch):
    real_client = clients.client

    def crashing_client(service: str):
        real = real_client(service)
        if service != "dynamodb":
            return real

        class CrashingDynamoDB:
            def __getattr__(self, name):
                if name in ("put_item", "transact_write_items"):

                    def crash(**_):
                        raise Crash("the container died here")

                    return crash
                return getattr(real, name)

        return CrashingDynamoDB()

    monkeypatch.setattr("syndicate.adapters.articles.client", crashing_client)
    with pytest.raises(Crash):
        dependencies.article_service().put("pub_alice", "potd", events.article("photo-of-the-day"))
    monkeypatch.setattr("syndicate.adapters.articles.client", real_client)

    assert articles_api("GET", "/articles/potd").status == 404
    assert articles_api("GET", "/articles", query={"publisher": "me"}).json["articles"] == []
    # The retry succeeds and the article is whole.
    retried = articles_api("PUT", "/articles/potd", body=events.article("photo-of-the-day"))
    assert retried.status == 201
    assert articles_api("GET", "/articles/potd").json["body"] == events.article("photo-of-the-day")["body"]


def test_a_reader_sees_the_body_version_the_metadata_points_at(articles_api, stack):
    articles_api("PUT", "/articles/potd", body=events.article("photo-of-the-day"))
    stored = dependencies.article_store().get(alices("potd"), with_body=False)
    # A body written over the same key (no write of ours does that) must not show through.
    boto3.client("s3").put_object(
        Bucket=stack.name("ArticleBucket"),
        Key=str(stored.body_key),
        Body=b'{"markdown": "orphan", "html": "<p>orphan</p>"}',
    )

    assert articles_api("GET", "/articles/potd").json["body"] == events.article("photo-of-the-day")["body"]


def test_the_slower_of_two_concurrent_writers_is_refused_not_lost(articles_api, stack):
    articles_api("PUT", "/articles/potd", body=events.article("photo-of-the-day"))
    store = dependencies.article_store()
    both_read = store.get(alices("potd"), with_body=False)

    first = both_read.with_changes(version=2, title="First writer", body_markdown=None)
    second = both_read.with_changes(version=2, title="Second writer", body_markdown=None)
    store.save(first, both_read)
    with pytest.raises(VersionConflict):
        store.save(second, both_read)

    assert articles_api("GET", "/articles/potd").json["title"] == "First writer"


def test_a_lost_race_is_a_409_for_the_client(articles_api, stack, monkeypatch):
    articles_api("PUT", "/articles/potd", body=events.article("photo-of-the-day"))
    store = dependencies.article_store()
    real_get = store.get

    def stale_get(article_id, *, with_body=True):  # the store's (public) id
        current = real_get(article_id, with_body=with_body)
        return current.with_changes(version=current.version - 1) if current else None

    articles_api("PUT", "/articles/potd", body={**events.article("photo-of-the-day"), "title": "Newer"})
    monkeypatch.setattr(store, "get", stale_get)

    answer = articles_api("PUT", "/articles/potd", body={**events.article("photo-of-the-day"), "title": "Stale"})

    assert answer.status == 409
    assert answer.header("Content-Type") == "application/problem+json"
    monkeypatch.undo()
    assert articles_api("GET", "/articles/potd").json["title"] == "Newer"


def titles_in(articles_api, category: str) -> list[str]:
    return [a["title"] for a in articles_api("GET", "/articles", query={"category": category}).json["articles"]]


def test_an_article_is_listed_in_each_of_its_categories_as_they_change(articles_api):
    article = {**events.article("ocean-heatwave-explainer"), "title": "Heat"}  # Climate, Data
    articles_api("PUT", "/articles/heat", body=article)
    assert titles_in(articles_api, "Climate") == titles_in(articles_api, "Data") == ["Heat"]

    # Its first category moves, one is dropped and one is added.
    articles_api("PUT", "/articles/heat", body={**article, "categories": ["Oceans", "Climate"]})
    assert titles_in(articles_api, "Oceans") == titles_in(articles_api, "Climate") == ["Heat"]
    assert titles_in(articles_api, "Data") == []

    articles_api("PUT", "/articles/heat", body={**article, "categories": ["Data"]})
    assert titles_in(articles_api, "Data") == ["Heat"]
    assert titles_in(articles_api, "Oceans") == titles_in(articles_api, "Climate") == []

    articles_api("DELETE", "/articles/heat")
    assert titles_in(articles_api, "Data") == []
    # The directory keeps every category ever published in (their feeds stay, now empty).
    assert [slug for slug, _ in dependencies.article_store().list_categories()] == ["climate", "data", "oceans"]


def test_a_draft_is_in_no_category_listing_until_published(articles_api):
    draft = {**events.article("ocean-heatwave-explainer"), "title": "Heat", "status": "draft"}
    articles_api("PUT", "/articles/heat", body=draft)
    assert titles_in(articles_api, "Climate") == titles_in(articles_api, "Data") == []
    assert dependencies.article_store().list_categories() == []

    articles_api("PUT", "/articles/heat", body={**draft, "status": "published"})
    assert titles_in(articles_api, "Climate") == titles_in(articles_api, "Data") == ["Heat"]


def test_an_article_in_a_known_category_is_one_s3_and_one_dynamodb_write(articles_api, stack):
    articles_api("POST", "/articles", body=events.article("photo-of-the-day"))  # records the category
    sent: list[str] = []

    def count(model, **_):
        sent.append(f"{model.service_model.service_name}:{model.name}")

    for service in ("s3", "dynamodb"):
        clients.client(service).meta.events.register("before-call", count)
    articles_api("POST", "/articles", body={**events.article("photo-of-the-day"), "title": "Tomorrow's photo"})

    assert sent == ["s3:PutObject", "dynamodb:PutItem"]


def test_another_container_records_the_directory_entry_again_harmlessly(articles_api):
    articles_api("POST", "/articles", body=events.article("photo-of-the-day"))
    dependencies.forget()  # a fresh container, which has not written the directory itself
    articles_api("POST", "/articles", body={**events.article("photo-of-the-day"), "title": "Again"})

    assert dependencies.article_store().list_categories() == [("space-science-journalism", "Space/science journalism")]
    assert len(titles_in(articles_api, "Space/science journalism")) == 2


# -- lost responses and retries (issue 9, item 3) ----------------------------------------------


def body_objects(stack) -> tuple[list, list]:
    """Every body version and every delete marker in ArticleBucket."""
    listing = boto3.client("s3").list_object_versions(Bucket=stack.name("ArticleBucket"), Prefix="articles/")
    return listing.get("Versions", []), listing.get("DeleteMarkers", [])


def assert_bodies_are_referenced_or_retired(stack, *article_ids: str) -> None:
    """The invariant the bucket's lifecycle rule relies on: the body each article item refers to
    is the current version of its key; every other body is noncurrent (so it expires)."""
    store = dependencies.article_store()
    referenced = {}
    for article_id in article_ids:
        article = store.get(alices(article_id), with_body=False)
        referenced[article.body_key] = article.body_version
    versions, _ = body_objects(stack)
    for version in versions:
        if version["Key"] in referenced and version["VersionId"] == referenced[version["Key"]]:
            assert version["IsLatest"], f"{version['Key']} is referenced but not current"
        else:
            assert not version["IsLatest"], f"{version['Key']} is referenced by nothing but stays current"


def test_a_put_item_whose_response_is_lost_succeeds_and_keeps_its_body(articles_api, stack, monkeypatch):
    no_backoff(monkeypatch)
    articles_api("PUT", "/articles/earlier", body=events.article("photo-of-the-day"))  # records the category
    lost = LostResponse(clients.client("dynamodb"), "PutItem")

    created = articles_api("PUT", "/articles/potd", body=events.article("photo-of-the-day"))

    assert lost.sent == 2  # the first attempt landed, its retry failed the condition
    assert created.status == 201
    read = articles_api("GET", "/articles/potd")
    assert read.status == 200
    assert read.json["body"] == events.article("photo-of-the-day")["body"]
    assert_bodies_are_referenced_or_retired(stack, "potd", "earlier")


def test_a_transaction_whose_response_is_lost_succeeds_and_keeps_its_body(articles_api, stack, monkeypatch):
    no_backoff(monkeypatch)
    sent_tokens: list[str] = []
    clients.client("dynamodb").meta.events.register(
        "before-parameter-build.dynamodb.TransactWriteItems",
        lambda params, **_: sent_tokens.append(params["ClientRequestToken"]),
    )
    lost = LostResponse(clients.client("dynamodb"), "TransactWriteItems")
    document = events.article("ocean-heatwave-explainer")  # two categories: one transaction

    created = articles_api("PUT", "/articles/heat", body=document)

    assert lost.sent == 2
    assert created.status == 201
    assert len(sent_tokens) == 1 and len(sent_tokens[0]) <= 36  # one token, the same for every attempt
    assert articles_api("GET", "/articles/heat").json["body"] == document["body"]
    assert len(articles_api("GET", "/articles", query={"category": "Data"}).json["articles"]) == 1
    assert_bodies_are_referenced_or_retired(stack, "heat")


def test_a_replacement_whose_response_is_lost_succeeds_and_retires_only_the_old_body(articles_api, stack, monkeypatch):
    no_backoff(monkeypatch)
    articles_api("PUT", "/articles/potd", body=events.article("photo-of-the-day"))
    LostResponse(clients.client("dynamodb"), "PutItem")

    replaced = articles_api("PUT", "/articles/potd", body={**events.article("photo-of-the-day"), "body": "Second."})

    assert replaced.status == 200
    assert articles_api("GET", "/articles/potd").json["body"] == "Second."
    assert_bodies_are_referenced_or_retired(stack, "potd")


def test_a_body_put_whose_response_is_lost_is_retried_harmlessly(articles_api, stack, monkeypatch):
    no_backoff(monkeypatch)
    LostResponse(clients.client("s3"), "PutObject")

    created = articles_api("PUT", "/articles/potd", body=events.article("photo-of-the-day"))

    assert created.status == 201
    assert articles_api("GET", "/articles/potd").json["body"] == events.article("photo-of-the-day")["body"]
    assert_bodies_are_referenced_or_retired(stack, "potd")


def test_no_write_ever_deletes_a_body_version(articles_api, stack, monkeypatch):
    """Replacements, a lost race, a lost response and a retraction: every body ever written is
    still there (retired ones only carry a delete marker until the lifecycle rule expires them)."""
    no_backoff(monkeypatch)
    seed = events.article("photo-of-the-day")
    articles_api("PUT", "/articles/potd", body=seed)
    articles_api("PUT", "/articles/potd", body={**seed, "body": "Second."})
    store = dependencies.article_store()
    both_read = store.get(alices("potd"), with_body=False)
    store.save(both_read.with_changes(version=3, body_markdown="Third.", body_html="<p>Third.</p>"), both_read)
    with pytest.raises(VersionConflict):
        store.save(both_read.with_changes(version=3, body_markdown="Lost.", body_html="<p>Lost.</p>"), both_read)
    LostResponse(clients.client("dynamodb"), "PutItem")
    articles_api("PUT", "/articles/potd", body={**seed, "body": "Fifth."})
    articles_api("DELETE", "/articles/potd")

    versions, markers = body_objects(stack)
    assert len(versions) == 5  # one per body written, none deleted
    assert len(markers) == 4  # every body but the one the article refers to is retired
    assert_bodies_are_referenced_or_retired(stack, "potd")


def test_contention_on_a_transaction_is_a_conflict_not_a_failure(articles_api, stack, monkeypatch):
    real_client = clients.client

    class ContendedDynamoDB:
        def __init__(self, real):
            self._real = real

        def __getattr__(self, name):
            return getattr(self._real, name)

        def transact_write_items(self, **_):
            raise ClientError(
                {
                    "Error": {"Code": "TransactionCanceledException", "Message": "Transaction cancelled"},
                    "CancellationReasons": [{"Code": "TransactionConflict"}, {"Code": "None"}],
                },
                "TransactWriteItems",
            )

    monkeypatch.setattr(
        "syndicate.adapters.articles.client",
        lambda service: ContendedDynamoDB(real_client(service)) if service == "dynamodb" else real_client(service),
    )

    answer = articles_api("PUT", "/articles/heat", body=events.article("ocean-heatwave-explainer"))

    assert answer.status == 409
    assert answer.header("Content-Type") == "application/problem+json"


# -- item sizes (issue 9, item 4) ---------------------------------------------------------------


def dynamodb_size(value: Any) -> int:
    """The size DynamoDB counts for an attribute value (names and values in UTF-8, numbers up to
    21 bytes, 3 bytes per list or map plus 1 per element)."""
    (kind, inner), *_ = value.items()
    if kind == "S":
        return len(inner.encode())
    if kind == "N":
        return 21
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "L":
        return 3 + sum(1 + dynamodb_size(item) for item in inner)
    if kind == "M":
        return 3 + sum(1 + len(name.encode()) + dynamodb_size(item) for name, item in inner.items())
    raise AssertionError(kind)


def test_the_largest_metadata_the_contract_allows_fits_a_dynamodb_item_with_room_to_spare(articles_api, stack):
    wide = "𝔸"  # 4 bytes in UTF-8
    document = {
        **events.article("photo-of-the-day"),
        "title": wide * 300,
        "summary": wide * 2000,
        "categories": [f"c{n}" + wide * 98 for n in range(10)],
        "tags": [f"{n}" + wide * 58 for n in range(30)],
        "authors": [{"name": wide * 200, "url": "https://a.example/" + "x" * 2000, "email": "a" * 60 + "@example.com"}]
        * 20,
        "image": {
            "url": "https://i.example/" + "y" * 2000,
            "alt": wide * 500,
            "caption": wide * 2000,
            "credit": wide * 300,
        },
        "canonical_url": "https://c.example/" + "z" * 2000,
    }

    assert articles_api("PUT", "/articles/largest", body=document).status == 201

    items: list[Any] = boto3.client("dynamodb").scan(TableName=stack.name("ArticlesTable"))["Items"]
    sizes = [sum(len(name) + dynamodb_size(value) for name, value in item.items()) for item in items]
    assert len([item for item in items if item["pk"]["S"].startswith("ARTICLE#")]) == 10  # the item and 9 copies
    assert 50_000 < max(sizes) < 200_000  # DynamoDB allows 400 KB
    assert sum(sizes) < 4_000_000  # and 4 MB in one transaction
