"""RenderFeedsFunction on moto: articles published through the API come out in every feed."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from fnmatch import fnmatch

import feedparser
import pytest

from syndicate.adapters.clients import client
from syndicate.articles.model import category_slug
from syndicate_dev import template as tpl
from tests.support import events
from tests.support.stack import invoke

SEED_SLUG = "space-science-journalism"
FEED_KEYS = ("feeds/rss.xml", "feeds/atom.xml", "feeds/feed.json")


@pytest.fixture
def render(stack, articles_api, monkeypatch):
    """Run the render function as the schedule does, with the template's environment."""
    stack.use("RenderFeedsFunction", monkeypatch)
    from syndicate.handlers import render_feeds

    def run() -> dict:
        return invoke(render_feeds.handler, events.load("schedules/render-feeds.json"))

    return run


@pytest.fixture
def site(stack):
    bucket = stack.name("SiteBucket")

    class Site:
        def get(self, key: str) -> bytes:
            return client("s3").get_object(Bucket=bucket, Key=key)["Body"].read()

        def head(self, key: str) -> dict:
            return client("s3").head_object(Bucket=bucket, Key=key)

        def exists(self, key: str) -> bool:
            return key in self.keys()

        def keys(self) -> set[str]:
            pages = client("s3").get_paginator("list_objects_v2").paginate(Bucket=bucket)
            return {item["Key"] for page in pages for item in page.get("Contents", [])}

        def feed(self, key: str):
            parsed = feedparser.parse(self.get(key))
            assert not parsed.bozo, (key, parsed.get("bozo_exception"))
            return parsed

        def json_feed(self, key: str) -> dict:
            return json.loads(self.get(key))

    return Site()


def publish(articles_api, document: dict) -> str:
    answer = articles_api("POST", "/articles", body=document)
    assert answer.status == 201, answer.body
    return answer.json["public_id"]  # the id readers see; the API's own "id" is the publisher's


def seed_paragraphs() -> tuple[list[str], list[str]]:
    body = events.article("photo-of-the-day")["body"]
    blocks = [block.strip() for block in body.split("\n\n") if block.strip()]
    headings = [block[3:] for block in blocks if block.startswith("## ")]
    paragraphs = [block for block in blocks if not block.startswith("#")]
    return headings, paragraphs


def test_seed_article_comes_through_rss_and_atom_whole(render, site, articles_api):
    seed = events.article("photo-of-the-day")
    article_id = publish(articles_api, seed)

    render()

    headings, paragraphs = seed_paragraphs()
    for key in (
        "feeds/rss.xml",
        "feeds/atom.xml",
        f"feeds/categories/{SEED_SLUG}/rss.xml",
        f"feeds/categories/{SEED_SLUG}/atom.xml",
    ):
        (entry,) = site.feed(key).entries
        assert entry.title == seed["title"]
        assert entry.link == seed["canonical_url"]
        assert entry.id == f"urn:syndicate:article:{article_id}"
        assert entry.summary == seed["summary"]
        content = entry.content[0].value
        for heading in headings:
            assert f"<h2>{heading}</h2>" in content
        for paragraph in paragraphs:
            assert f"<p>{paragraph}</p>" in content
        assert "Space/science journalism" in [tag.term for tag in entry.tags]
        assert datetime(*entry.published_parsed[:6]).replace(tzinfo=UTC) == datetime(2025, 12, 17, 9, tzinfo=UTC)
        assert entry.author == "Syndicate Space Desk"
        (enclosure,) = entry.enclosures
        assert enclosure.href == seed["image"]["url"]
        assert int(enclosure.length) == seed["image"]["length"]
        assert enclosure.type == seed["image"]["type"]
        assert entry.media_content[0]["url"] == seed["image"]["url"]
        assert entry.media_credit[0]["content"] == seed["image"]["credit"]


def test_seed_article_comes_through_json_feed_whole(render, site, articles_api):
    seed = events.article("photo-of-the-day")
    article_id = publish(articles_api, seed)

    render()

    headings, paragraphs = seed_paragraphs()
    for key in ("feeds/feed.json", f"feeds/categories/{SEED_SLUG}/feed.json"):
        document = site.json_feed(key)
        assert document["version"] == "https://jsonfeed.org/version/1.1"
        (item,) = document["items"]
        assert item["id"] == f"urn:syndicate:article:{article_id}"
        assert item["title"] == seed["title"]
        assert item["summary"] == seed["summary"]
        assert item["url"] == seed["canonical_url"]
        for heading in headings:
            assert f"<h2>{heading}</h2>" in item["content_html"]
        for paragraph in paragraphs:
            assert f"<p>{paragraph}</p>" in item["content_html"]
        assert item["image"] == seed["image"]["url"]
        assert item["date_published"] == "2025-12-17T09:00:00Z"
        assert item["authors"] == seed["authors"]
        assert set(item["tags"]) == {*seed["categories"], *seed["tags"]}
        assert item["attachments"] == [
            {"url": seed["image"]["url"], "mime_type": "image/jpeg", "size_in_bytes": seed["image"]["length"]}
        ]


def test_rss_items_carry_the_best_practice_elements(render, site, articles_api):
    publish(articles_api, events.article("photo-of-the-day"))

    render()

    root = ET.fromstring(site.get("feeds/rss.xml"))
    atom = "{http://www.w3.org/2005/Atom}"
    (self_link,) = [link for link in root.iter(f"{atom}link") if link.get("rel") == "self"]
    assert self_link.get("href").endswith("/feeds/rss.xml")
    item = root.find("channel/item")
    assert item.find("guid").get("isPermaLink") == "false"
    assert item.findtext("pubDate") == "Wed, 17 Dec 2025 09:00:00 GMT"
    assert item.findtext("{http://purl.org/dc/elements/1.1/}creator") == "Syndicate Space Desk"
    media = item.find("{http://search.yahoo.com/mrss/}content")
    assert media.findtext("{http://search.yahoo.com/mrss/}description").startswith("Soyuz MS-28 on its final approach")


