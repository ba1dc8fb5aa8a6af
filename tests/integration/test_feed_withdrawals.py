"""A retracted article is, after the next render, in no feed, no archive page and no digest, and its page is gone.

Sealed archive pages are below the watermark no render reads again; the store's withdrawal log
tells the renderer which of them an article left, and those pages are rewritten.
"""

from __future__ import annotations

import pytest

from syndicate.adapters.clients import client
from tests.integration.test_feed_archives import API_IDS, PAGE, publish_many, walk
from tests.support import events
from tests.support.mail import bodies
from tests.support.stack import invoke

FEEDS = ("feeds/rss.xml", "feeds/atom.xml", "feeds/feed.json", "feeds/categories/climate/atom.xml")


@pytest.fixture
def render(stack, articles_api, monkeypatch):
    stack.use("RenderFeedsFunction", monkeypatch)
    monkeypatch.setenv("FEED_ITEM_COUNT", str(PAGE))
    from syndicate.handlers import render_feeds

    return lambda: invoke(render_feeds.handler, events.load("schedules/render-feeds.json"))


@pytest.fixture
def site(stack):
    bucket = stack.name("SiteBucket")

    class Site:
        def read(self, key: str) -> bytes:
            return client("s3").get_object(Bucket=bucket, Key=key)["Body"].read()

        def stored(self) -> set[str]:
            listed = client("s3").list_objects_v2(Bucket=bucket)
            return {item["Key"] for item in listed.get("Contents", [])}

    return Site()


def everywhere(site) -> set[str]:
    """Every entry id a reader can reach from any feed, walking back through every archive page."""
    return {entry for feed in FEEDS for page in walk(site.read, feed) for entry in page}


def article_id(entry_id: str) -> str:
    """The public id an entry names (feeds and page paths use it)."""
    return entry_id.rsplit(":", 1)[1]


def api_path(entry_id: str) -> str:
    """Where the publisher's API has the article an entry names (by the publisher's own id)."""
    return f"/articles/{API_IDS[entry_id]}"


def test_a_retracted_article_leaves_its_sealed_archive_page_and_its_page_is_deleted(render, site, articles_api, clock):
    published = publish_many(articles_api, clock, 8)  # feed 3, open page 3: 2, sealed page 1: the oldest 3
    render()
    gone = published[1]
    assert gone in walk(site.read, "feeds/rss.xml")[-1]  # in sealed page 1
    assert f"articles/{article_id(gone)}.html" in site.stored()

    assert articles_api("DELETE", api_path(gone)).status == 204
    report = render()

    assert gone not in everywhere(site)
    assert everywhere(site) == set(published) - {gone}
    assert f"articles/{article_id(gone)}.html" not in site.stored()
    assert report["rewritten_pages"] == 3  # page 1 of the site-wide feed, of "climate" and of "data"


def test_an_article_made_a_draft_leaves_its_sealed_archive_page(render, site, articles_api, clock):
    published = publish_many(articles_api, clock, 8)
    render()
    unpublished = article_id(published[0])
    document = events.article("ocean-heatwave-explainer") | {"title": "Article 0", "status": "draft"}
    document.pop("published_at", None)

    assert articles_api("PUT", api_path(published[0]), body=document).status == 200
    render()

    assert published[0] not in everywhere(site)
    assert f"articles/{unpublished}.html" not in site.stored()


def test_an_article_moved_out_of_a_category_leaves_only_that_category_s_archive(render, site, articles_api, clock):
    published = publish_many(articles_api, clock, 8)
    render()
    moved = article_id(published[0])
    document = events.article("ocean-heatwave-explainer") | {"title": "Article 0", "categories": ["Oceans"]}
    document.pop("published_at", None)

    assert articles_api("PUT", api_path(published[0]), body=document).status == 200
    render()

    climate = {
        entry for page in walk(site.read, "feeds/categories/climate/atom.xml") for page in [page] for entry in page
    }
    assert published[0] not in climate
    assert f"articles/{moved}.html" in site.stored()  # still public


def test_a_retraction_is_read_once_however_many_renders_follow(render, site, articles_api, clock):
    published = publish_many(articles_api, clock, 8)
    render()
    articles_api("DELETE", api_path(published[1]))
    assert render()["rewritten_pages"] == 3

    clock.advance(minutes=5)
    second = render()

    assert second["rewritten_pages"] == 0 and second["written"] == 0


def test_a_retracted_article_is_in_no_digest(world, clock):
    clock.set("2025-12-17T06:00:00Z")
    world.subscribed("reader@example.com")
    clock.set("2025-12-17T10:00:00Z")
    kept = world.publish(events.article("ocean-heatwave-explainer"))
    gone = world.publish(events.article("photo-of-the-day"))
    assert world.publisher("DELETE", f"/articles/{gone['id']}").status == 204
    world.outbox.clear()

    world.digest("daily", at="2025-12-18T07:00:00Z")

    [mail] = world.outbox.to("reader@example.com")
    assert kept["title"] in bodies(mail)[0]
    assert gone["title"] not in bodies(mail)[0]
