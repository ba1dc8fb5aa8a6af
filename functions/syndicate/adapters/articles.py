"""ArticleStore: article bodies in S3, metadata in DynamoDB.

The key layout is in ``article_items``, cursors in ``article_cursors``, and which operations a
write makes in ``article_writes``; this module sends the requests.

A write puts the body into the versioned bucket first, under a key of its own, then writes the
items, conditioned on the version the article item replaces: one PutItem when only the article
item changes (an article in one category, the common case), otherwise one transaction. Readers
follow the key and version id recorded in DynamoDB, so a crash between the two writes leaves only
an unreferenced S3 object, never a visible half-article; a lost race fails the condition and
changes nothing. Because every write has its own key, the body an article refers to is always
the current version of its key, and a bucket lifecycle rule on noncurrent versions can collect
what no article refers to without ever touching what one does.

The directory only ever grows, so a store remembers the entries it has written and adds an
entry to an article's transaction only the first time this container publishes in that
category. An entry is therefore never written without its article, nor an article without it.
"""

from __future__ import annotations

import contextlib
import json
import uuid
from typing import Any, NoReturn

from botocore.exceptions import BotoCoreError, ClientError

from syndicate.adapters.article_cursors import Listing, decode_cursor, encode_cursor
from syndicate.adapters.article_items import (
    CATEGORY_DIRECTORY,
    INDEX_KEYS,
    PUBLIC,
    article_from_item,
    article_key,
    body_key,
)
from syndicate.adapters.article_writes import write_operations
from syndicate.adapters.clients import client
from syndicate.adapters.dynamodb import is_condition_failure, marshal, unmarshal
from syndicate.articles.model import Article
from syndicate.articles.ports import InvalidCursor, Page, VersionConflict


