"""Feeds: rendering 1,000 RSS items against feedgen, AWS requests per render vs articles stored, and
the largest feed document (and the renderer's memory) that the worst 1 MB article bodies produce.

1. The same 1,000 articles (bodies, summaries, authors, categories, photo) rendered to RSS 2.0 by
   our Jinja2 templates and by the ``feedgen`` library, in the same run, rounds of each taken in
   turn; the best round of each, in CPU time (the process's own, so other work on a shared
   machine does not count).
   Our side starts from ``Article`` values (entry building, XML character stripping included).
2. The AWS requests a render makes, counted with botocore's ``before-call`` hook on moto, with
   20 and with 10,000 stored articles (a steady render, and one after a new article).
3. Bodies just under the 1 MB request limit written to grow the most: through Markdown and the
   sanitizer (every link gains attributes) and through each format's escaping (Atom writes a
   quote as five bytes). For each, FEED_ITEM_COUNT (50) such articles are rendered with the
   limits (``feeds.render.RenderLimits``) and without them (the same code with limits set out
   of reach, standing for the unbounded renderer): the largest document of either, and the peak
   of memory Python allocated during the render (tracemalloc), against the entry and document
   limits and the function's 512 MB.

``main(quick=True)`` runs each part at tiny sizes, so CI keeps the module from rotting.
"""

from __future__ import annotations

import os
import time
import uuid
from collections import Counter
from datetime import timedelta

for _name, _value in {
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
    "AWS_DEFAULT_REGION": "us-east-1",
}.items():
    os.environ[_name] = _value
os.environ.pop("AWS_ENDPOINT_URL", None)
os.environ.pop("AWS_PROFILE", None)

ITEMS = 1000
ROUNDS = 15


def _articles(count: int):
    from syndicate.articles.rendering import render_body
    from syndicate_dev.seeding import seeded_articles, utc

    markdown = "## Heading\n\n" + "A paragraph of reporting, with *emphasis* & a [link](https://example.com). " * 20
    html = render_body(markdown)
    image = {
        "url": "https://img.example/photo.jpg",
        "alt": "A photo",
        "caption": "Caption",
        "credit": "NASA",
        "type": "image/jpeg",
        "width": 1920,
        "height": 1280,
        "length": 412873,
    }
    return [
        article.with_changes(
            body_markdown=markdown,
            body_html=html,
            extras={
                "summary": f"Summary {n}",
                "authors": [{"name": "Space Desk"}],
                "tags": ["ISS"],
                "image": image,
                "canonical_url": f"https://news.example/{n}",
            },
        )
        for n, article in enumerate(seeded_articles(count, newest=utc("2025-12-17T09:00:00Z")))
    ]


def ours(articles, site_url: str) -> bytes:
    from syndicate.feeds.documents import FORMATS, FeedDocument, FeedLinks, RenderedEntry
    from syndicate.feeds.entries import build_entry

    # Each entry's RSS fragment, as a render makes it the first time it meets the article (it
    # makes the Atom and JSON Feed ones too: documents.render_entry), then the document around them.
    rss, tag_domain = FORMATS[0], f"{site_url}/tags"
    entries = []
    for article in articles:
        entry = build_entry(article, site_url)
        entries.append(RenderedEntry(entry, (rss.entry(entry, tag_domain),), 0))
    document = FeedDocument(title="Syndicate", description="Every article", home_url=site_url, entries=tuple(entries))
    return rss.render(document, FeedLinks(f"{site_url}/feeds/rss.xml"))


