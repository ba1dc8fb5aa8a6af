"""ArticleStore: a crash between the S3 and DynamoDB writes, and racing writers, lose nothing."""

from __future__ import annotations

import boto3
import pytest

from syndicate import dependencies
from syndicate.adapters import clients
from syndicate.articles.ports import VersionConflict
from tests.support import events


class Crash(Exception):
    pass


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
    # An orphan body written by a writer that then crashed must not show through.
    boto3.client("s3").put_object(
        Bucket=stack.name("ArticleBucket"),
        Key="articles/potd/body.json",
        Body=b'{"markdown": "orphan", "html": "<p>orphan</p>"}',
    )

    assert articles_api("GET", "/articles/potd").json["body"] == events.article("photo-of-the-day")["body"]


def test_the_slower_of_two_concurrent_writers_is_refused_not_lost(articles_api, stack):
    articles_api("PUT", "/articles/potd", body=events.article("photo-of-the-day"))
    store = dependencies.article_store()
    both_read = store.get("potd", with_body=False)

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

    def stale_get(article_id, *, with_body=True):
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
