"""A render's AWS requests depend on the feeds and what they show, not on how many articles are stored.

Each world stores its articles in DynamoDB on moto (batched puts, metadata only: seeding through
the API would take minutes). Archiving a backlog of 2,000 on moto would take a long while too
(moto serializes big Query responses slowly), so the render state earlier renders would have
left (watermarks, fingerprints) is produced by the same renderer over an in-memory view of the
same articles and stored where the function reads it. The renders measured are real ones on moto.
"""

from __future__ import annotations

import uuid
from collections import Counter

from syndicate import dependencies
from syndicate.adapters.articles import ArticleStore
from syndicate.adapters.clients import client
from syndicate.adapters.site import SiteBucket
from syndicate.articles.rendering import render_body
from syndicate.feeds.render import FeedRenderer
from syndicate_dev.seeding import make_article, seed_metadata, seeded_articles, utc
from tests.support.feeds import MemorySite, MemorySource
from tests.support.requests import RequestCounter
from tests.support.stack import build_stack

ITEMS = 20


def requests_per_render(stored: int, monkeypatch, clock) -> tuple[Counter, Counter]:
    """(a render with nothing new, a render after one new article) in a world of ``stored`` articles."""
    stack = build_stack(prefix=f"t{uuid.uuid4().hex[:8]}")
    env = stack.use("RenderFeedsFunction", monkeypatch)
    monkeypatch.setenv("FEED_ITEM_COUNT", str(ITEMS))
    clock.set("2025-12-17T10:00:00Z")
    store = ArticleStore(env["ARTICLES_TABLE"], env["ARTICLE_BUCKET"])
    articles = seeded_articles(stored, newest=utc("2025-12-17T09:00:00Z"))
    seed_metadata(store, articles)
    earlier = MemorySite()
    while (
        FeedRenderer(
            MemorySource(articles), earlier, clock, site_url=env["SITE_URL"], api_url=env["API_URL"], item_count=ITEMS
        )
        .render()
        .sealed_pages
    ):
        pass
    SiteBucket(env["SITE_BUCKET"]).write_state(earlier.state or {})

    renderer = dependencies.feed_renderer()
    counter = RequestCounter(client("s3"), client("dynamodb"))
    assert renderer.render().written == []
    steady = Counter(counter.calls)

    markdown = "## New\n\nA new article."
    new = make_article(10**6, published_at=utc("2025-12-17T09:30:00Z"))
    store.save(new.with_changes(body_markdown=markdown, body_html=render_body(markdown)), None)
    counter.reset()
    renderer.render()
    return steady, Counter(counter.calls)


def test_a_render_makes_as_many_requests_with_2000_stored_articles_as_with_20(aws, clock, monkeypatch):
    few = requests_per_render(20, monkeypatch, clock)
    many = requests_per_render(2000, monkeypatch, clock)

    assert many == few
    steady, after_new = many
    # Nothing new: the lease (read, as this container's first render, then taken and given back),
    # the state, the withdrawal log, the category list, one Query per feed (site-wide and "Science").
    assert steady == Counter({"s3:GetObject": 2, "dynamodb:Query": 4, "s3:PutObject": 2})
    # One new article: the lease (two conditional puts: the container knows the free one it left);
    # its body; 3 formats x 2 feeds, plus each feed's open page (the article pushed out of the
    # newest 20); its article page; the home and category pages that list it; the state.
    # GetObject: the state and the new body.
    assert after_new == Counter({"s3:GetObject": 2, "dynamodb:Query": 4, "s3:PutObject": 2 + 6 + 6 + 1 + 2 + 1})