def theirs(articles, site_url: str) -> bytes:
    from datetime import datetime

    from feedgen.feed import FeedGenerator

    feed = FeedGenerator()
    feed.load_extension("media")
    feed.load_extension("dc")
    feed.title("Syndicate")
    feed.link(href=site_url, rel="alternate")
    feed.link(href=f"{site_url}/feeds/rss.xml", rel="self")
    feed.description("Every article")
    for article in reversed(articles):
        extras = article.extras
        entry = feed.add_entry(order="append")
        entry.title(article.title)
        entry.link(href=extras["canonical_url"])
        entry.guid(f"urn:syndicate:article:{article.id}", permalink=False)
        entry.pubDate(datetime.fromisoformat(article.published_at.replace("Z", "+00:00")))
        entry.description(extras["summary"])
        entry.content(article.body_html, type="CDATA")
        entry.category([{"term": name} for name in article.categories])
        entry.dc.dc_creator([author["name"] for author in extras["authors"]])
        image = extras["image"]
        # feedgen's media extension has no media:credit/description: it does a little less work than ours.
        entry.media.content(
            {"url": image["url"], "type": image["type"], "medium": "image", "fileSize": str(image["length"])}
        )
        entry.enclosure(image["url"], str(image["length"]), image["type"])
    return feed.rss_str(pretty=False)


def _cpu_time(function, *args) -> float:
    started = time.process_time()
    function(*args)
    return time.process_time() - started


def render_speed(items: int = ITEMS) -> None:
    articles = _articles(items)
    site_url = "https://site.example"
    ours(articles, site_url), theirs(articles, site_url)  # warm up (templates compiled, imports done)
    rounds = [(_cpu_time(ours, articles, site_url), _cpu_time(theirs, articles, site_url)) for _ in range(ROUNDS)]
    our_time, their_time = min(each[0] for each in rounds), min(each[1] for each in rounds)
    print(
        f"RSS of {items} items: ours {our_time * 1000:.1f} ms, "
        f"feedgen {their_time * 1000:.1f} ms (CPU, best of {ROUNDS})"
    )
    print(f"RSS of {items} items: ours / feedgen = {our_time / their_time:.2f}x (target <= 0.50x)")


def _requests(stored: int) -> tuple[int, int]:
    from moto import mock_aws

    from syndicate import dependencies
    from syndicate.adapters.articles import ArticleStore
    from syndicate.adapters.clients import client
    from syndicate.articles.rendering import render_body
    from syndicate_dev import template as tpl
    from syndicate_dev.provision import create_resources
    from syndicate_dev.seeding import make_article, seed_metadata, seeded_articles, utc

    with mock_aws():
        dependencies.forget()
        resolver = create_resources(tpl.load(), prefix=f"b{uuid.uuid4().hex[:8]}")
        env = resolver.environment(tpl.functions(tpl.load())["RenderFeedsFunction"])
        os.environ.update(env)
        os.environ["SCHEMAS_DIR"] = str(tpl.REPO / "schemas")
        dependencies.forget()
        now = utc("2025-12-17T10:00:00Z")
        dependencies.use_clock(lambda: now)
        store = ArticleStore(env["ARTICLES_TABLE"], env["ARTICLE_BUCKET"])
        seed_metadata(store, seeded_articles(stored, newest=now - timedelta(hours=1)))
        renderer = dependencies.feed_renderer()
        while renderer.render().sealed_pages:  # archive the backlog, as the first renders would
            pass
        calls: Counter[str] = Counter()
        for each in (client("s3"), client("dynamodb")):
            each.meta.events.register("before-call.*.*", lambda model, **_: calls.update([model.name]))
        renderer.render()
        steady = sum(calls.values())
        calls.clear()
        markdown = "## New\n\nA new article."
        new = make_article(10**7, published_at=now - timedelta(minutes=30))
        store.save(new.with_changes(body_markdown=markdown, body_html=render_body(markdown)), None)
        renderer.render()
        after_new = sum(calls.values())
        dependencies.forget()
    return steady, after_new


