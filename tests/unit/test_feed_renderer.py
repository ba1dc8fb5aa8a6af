"""The feed renderer on in-memory fakes: failures stay local, WebSub, what gets written."""

from __future__ import annotations

import json
import logging

import feedparser

from syndicate.feeds.render import FeedRenderer
from tests.support.clock import FakeClock
from tests.support.feeds import FailingProbe, FixedProbe, MemorySite, MemorySource, RecordingPinger, article

SITE = "https://site.example"
HUB = "https://hub.example/"


def renderer(source, site, **options) -> FeedRenderer:
    options.setdefault("logger", logging.getLogger("test"))
    return FeedRenderer(source, site, FakeClock("2026-01-01T00:00:00Z"), site_url=SITE, item_count=5, **options)


def entry_ids(site: MemorySite, key: str = "feeds/rss.xml") -> list[str]:
    parsed = feedparser.parse(site.objects[key])
    assert not parsed.bozo
    return [entry.id.rsplit(":", 1)[1] for entry in parsed.entries]


def test_an_article_whose_body_cannot_be_read_is_left_out_and_the_rest_published():
    articles = [article(n) for n in range(3)]
    site = MemorySite()

    report = renderer(MemorySource(articles, broken_bodies={articles[1].id}), site).render()

    assert entry_ids(site) == [articles[2].id, articles[0].id]
    assert report.skipped_articles == [articles[1].id]


def test_a_feed_missing_a_bad_article_is_tried_again_on_the_next_render():
    articles = [article(n) for n in range(3)]
    source = MemorySource(articles, broken_bodies={articles[1].id})
    site = MemorySite()
    renderer(source, site).render()

    source.broken_bodies.clear()
    renderer(source, site).render()

    assert entry_ids(site) == [articles[2].id, articles[1].id, articles[0].id]


def image_article(number: int, **image):
    return article(number, extras={"image": {"url": f"https://img.example/{number}.jpg", "alt": "alt", **image}})


def test_an_image_that_cannot_be_resolved_loses_only_its_enclosure():
    unresolvable, fine = image_article(1), image_article(2, length=99, type="image/jpeg")
    site = MemorySite()

    report = renderer(MemorySource([unresolvable, fine]), site, image_probe=FailingProbe()).render()

    parsed = feedparser.parse(site.objects["feeds/rss.xml"])
    by_id = {entry.id.rsplit(":", 1)[1]: entry for entry in parsed.entries}
    assert by_id[unresolvable.id].enclosures == []
    assert by_id[unresolvable.id].media_content[0]["url"] == "https://img.example/1.jpg"
    assert by_id[fine.id].enclosures[0].length == "99"
    assert report.skipped_articles == []


def test_an_image_without_a_size_is_probed_once_per_container():
    probe = FixedProbe()
    source, site = MemorySource([image_article(1)]), MemorySite()
    feeds = renderer(source, site, image_probe=probe)

    feeds.render()
    source.articles[0] = source.articles[0].with_changes(version=2)
    feeds.render()

    enclosure = feedparser.parse(site.objects["feeds/rss.xml"]).entries[0].enclosures[0]
    assert (enclosure.length, enclosure.type) == ("12345", "image/jpeg")  # the type comes from the URL
    assert probe.calls == 1


def test_with_a_hub_every_feed_advertises_it():
    site = MemorySite()

    renderer(MemorySource([article(1)]), site, hub_url=HUB, pinger=RecordingPinger()).render()

    for key in ("feeds/rss.xml", "feeds/atom.xml", "feeds/categories/climate/atom.xml"):
        links = feedparser.parse(site.objects[key]).feed.links
        assert {"rel": "hub", "href": HUB} in [{"rel": link.rel, "href": link.href} for link in links]
    assert json.loads(site.objects["feeds/feed.json"])["hubs"] == [{"type": "WebSub", "url": HUB}]


def test_the_hub_is_pinged_for_each_feed_that_changed_and_only_then():
    pinger, site, source = RecordingPinger(), MemorySite(), MemorySource([article(1)])
    renderer(source, site, hub_url=HUB, pinger=pinger).render()
    assert sorted(topic for _, topic in pinger.pings) == sorted(
        f"{SITE}/{prefix}/{name}"
        for prefix in ("feeds", "feeds/categories/climate")
        for name in ("rss.xml", "atom.xml", "feed.json")
    )

    pinger.pings.clear()
    renderer(source, site, hub_url=HUB, pinger=pinger).render()

    assert pinger.pings == []


def test_a_hub_that_fails_never_fails_the_render_and_is_asked_once():
    site, pinger = MemorySite(), RecordingPinger(fail=True)

    report = renderer(MemorySource([article(1)]), site, hub_url=HUB, pinger=pinger).render()

    assert "feeds/rss.xml" in site.objects
    assert len(pinger.pings) == 1  # the hub is down: the other five are not tried in this render
    assert len(report.pending_pings) == 6
    assert site.state["pending_pings"] == report.pending_pings


def test_without_a_hub_no_feed_mentions_one():
    site = MemorySite()

    renderer(MemorySource([article(1)]), site).render()

    assert b'rel="hub"' not in site.objects["feeds/atom.xml"]
    assert "hubs" not in json.loads(site.objects["feeds/feed.json"])


def test_an_edited_article_is_rewritten_in_its_feeds_and_page():
    source, site = MemorySource([article(1)]), MemorySite()
    renderer(source, site).render()
    site.puts.clear()

    source.articles[0] = source.articles[0].with_changes(version=2, title="Corrected title")
    renderer(source, site).render()

    assert feedparser.parse(site.objects["feeds/rss.xml"]).entries[0].title == "Corrected title"
    assert f"articles/{source.articles[0].id}.html" in site.puts


def test_a_backlog_is_archived_over_several_renders_with_bounded_work():
    source, site = MemorySource([article(n) for n in range(38)]), MemorySite()
    feeds = renderer(source, site, max_sealed_pages_per_feed=2)

    first = feeds.render()
    feeds.render()
    feeds.render()

    assert first.sealed_pages == 4  # two per feed: the site feed and "climate"
    assert len(site.state["feeds"][""]["pages"]) == 6  # 33 archived: six full pages of 5 and 3 on the open page
    assert "feeds/archive/7/rss.xml" in site.objects  # the open page
