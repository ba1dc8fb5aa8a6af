"""Where an article lives in ``ArticlesTable`` and ``ArticleBucket``, and its item <-> ``Article``.

Table layout (keys and indexes are declared in template.yaml, ``ArticlesTable``):

* article item      ``pk=ARTICLE#{id}``, ``sk=ARTICLE``: the metadata, the S3 key and version of
  the body, the id of the write that stored it (``write_id``); a published article's item also
  carries its first category (``category``).
* category item     ``pk=ARTICLE#{id}``, ``sk=CATEGORY#{slug}``: a copy of the metadata for each
  further category of a published article, so every category listing is one Query.
* directory item    ``pk=CATEGORIES``, ``sk={slug}``: the display name of every category an
  article was ever published in, so the feed renderer learns which category feeds exist with
  one Query, never a Scan.
* withdrawal item   ``pk=WITHDRAWALS``, ``sk={updated_at}#{id}#{version}``: written with a write
  that takes a public article out of feeds (``adapters.withdrawals``), for the feed archives.

Sparse indexes, all sorted by ``position`` = ``{published_at}#{id}``:

* ``Timeline``     partition ``timeline`` = "public" on published article items.
* ``ByCategory``   partition ``category`` = slug on article items (first category) and
                   category items (the others).
* ``ByPublisher``  partition ``publisher_listing`` = publisher id on article items not retracted.

Scheduled articles are in the indexes from the start; readers cut the range at "now".

Bodies are in ``ArticleBucket`` (versioned) at ``articles/{id}/{write_id}.json``, a key per write.
"""

from __future__ import annotations

from typing import Any

from syndicate.adapters.dynamodb import plain
from syndicate.articles.model import PUBLISHED, Article

PUBLIC = "public"
CATEGORY_DIRECTORY = "CATEGORIES"
ARTICLE_SORT_KEY = "ARTICLE"
CATEGORY_SORT_PREFIX = "CATEGORY#"

INDEX_KEYS = {
    "Timeline": ("timeline", "position"),
    "ByCategory": ("category", "position"),
    "ByPublisher": ("publisher_listing", "position"),
}


def article_key(article_id: str) -> dict[str, str]:
    return {"pk": f"ARTICLE#{article_id}", "sk": ARTICLE_SORT_KEY}


def category_key(article_id: str, slug: str) -> dict[str, str]:
    return {"pk": f"ARTICLE#{article_id}", "sk": f"{CATEGORY_SORT_PREFIX}{slug}"}


def body_key(article_id: str, write_id: str) -> str:
    """Each write stores its body under a key of its own, so no write ever overwrites a body that
    another (committed, or perhaps committed) write refers to."""
    return f"articles/{article_id}/{write_id}.json"


def listed_slugs(article: Article) -> tuple[str, ...]:
    """The categories a published article is listed in, its first one first; none otherwise."""
    return article.category_slugs if article.status == PUBLISHED else ()


def item_from_article(article: Article) -> dict[str, Any]:
    """The metadata attributes every item of an article carries (its keys and index keys aside)."""
    item = article.metadata()
    item["position"] = article.position
    return {name: value for name, value in item.items() if value is not None and value != {}}


def article_from_item(item: dict[str, Any]) -> Article:
    return Article(
        id=item["id"],
        publisher_id=item["publisher_id"],
        version=int(item["version"]),
        status=item["status"],
        title=item["title"],
        categories=tuple(item["categories"]),
        published_at=item["published_at"],
        created_at=item["created_at"],
        updated_at=item["updated_at"],
        content_hash=item["content_hash"],
        extras=plain(item.get("extras") or {}),
        retracted_at=item.get("retracted_at"),
        body_key=item.get("body_key"),
        body_version=item.get("body_version"),
        own_id=item.get("own_id"),
    )