def test_every_feed_is_written_with_its_media_type_and_cache_control(render, site, articles_api):
    publish(articles_api, events.article("photo-of-the-day"))

    render()

    expected = {
        "rss.xml": "application/rss+xml; charset=utf-8",
        "atom.xml": "application/atom+xml; charset=utf-8",
        "feed.json": "application/feed+json; charset=utf-8",
    }
    for prefix in ("feeds", f"feeds/categories/{SEED_SLUG}"):
        for name, content_type in expected.items():
            head = site.head(f"{prefix}/{name}")
            assert head["ContentType"] == content_type
            assert head["CacheControl"] == "public, max-age=300"
            assert len(head["Metadata"]["sha256"]) == 64


def test_article_page_is_rendered_where_the_feeds_link(render, site, articles_api):
    document = {k: v for k, v in events.article("photo-of-the-day").items() if k != "canonical_url"}
    article_id = publish(articles_api, document)

    render()

    (entry,) = site.feed("feeds/rss.xml").entries
    assert entry.link.endswith(f"/articles/{article_id}.html")
    page = site.get(f"articles/{article_id}.html").decode()
    assert "<h1>Crewed Russian spacecraft meets up with ISS: Photo of the Day (Dec 17, 2025)</h1>" in page
    assert "<h2>Crew and scientific goals</h2>" in page
    assert site.head(f"articles/{article_id}.html")["ContentType"] == "text/html; charset=utf-8"


def test_unchanged_feeds_are_not_written_again(render, site, articles_api):
    publish(articles_api, events.article("photo-of-the-day"))
    render()

    second = render()

    assert second["written"] == 0
    assert second["unchanged_documents"] == 2  # the site feed and the category feed


def test_a_retracted_article_disappears_on_the_next_render(render, site, articles_api):
    kept = publish(articles_api, events.article("ocean-heatwave-explainer"))
    gone = articles_api("PUT", "/articles/gone", body=events.article("photo-of-the-day")).json["public_id"]
    render()
    assert len(site.feed("feeds/rss.xml").entries) == 2

    assert articles_api("DELETE", "/articles/gone").status == 204
    render()

    for key in ("feeds/rss.xml", "feeds/atom.xml", f"feeds/categories/{SEED_SLUG}/rss.xml"):
        assert [entry.id for entry in site.feed(key).entries] == (
            [f"urn:syndicate:article:{kept}"] if "categories" not in key else []
        )
    assert [item["id"] for item in site.json_feed("feeds/feed.json")["items"]] == [f"urn:syndicate:article:{kept}"]
    assert not site.exists(f"articles/{gone}.html")


def test_a_scheduled_article_appears_in_the_first_render_after_its_time(render, site, articles_api, clock):
    clock.set("2030-03-01T13:00:00Z")
    article_id = publish(articles_api, events.article("mars-sample-return-scheduled"))  # due 14:00Z
    render()
    assert site.feed("feeds/rss.xml").entries == []

    clock.set("2030-03-01T14:00:00Z")
    render()

    assert [entry.id for entry in site.feed("feeds/rss.xml").entries] == [f"urn:syndicate:article:{article_id}"]
    assert len(site.feed("feeds/categories/explainers/atom.xml").entries) == 1


def test_drafts_stay_out_of_every_feed(render, site, articles_api):
    publish(articles_api, events.article("lunar-gateway-draft"))

    render()

    assert site.feed("feeds/rss.xml").entries == []
    assert site.json_feed("feeds/feed.json")["items"] == []
    assert not any(key.startswith("feeds/categories/") for key in site.keys())  # noqa: SIM118 - Site is not a mapping


def test_category_feeds_live_under_their_slug(render, site, articles_api):
    document = events.article("photo-of-the-day") | {
        "categories": ["Space/science journalism", "Photo Essays & Galleries"]
    }
    publish(articles_api, document)

    render()

    slug = category_slug("Photo Essays & Galleries")
    assert slug == "photo-essays-galleries"
    parsed = site.feed(f"feeds/categories/{slug}/rss.xml")
    assert parsed.feed.title == "Syndicate: Photo Essays & Galleries"
    assert len(parsed.entries) == 1


def cloudfront_readable(template: dict) -> list[str]:
    """The keys (``*`` patterns) the site bucket policy lets CloudFront read."""
    policy = tpl.resources(template, "AWS::S3::BucketPolicy")["SiteBucketPolicy"]["PolicyDocument"]
    (statement,) = [s for s in policy["Statement"] if s.get("Sid") == "CloudFrontReadsPublishedObjects"]
    return [resource["Fn::Sub"].removeprefix("${SiteBucket.Arn}/") for resource in statement["Resource"]]


def test_cloudfront_reads_every_page_and_feed_but_not_the_render_state(render, site, articles_api, stack):
    publish(articles_api, events.article("photo-of-the-day"))

    render()

    readable = cloudfront_readable(stack.template)
    unpublished = {key for key in site.keys() if not any(fnmatch(key, pattern) for pattern in readable)}  # noqa: SIM118 - not a mapping
    assert unpublished == {"_render/feeds-state.json", "_render/lease.json"}
    assert {"index.html", "assets/site.css", f"categories/{SEED_SLUG}.html"} <= site.keys()
