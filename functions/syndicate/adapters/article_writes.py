"""Write planning: the DynamoDB operations that store an article over its previous version.

The article item comes first and carries the condition on the version it replaces; category
copies follow for each further category of a published article, stale copies are deleted, a
withdrawal is logged when a public article leaves the feeds (``adapters.withdrawals``), and
directory entries are added for categories this container has not recorded yet. One operation
is a PutItem; more go in one transaction, so listings never disagree.
"""

from __future__ import annotations

from collections.abc import Set
from typing import Any

from syndicate.adapters.article_items import (
    CATEGORY_DIRECTORY,
    PUBLIC,
    article_key,
    category_key,
    item_from_article,
    listed_slugs,
)
from syndicate.adapters.dynamodb import marshal
from syndicate.adapters.withdrawals import withdrawal_writes
from syndicate.articles.model import PUBLISHED, RETRACTED, Article, category_slug


def write_operations(
    table_name: str, article: Article, previous: Article | None, recorded: Set[str], write_id: str | None = None
) -> tuple[list[dict[str, Any]], set[str]]:
    """The operations that store ``article`` over ``previous`` (the article item's first), and
    the directory entries among them (those not in ``recorded``). ``write_id``, recorded on the
    article item, lets a writer whose response was lost tell its own write from another's."""
    listed = listed_slugs(article)
    put = _article_put(table_name, article, previous, listed, write_id)
    operations: list[dict[str, Any]] = [{"Put": put}]
    copies = listed[1:]
    metadata = item_from_article(article) if copies else {}
    for slug in copies:
        category_item = {**category_key(article.id, slug), "category": slug, **metadata}
        operations.append({"Put": {"TableName": table_name, "Item": marshal(category_item)}})
    stale = set(listed_slugs(previous)[1:] if previous else ()) - set(copies)
    for slug in sorted(stale):
        operations.append({"Delete": {"TableName": table_name, "Key": marshal(category_key(article.id, slug))}})
    operations.extend(withdrawal_writes(table_name, article, previous))  # for the feed archives
    names: dict[str, str] = {}
    for name in article.categories if listed else ():
        names.setdefault(category_slug(name), name)
    directory = set(names) - set(recorded)
    for slug in sorted(directory):
        entry = {"pk": CATEGORY_DIRECTORY, "sk": slug, "name": names[slug]}
        operations.append({"Put": {"TableName": table_name, "Item": marshal(entry)}})
    return operations, directory


def _article_put(
    table_name: str, article: Article, previous: Article | None, listed: tuple[str, ...], write_id: str | None
) -> dict[str, Any]:
    item = {**article_key(article.id), **item_from_article(article)}
    if write_id is not None:
        item["write_id"] = write_id
    if article.status == PUBLISHED:
        item["timeline"] = PUBLIC
    if article.status != RETRACTED:
        item["publisher_listing"] = article.publisher_id
    if listed:
        item["category"] = listed[0]
    put: dict[str, Any] = {"TableName": table_name, "Item": marshal(item)}
    if previous is None:
        put["ConditionExpression"] = "attribute_not_exists(pk)"
    else:
        put["ConditionExpression"] = "version = :expected"
        put["ExpressionAttributeValues"] = marshal({":expected": previous.version})
    return put
