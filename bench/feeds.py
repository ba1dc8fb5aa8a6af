"""Feeds: rendering 1,000 RSS items against feedgen, and AWS requests per render vs articles stored.

1. The same 1,000 articles (bodies, summaries, authors, categories, photo) rendered to RSS 2.0 by
   our Jinja2 templates and by the ``feedgen`` library, in the same run; best of several rounds.
   Our side starts from ``Article`` values (entry building, XML character stripping included).
2. The AWS requests a render makes, counted with botocore's ``before-call`` hook on moto, with
   20 and with 10,000 stored articles (a steady render, and one after a new article).
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
ROUNDS = 5
STORED = (20, 10_000)  # a small store and a large one


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
    from syndicate.feeds.documents import FeedDocument, FeedLinks, render_rss
    from syndicate.feeds.entries import build_entry

    entries = tuple(build_entry(article, site_url) for article in articles)
    document = FeedDocument(title="Syndicate", description="Every article", home_url=site_url, entries=entries)
    return render_rss(document, FeedLinks(f"{site_url}/feeds/rss.xml"), f"{site_url}/tags")


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


def _best(rounds: int, function, *args) -> float:
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        function(*args)
        best = min(best, time.perf_counter() - started)
    return best


def render_speed(items: int = ITEMS, rounds: int = ROUNDS) -> None:
    articles = _articles(items)
    site_url = "https://site.example"
    ours(articles, site_url), theirs(articles, site_url)  # warm up (templates compiled, imports done)
    our_time, their_time = _best(rounds, ours, articles, site_url), _best(rounds, theirs, articles, site_url)
    print(f"RSS of {items} items: ours {our_time * 1000:.1f} ms, feedgen {their_time * 1000:.1f} ms (best of {rounds})")
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


def request_counts(stored: tuple[int, int] = STORED) -> None:
    os.environ["FEED_ITEM_COUNT"] = "50"
    small, large = stored
    few, many = _requests(small), _requests(large)
    print(
        f"AWS requests per render, nothing new:  {small:,} stored -> {few[0]}, {large:,} stored -> {many[0]} "
        f"(ratio {many[0] / few[0]:.2f}x)"
    )
    print(
        f"AWS requests per render, one new article: {small:,} stored -> {few[1]}, {large:,} stored -> {many[1]} "
        f"(ratio {many[1] / few[1]:.2f}x; with more than a feed's worth stored the new article pushes one into "
        f"each feed's open archive page, 3 more documents per feed: what is shown, not what is stored)"
    )


def main(quick: bool = False) -> None:
    """``quick``: tiny sizes, so CI can run it (the figures then mean nothing)."""
    render_speed(items=20, rounds=1) if quick else render_speed()
    request_counts(stored=(20, 120)) if quick else request_counts()


if __name__ == "__main__":
    main()
