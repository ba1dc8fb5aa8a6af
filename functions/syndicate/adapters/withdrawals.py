"""The withdrawal log in ArticlesTable: each time a public article leaves feeds, one item says so.

Item: ``pk=WITHDRAWALS``, ``sk={updated_at}#{id}#{version}`` (the marker), with the position the
article left, the feeds it left (``""`` for the site-wide feed, else category slugs) and whether
it is public nowhere now. The article store adds the item to the write that withdraws the
article (``withdrawal_writes``), so the log and the article never disagree; the feed renderer
reads it (``WithdrawalLogTable``) to rewrite the sealed archive pages that held the article.

An article leaves feeds when a write makes a published article retracted or a draft, moves its
publication time (its position changes), or drops some of its categories. Items accumulate at
the rate of withdrawals; a render reads only those since its last one.
"""

from __future__ import annotations

from typing import Any

from syndicate.adapters.clients import client
from syndicate.adapters.dynamodb import marshal, unmarshal
from syndicate.articles.model import PUBLISHED, Article
from syndicate.feeds.ports import Withdrawal

WITHDRAWALS = "WITHDRAWALS"


def withdrawal_writes(table_name: str, article: Article, previous: Article | None) -> list[dict[str, Any]]:
    """The transaction item that logs ``previous`` leaving feeds as ``article`` replaces it, if it does."""
    if previous is None or previous.status != PUBLISHED:
        return []
    before = {"", *previous.category_slugs}
    moved = article.status != PUBLISHED or article.position != previous.position
    left = before if moved else before - {"", *article.category_slugs}
    if not left:
        return []
    item = {
        "pk": WITHDRAWALS,
        "sk": f"{article.updated_at}#{article.id}#{article.version}",
        "article_id": article.id,
        "position": previous.position,
        "feeds": sorted(left),
        "gone": article.status != PUBLISHED or article.published_at > article.updated_at,
    }
    return [{"Put": {"TableName": table_name, "Item": marshal(item)}}]


class WithdrawalLogTable:
    def __init__(self, table_name: str) -> None:
        self.table_name = table_name

    def since(self, after: str | None, *, limit: int) -> list[Withdrawal]:
        condition = "pk = :pk AND sk > :after" if after else "pk = :pk"
        values = {":pk": WITHDRAWALS, ":after": after} if after else {":pk": WITHDRAWALS}
        response = client("dynamodb").query(
            TableName=self.table_name,
            KeyConditionExpression=condition,
            ExpressionAttributeValues=marshal(values),
            ConsistentRead=True,
            Limit=limit,
        )
        return [_withdrawal(unmarshal(item)) for item in response.get("Items", [])]


def _withdrawal(item: dict[str, Any]) -> Withdrawal:
    return Withdrawal(
        marker=item["sk"],
        article_id=item["article_id"],
        position=item["position"],
        feeds=tuple(item["feeds"]),
        gone=bool(item["gone"]),
    )
