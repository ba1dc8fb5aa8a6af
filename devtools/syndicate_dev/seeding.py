"""Many articles in the store quickly, for request-count tests and benchmarks (never in a Lambda).

``seed_metadata`` writes the same DynamoDB items ``ArticleStore.save`` writes (it asks the store
for them) with batched puts and no S3 body, so thousands of articles take a second, not minutes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from syndicate.adapters.articles import ArticleStore
from syndicate.adapters.clients import client
from syndicate.articles.model import PUBLISHED, Article
from syndicate.clock import isoformat


def make_article(number: int, *, published_at: datetime, categories: tuple[str, ...] = ("Science",)) -> Article:
    stamp = isoformat(published_at)
    return Article(
        id=f"{number:032x}",
        publisher_id="pub_seed",
        version=1,
        status=PUBLISHED,
        title=f"Seeded article {number}",
        categories=categories,
        published_at=stamp,
        created_at=stamp,
        updated_at=stamp,
        content_hash=f"{number:064x}",
    )


def seeded_articles(count: int, *, newest: datetime, start: int = 0) -> list[Article]:
    """``count`` published articles a minute apart, the last at ``newest``."""
    return [make_article(start + n, published_at=newest - timedelta(minutes=count - 1 - n)) for n in range(count)]


def seed_metadata(store: ArticleStore, articles: Iterable[Article]) -> None:
    items: dict[tuple[str, str], dict] = {}
    for article in articles:
        operations, _ = store.write_operations(article, previous=None)  # the store's own item layout
        for operation in operations:
            item = operation["Put"]["Item"]
            items[(item["pk"]["S"], item["sk"]["S"])] = item
    requests = [{"PutRequest": {"Item": item}} for item in items.values()]
    dynamodb = client("dynamodb")
    for start in range(0, len(requests), 25):
        pending = {store.table_name: requests[start : start + 25]}
        while pending:
            pending = dynamodb.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}


def utc(moment: str) -> datetime:
    return datetime.fromisoformat(moment.replace("Z", "+00:00")).astimezone(UTC)