class ArticleStore:
    def __init__(self, table_name: str, bucket_name: str) -> None:
        self.table_name = table_name
        self.bucket_name = bucket_name
        self._recorded_categories: set[str] = set()  # directory entries this container wrote

    # -- reads --------------------------------------------------------------------------------

    def get(self, article_id: str, *, with_body: bool = True) -> Article | None:
        response = client("dynamodb").get_item(
            TableName=self.table_name, Key=marshal(article_key(article_id)), ConsistentRead=True
        )
        if "Item" not in response:
            return None
        article = article_from_item(unmarshal(response["Item"]))
        return self.with_body(article) if with_body else article

    def with_body(self, article: Article) -> Article:
        """The article with the body its metadata points at (that S3 version, not the newest)."""
        if article.body_key is None or article.body_version is None:
            return article
        response = client("s3").get_object(
            Bucket=self.bucket_name, Key=article.body_key, VersionId=article.body_version
        )
        body = json.loads(response["Body"].read())
        return article.with_changes(body_markdown=body["markdown"], body_html=body["html"])

    def list_public(self, *, category: str | None, now: str, limit: int, cursor: str | None) -> Page:
        """Public articles newest first (in one category's listing if ``category`` is a slug)."""
        listing = Listing("ByCategory", category) if category else Listing("Timeline", PUBLIC)
        cutoff = f"{now}#~"  # after every position published at or before now
        start = None
        if cursor:
            position, start = decode_cursor(cursor, listing)
            if position >= cutoff:  # not a place this listing can have stopped at
                raise InvalidCursor(cursor)
        partition, sort = INDEX_KEYS[listing.index]
        return self._query(
            listing,
            condition="#p = :p AND #s < :cutoff",
            names={"#p": partition, "#s": sort},
            values={":p": listing.partition, ":cutoff": cutoff},
            limit=limit,
            start=start,
        )

    def list_by_publisher(self, publisher_id: str, *, limit: int, cursor: str | None) -> Page:
        """The publisher's articles not retracted, drafts and scheduled ones included, newest first."""
        listing = Listing("ByPublisher", publisher_id)
        start = decode_cursor(cursor, listing)[1] if cursor else None
        partition, _ = INDEX_KEYS[listing.index]
        return self._query(
            listing, condition="#p = :p", names={"#p": partition}, values={":p": publisher_id}, limit=limit, start=start
        )

    def _query(
        self,
        listing: Listing,
        *,
        condition: str,
        names: dict[str, str],
        values: dict[str, Any],
        limit: int,
        start: dict[str, Any] | None,
    ) -> Page:
        request: dict[str, Any] = {
            "TableName": self.table_name,
            "IndexName": listing.index,
            "KeyConditionExpression": condition,
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": marshal(values),
            "ScanIndexForward": False,
            "Limit": limit,
        }
        if start is not None:
            request["ExclusiveStartKey"] = start
        response = client("dynamodb").query(**request)
        articles = [article_from_item(unmarshal(item)) for item in response.get("Items", [])]
        last = response.get("LastEvaluatedKey")
        return Page(articles, encode_cursor(listing, unmarshal(last)) if last else None)

    def public_range(
        self, *, category: str | None, after: str | None, before: str, limit: int, newest_first: bool
    ) -> Page:
        """Up to ``limit`` public articles with ``after < position < before`` (both exclusive).

        One Query per page of results; ``cursor`` is not None when more articles are in range.
        Used by the feed renderer, which never reads below its archive watermark.
        """
        if after is not None and after >= before:
            return Page([], None)
        listing = Listing("ByCategory", category) if category else Listing("Timeline", PUBLIC)
        partition, sort = INDEX_KEYS[listing.index]
        request: dict[str, Any] = {
            "TableName": self.table_name,
            "IndexName": listing.index,
            "KeyConditionExpression": "#p = :p AND #s BETWEEN :low AND :high",
            "ExpressionAttributeNames": {"#p": partition, "#s": sort},
            "ExpressionAttributeValues": marshal({":p": listing.partition, ":low": after or " ", ":high": before}),
            "ScanIndexForward": not newest_first,
        }
        found: list[Article] = []
        while True:
            # +2: BETWEEN is inclusive, and the bounds themselves are not in range.
            request["Limit"] = limit - len(found) + 2
            response = client("dynamodb").query(**request)
            more = _take_in_range(response.get("Items", []), found, limit, (after, before), listing)
            last = response.get("LastEvaluatedKey")
            if more is not None or not last:
                return Page(found, more)
            if len(found) == limit:
                return Page(found, encode_cursor(listing, unmarshal(last)))
            request["ExclusiveStartKey"] = last

    def list_categories(self) -> list[tuple[str, str]]:
        """(slug, display name) of every category in the directory, by slug; a Query per page."""
        request: dict[str, Any] = {
            "TableName": self.table_name,
            "KeyConditionExpression": "pk = :pk",
            "ExpressionAttributeValues": marshal({":pk": CATEGORY_DIRECTORY}),
        }
        found: list[tuple[str, str]] = []
        while True:
            response = client("dynamodb").query(**request)
            found.extend((item["sk"]["S"], item["name"]["S"]) for item in response.get("Items", []))
            if "LastEvaluatedKey" not in response:
                return found
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    # -- writes -------------------------------------------------------------------------------

    def save(self, article: Article, previous: Article | None) -> Article:
        """Store ``article`` over ``previous``: its new body (if it has one), then its items.

        A conditional write whose response is lost is retried by botocore, and the retry fails
        its condition against the write that did land. So before a failure is reported, the
        article item is read again: finding this write's id there is a success. No failure path
        deletes anything; a body that is no longer referenced (or, after a failed condition, never
        can be) is only marked deleted, so that the bucket's lifecycle rule expires it later.
        """
        write_id = uuid.uuid4().hex
        own_body = article.body_markdown is not None
        if own_body:
            article = self._put_body(article, write_id)
        writes, directory = self.write_operations(article, previous, write_id=write_id)
        try:
            self._send(writes, write_id)
        except (ClientError, BotoCoreError) as error:
            if not self._landed(article, write_id):
                self._give_up(article, error, retire=article.body_key if own_body else None)
        self._recorded_categories.update(directory)
        if previous is not None and previous.body_key not in (None, article.body_key):
            self._retire_body(previous.body_key)
        return article

    def write_operations(
        self, article: Article, previous: Article | None, *, write_id: str | None = None
    ) -> tuple[list[dict[str, Any]], set[str]]:
        """The write operations that store ``article`` over ``previous`` (the article item's
        first), and the directory entries among them."""
        return write_operations(self.table_name, article, previous, self._recorded_categories, write_id)

    def _send(self, writes: list[dict[str, Any]], write_id: str) -> None:
        if len(writes) == 1:
            client("dynamodb").put_item(**writes[0]["Put"])
        else:
            # The token makes DynamoDB answer a retried transaction that already committed with success.
            client("dynamodb").transact_write_items(TransactItems=writes, ClientRequestToken=write_id)

    def _landed(self, article: Article, write_id: str) -> bool:
        """Whether the article item is the one this write made (read consistently)."""
        response = client("dynamodb").get_item(
            TableName=self.table_name,
            Key=marshal(article_key(article.id)),
            ConsistentRead=True,
            ProjectionExpression="version, write_id",
        )
        found = unmarshal(response.get("Item") or {})
        return found.get("write_id") == write_id and found.get("version") == article.version

    def _give_up(self, article: Article, error: ClientError | BotoCoreError, *, retire: str | None) -> NoReturn:
        """Report a write that did not land. After a failed condition it never can (versions only
        grow and items are never deleted), so the body it wrote (``retire``) is retired; after any
        other failure an attempt may still be in flight, and the body stays as it is."""
        if isinstance(error, ClientError) and is_condition_failure(error):
            if retire is not None:
                self._retire_body(retire)
            raise VersionConflict(article.id) from error
        if isinstance(error, ClientError) and _is_contention(error):
            raise VersionConflict(article.id) from error
        raise error

    def _put_body(self, article: Article, write_id: str) -> Article:
        key = body_key(article.id, write_id)
        response = client("s3").put_object(
            Bucket=self.bucket_name,
            Key=key,
            Body=json.dumps({"markdown": article.body_markdown, "html": article.body_html}).encode("utf-8"),
            ContentType="application/json",
        )
        return article.with_changes(body_key=key, body_version=str(response["VersionId"]))

    def _retire_body(self, key: str) -> None:
        """Mark a body no article refers to any more as deleted: its version becomes noncurrent and
        the lifecycle rule of ``ArticleBucket`` expires it; until then a reader that holds the old
        metadata still reads it by version id. Best effort: a body left current is only storage."""
        with contextlib.suppress(ClientError, BotoCoreError):
            client("s3").delete_object(Bucket=self.bucket_name, Key=key)


def _take_in_range(
    items: list[dict[str, Any]], found: list[Article], limit: int, bounds: tuple[str | None, str], listing: Listing
) -> str | None:
    """Append the items strictly inside ``bounds`` to ``found``, up to ``limit``; the cursor of the
    first one left over, if any."""
    for item in items:
        values = unmarshal(item)
        article = article_from_item(values)
        if article.position in bounds:
            continue
        if len(found) == limit:
            return encode_cursor(listing, values)
        found.append(article)
    return None


def _is_contention(error: ClientError) -> bool:
    """A transaction cancelled because another one was changing the same items at that moment."""
    reasons = error.response.get("CancellationReasons") or []
    return any(reason.get("Code") == "TransactionConflict" for reason in reasons)
