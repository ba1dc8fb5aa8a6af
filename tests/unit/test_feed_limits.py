"""Output bounded by input: entries and documents have size limits; walking back still meets every article once."""

from __future__ import annotations

import json

import feedparser
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from syndicate.feeds.documents import RenderedEntry
from syndicate.feeds.entries import EntryLimits, build_entry
from syndicate.feeds.entry_cache import EntryCache
from syndicate.feeds.render import FeedRenderer, RenderLimits
from tests.support.clock import FakeClock
from tests.support.feeds import MemorySite, MemorySource, article

SITE = "https://site.example"


def renderer(source, site, *, item_count=5, limits=None) -> FeedRenderer:
    return FeedRenderer(
        source, site, FakeClock("2026-01-01T00:00:00Z"), site_url=SITE, item_count=item_count, limits=limits
    )


def test_an_entry_over_the_limit_carries_its_summary_and_a_link_and_its_page_the_whole_body():
    big = article(1, extras={"summary": "What it is about."})
    whole = "<p>" + "A long paragraph. " * 60_000 + "</p>"  # over a megabyte of HTML
    site = MemorySite()

    report = renderer(MemorySource([big], bodies={big.id: whole}), site).render()

    content = feedparser.parse(site.objects["feeds/rss.xml"]).entries[0].content[0].value
    assert "What it is about." in content and f'href="{SITE}/articles/{big.id}.html"' in content
    assert len(content) < 1000
    assert report.shortened_entries == [big.id]
    assert whole in site.objects[f"articles/{big.id}.html"].decode()
    assert all(len(body) < 8 * 1024 for key, body in site.objects.items() if key.startswith("feeds/"))


def walk_json(site: MemorySite, key: str = "feeds/feed.json") -> list[list[str]]:
    pages = []
    while key:
        document = json.loads(site.objects[key])
        pages.append([item["id"].rsplit(":", 1)[1] for item in document["items"]])
        key = document.get("next_url", "").removeprefix(f"{SITE}/")
    return pages


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    sizes=st.lists(st.integers(min_value=0, max_value=9000), max_size=30),
    item_count=st.integers(min_value=1, max_value=6),
    renders=st.integers(min_value=1, max_value=3),
)
def test_no_document_passes_its_limit_and_walking_back_meets_every_article_once(sizes, item_count, renders):
    limits = RenderLimits(entry=EntryLimits(content_bytes=6000), document_bytes=12_000, frame_bytes=2500)
    articles = [article(number) for number in range(len(sizes))]
    bodies = {a.id: "<p>" + "b" * size + "</p>" for a, size in zip(articles, sizes, strict=True)}
    site, source = MemorySite(), MemorySource([], bodies=bodies)
    feeds = renderer(source, site, item_count=item_count, limits=limits)
    for batch in range(renders):  # articles arrive over several renders, as they would
        source.articles = articles[: len(articles) * (batch + 1) // renders]
        feeds.render()

    pages = walk_json(site)
    walked = [entry for page in pages for entry in page]
    assert sorted(walked) == sorted(a.id for a in articles)
    assert all(len(page) <= item_count for page in pages)
    for key, body in site.objects.items():
        if key.startswith("feeds/"):
            assert len(body) <= limits.document_bytes, key


def test_a_document_holds_fewer_entries_rather_than_pass_its_limit():
    articles = [article(number) for number in range(5)]
    bodies = {a.id: "<p>" + "c" * 5000 + "</p>" for a in articles}
    limits = RenderLimits(entry=EntryLimits(content_bytes=6000), document_bytes=14_000, frame_bytes=2500)
    site = MemorySite()

    renderer(MemorySource(articles, bodies=bodies), site, item_count=5, limits=limits).render()

    pages = walk_json(site)
    assert len(pages[0]) == 2  # two entries of about 5 kB fit in 14 kB, not five
    assert sorted(entry for page in pages for entry in page) == sorted(a.id for a in articles)


def test_a_render_after_one_new_article_reads_only_its_body():
    articles = [article(number) for number in range(8)]
    source, site = MemorySource(articles[:7]), MemorySite()
    feeds = renderer(source, site)
    feeds.render()
    source.bodies_read = 0

    source.articles = articles
    feeds.render()

    assert source.bodies_read == 1


def test_the_entry_cache_stays_within_its_bytes():
    cache = EntryCache(max_bytes=10_000)
    entry = build_entry(article(1, body_html=None), "https://site.example")
    for number in range(100):
        cache.put(article(number), RenderedEntry(entry, (b"x" * 1000, b"y" * 1000, b"z" * 1000), 1001))

    kept = [number for number in range(100) if cache.get(article(number))]
    assert kept == [97, 98, 99]