def request_counts(quick: bool = False) -> None:
    os.environ["FEED_ITEM_COUNT"] = "5" if quick else "50"
    stored = 60 if quick else 10_000
    few, many = _requests(20), _requests(stored)
    print(
        f"AWS requests per render, nothing new:  20 stored -> {few[0]}, {stored:,} stored -> {many[0]} "
        f"(ratio {many[0] / few[0]:.2f}x)"
    )
    print(
        f"AWS requests per render, one new article: 20 stored -> {few[1]}, {stored:,} stored -> {many[1]} "
        f"(ratio {many[1] / few[1]:.2f}x; with {stored:,} the new article pushes one into each feed's open "
        f"archive page, 3 more documents per feed: what is shown, not what is stored)"
    )


def worst_markdown(limit: int) -> dict[str, str]:
    """Bodies of at most ``limit`` characters (and UTF-8 bytes) that grow the most on the way to a feed."""
    links = "<https://example.com/a> "  # an autolink: href, rel and the text again
    quotes = '"' * 79 + "\n\n"  # text quotes: &#34; in Atom
    return {
        "autolinks": (links * (limit // len(links)))[:limit],
        "quotes": quotes * (limit // 81),
        "ampersands": ("& " * 39 + "\n\n") * (limit // 80),  # &amp; in the HTML, &amp;amp; in Atom
        # Just under the entry limit, so carried whole, and five times its size in Atom.
        "quotes under the entry limit": quotes * (min(limit, 118_000) // 81),
    }


def _largest_document(html: str, count: int, limits) -> tuple[int, int, int]:
    """(largest feed document, largest entry's content in it, peak bytes Python allocated) for ``count`` articles."""
    import tracemalloc

    from syndicate.feeds.render import FeedRenderer
    from tests.support.clock import FakeClock
    from tests.support.feeds import MemorySite, MemorySource, article

    articles = [article(number, extras={"summary": "A summary."}) for number in range(count)]
    source, site = MemorySource(articles, bodies={a.id: html for a in articles}), MemorySite()
    renderer = FeedRenderer(
        source,
        site,
        FakeClock("2026-01-01T00:00:00Z"),
        site_url="https://site.example",
        item_count=count,
        limits=limits,
    )
    tracemalloc.start()
    try:
        renderer.render()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    feeds = {key: body for key, body in site.objects.items() if key.startswith("feeds/")}
    largest = max(feeds, key=lambda key: len(feeds[key]))
    return len(feeds[largest]), max(len(body) for body in feeds.values()), peak


def bounded_output(quick: bool = False) -> None:
    from syndicate.articles.rendering import BodyRefused, render_body
    from syndicate.feeds.entries import EntryLimits
    from syndicate.feeds.render import RenderLimits

    count, limit = (3, 20_000) if quick else (50, 500_000)  # 500,000 characters: the contract's body limit
    bounded = RenderLimits()
    unbounded = RenderLimits(entry=EntryLimits(content_bytes=2**40), document_bytes=2**40, entry_cache_bytes=2**40)
    mb = 1024 * 1024
    for name, markdown in worst_markdown(limit).items():
        started = time.perf_counter()
        try:
            html = render_body(markdown)
        except BodyRefused:
            print(f"body {name}: refused at ingest (too much Markdown structure for its length): never stored")
            continue
        took = time.perf_counter() - started
        size, _, peak = _largest_document(html, count, bounded)
        open_size, _, open_peak = _largest_document(html, count, unbounded)
        print(
            f"body {name}: {len(markdown.encode()) / mb:.2f} MB Markdown -> {len(html.encode()) / mb:.2f} MB HTML "
            f"in {took:.2f} s; {count} such articles: largest feed document {size / mb:.2f} MB with the limits "
            f"({bounded.document_bytes / mb:.2f} MB document, {bounded.entry.content_bytes // 1024} KB entry), "
            f"{open_size / mb:.1f} MB without; peak memory {peak / mb:.0f} MB with, {open_peak / mb:.0f} MB without"
        )


def main(quick: bool = False) -> None:
    render_speed(20 if quick else ITEMS)
    request_counts(quick)
    bounded_output(quick)


if __name__ == "__main__":
    main()
