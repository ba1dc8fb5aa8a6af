"""RFC 5005 archives: walking prev-archive from the feed reaches every article exactly once."""

from __future__ import annotations

import json
import os

import feedparser
import pytest

from syndicate.adapters.clients import client
from tests.support import events
from tests.support.stack import invoke

PAGE = 3  # FEED_ITEM_COUNT for these tests: the feed and every archive page hold 3


@pytest.fixture
def render(stack, articles_api, monkeypatch):
    stack.use("RenderFeedsFunction", monkeypatch)
    monkeypatch.setenv("FEED_ITEM_COUNT", str(PAGE))
    from syndicate.handlers import render_feeds

    return lambda: invoke(render_feeds.handler, events.load("schedules/render-feeds.json"))


@pytest.fixture
def read(stack):
    bucket = stack.name("SiteBucket")
    return lambda key: client("s3").get_object(Bucket=bucket, Key=key)["Body"].read()


API_IDS: dict[str, str] = {}  # feed entry id -> the id the publisher addresses the article by


def publish_many(articles_api, clock, count: int, *, render=None) -> list[str]:
    ids = []
    for number in range(count):
        clock.advance(minutes=1)
        document = events.article("ocean-heatwave-explainer") | {"title": f"Article {number}"}
        document.pop("published_at", None)
        answer = articles_api("POST", "/articles", body=document)
        assert answer.status == 201
        ids.append(f"urn:syndicate:article:{answer.json['public_id']}")
        API_IDS[ids[-1]] = answer.json["id"]
        if render:
            render()
    return ids


def walk(read, key: str) -> list[list[str]]:
    """Entry ids page by page, from ``key`` back through prev-archive (JSON Feed: next_url)."""
    site_url = os.environ["SITE_URL"]
    pages, seen_keys = [], set()
    while key:
        assert key not in seen_keys, f"prev-archive loops back to {key}"
        seen_keys.add(key)
        body = read(key)
        if key.endswith(".json"):
            document = json.loads(body)
            pages.append([item["id"] for item in document["items"]])
            url = document.get("next_url")
        else:
            parsed = feedparser.parse(body)
            assert not parsed.bozo, parsed.get("bozo_exception")
            pages.append([entry.id for entry in parsed.entries])
            url = next((link.href for link in parsed.feed.get("links", []) if link.rel == "prev-archive"), None)
        key = url.removeprefix(f"{site_url}/") if url else None  # type: ignore[assignment]  # None ends the walk
    return pages


@pytest.mark.parametrize("feed", ["feeds/rss.xml", "feeds/atom.xml", "feeds/feed.json"])
def test_walking_back_from_the_feed_reaches_every_article_exactly_once(render, read, articles_api, clock, feed):
    published = publish_many(articles_api, clock, 11)

    render()

    pages = walk(read, feed)
    walked = [entry for page in pages for entry in page]
    assert sorted(walked) == sorted(published)
    assert pages[0] == list(reversed(published))[:PAGE]  # the feed: the newest N, newest first


def test_archives_built_one_render_at_a_time_still_reach_every_article_once(render, read, articles_api, clock):
    published = publish_many(articles_api, clock, 10, render=render)

    pages = walk(read, "feeds/categories/climate/atom.xml")

    walked = [entry for page in pages for entry in page]
    assert sorted(walked) == sorted(published)
    assert [len(page) for page in pages] == [3, 1, 3, 3]  # feed, open page 4, sealed 2 and 1


def test_a_full_archive_page_does_not_change_as_newer_articles_arrive(render, read, stack, articles_api, clock):
    publish_many(articles_api, clock, 6)
    render()
    sealed = read("feeds/archive/1/rss.xml")

    publish_many(articles_api, clock, 5)
    render()

    assert read("feeds/archive/1/rss.xml") == sealed
    head = client("s3").head_object(Bucket=stack.name("SiteBucket"), Key="feeds/archive/1/rss.xml")
    # A withdrawal may still rewrite it, so it is cached no longer than the feed itself.
    assert head["CacheControl"] == "public, max-age=300"


def test_archive_pages_say_they_are_archives_and_link_to_the_feed(render, read, articles_api, clock):
    publish_many(articles_api, clock, 7)

    render()

    archive = feedparser.parse(read("feeds/archive/1/atom.xml"))
    rels = {link.rel: link.href for link in archive.feed.links}
    assert rels["current"].endswith("/feeds/atom.xml")
    assert "prev-archive" not in rels  # page 1 is the oldest
    assert b"<fh:archive/>" in read("feeds/archive/1/atom.xml")
    assert json.loads(read("feeds/archive/1/feed.json"))["expired"] is True


def test_retracting_a_feed_article_pulls_an_archived_one_back_without_duplicates(render, read, articles_api, clock):
    published = publish_many(articles_api, clock, 5)  # feed holds 3, open page 2
    render()

    retracted = published[-1]
    assert articles_api("DELETE", f"/articles/{API_IDS[retracted]}").status == 204
    render()

    walked = [entry for page in walk(read, "feeds/rss.xml") for entry in page]
    assert sorted(walked) == sorted(published[:-1])


def test_an_open_page_emptied_by_retraction_is_removed(render, read, stack, articles_api, clock):
    published = publish_many(articles_api, clock, 4)  # feed holds 3, open page 1 holds the oldest
    render()
    assert read("feeds/archive/1/rss.xml")

    articles_api("DELETE", f"/articles/{API_IDS[published[0]]}")
    render()

    listed = client("s3").list_objects_v2(Bucket=stack.name("SiteBucket"), Prefix="feeds/archive/")
    assert listed.get("KeyCount", 0) == 0
    assert walk(read, "feeds/rss.xml") == [list(reversed(published[1:]))]
