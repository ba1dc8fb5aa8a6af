"""Each entry is rendered once per article version, in each format, and reused by later renders."""

from __future__ import annotations

import dataclasses
from collections import Counter

import pytest

from syndicate.feeds import documents, render
from syndicate.feeds.render import FeedRenderer, RenderLimits
from tests.support.clock import FakeClock
from tests.support.feeds import MemorySite, MemorySource, article

SITE = "https://site.example"


@pytest.fixture
def rendered_fragments(monkeypatch) -> Counter[tuple[str, str, int]]:
    """(format, article id, version) of every entry fragment rendered from here on."""
    counted: Counter[tuple[str, str, int]] = Counter()

    def counting(fmt: documents.Format) -> documents.Format:
        def entry(value, tag_domain):
            counted[(fmt.name, value.article_id, versions[value.article_id])] += 1
            return fmt.entry(value, tag_domain)

        return dataclasses.replace(fmt, entry=entry)

    versions: dict[str, int] = {}
    formats = tuple(counting(fmt) for fmt in documents.FORMATS)
    monkeypatch.setattr(documents, "FORMATS", formats)
    monkeypatch.setattr(render, "FORMATS", formats)
    original_build = render.FeedRenderer._build

    def build(self, article, run):
        versions[article.id] = article.version
        return original_build(self, article, run)

    monkeypatch.setattr(render.FeedRenderer, "_build", build)
    return counted


def renderer(source: MemorySource, site: MemorySite, **options) -> FeedRenderer:
    return FeedRenderer(source, site, FakeClock("2026-01-01T00:00:00Z"), site_url=SITE, item_count=10, **options)


@pytest.mark.parametrize("stored", [12, 300])
def test_a_render_after_one_new_article_renders_that_entry_once_per_format_whatever_the_feed_holds(
    stored, rendered_fragments
):
    articles = [article(number) for number in range(stored)]
    source, site = MemorySource(articles[:-1]), MemorySite()
    feeds = renderer(source, site)
    while feeds.render().sealed_pages:  # the backlog archived, as the first renders do
        pass
    rendered_fragments.clear()

    source.articles = articles
    report = feeds.render()

    newest = articles[-1].id
    assert "feeds/rss.xml" in report.written
    assert rendered_fragments == {("rss", newest, 1): 1, ("atom", newest, 1): 1, ("json", newest, 1): 1}


def test_an_update_renders_the_new_version_of_that_entry_and_nothing_else(rendered_fragments):
    articles = [article(number) for number in range(25)]
    source, site = MemorySource(articles), MemorySite()
    feeds = renderer(source, site)
    feeds.render()
    rendered_fragments.clear()

    changed = articles[20].with_changes(version=2, title="Corrected title")
    source.articles = [*articles[:20], changed, *articles[21:]]
    feeds.render()

    assert set(rendered_fragments) == {(fmt, changed.id, 2) for fmt in ("rss", "atom", "json")}
    assert b"Corrected title" in site.objects["feeds/rss.xml"]
    assert b"Corrected title" in site.objects["feeds/feed.json"]


def test_documents_assembled_from_reused_fragments_are_the_bytes_a_fresh_render_writes():
    articles = [article(number, categories=("Climate", "Oceans")) for number in range(40)]
    source, site = MemorySource(articles[:30]), MemorySite()
    feeds = renderer(source, site)
    feeds.render()
    source.articles = articles
    feeds.render()

    fresh_site = MemorySite()
    renderer(MemorySource(articles), fresh_site).render()

    documents_written = {key for key in fresh_site.objects if key.startswith("feeds/")}
    assert documents_written
    assert {key: site.objects[key] for key in documents_written} == {
        key: fresh_site.objects[key] for key in documents_written
    }


def test_without_room_to_keep_entries_every_shown_entry_is_rendered_again(rendered_fragments):
    # What the cache saves: with no room, a render after one new article renders every entry it shows.
    articles = [article(number) for number in range(12)]
    source, site = MemorySource(articles[:-1]), MemorySite()
    feeds = renderer(source, site, limits=RenderLimits(entry_cache_bytes=0))
    feeds.render()
    rendered_fragments.clear()

    source.articles = articles
    feeds.render()

    # every entry of both feeds it shows (the site-wide one and its category's), 12 each
    assert sum(count for (fmt, _, _), count in rendered_fragments.items() if fmt == "rss") == 24
