"""ArticleStore: article bodies in S3, metadata in DynamoDB.

Table layout (keys and indexes are declared in template.yaml, ``ArticlesTable``):

* article item      ``pk=ARTICLE#{id}``, ``sk=ARTICLE``: the metadata, the S3 version of the body;
  a published article's item also carries its first category (``category``).
* category item     ``pk=ARTICLE#{id}``, ``sk=CATEGORY#{slug}``: a copy of the metadata for each
  further category of a published article, so every category listing is one Query.
* directory item    ``pk=CATEGORIES``, ``sk={slug}``: the display name of every category an
  article was ever published in, so the feed renderer learns which category feeds exist with
  one Query, never a Scan.
* withdrawal item   ``pk=WITHDRAWALS``, ``sk={updated_at}#{id}#{version}``: written with a write
  that takes a public article out of feeds (``adapters.withdrawals``).

Sparse indexes, all sorted by ``position`` = ``{published_at}#{id}``:

* ``Timeline``     partition ``timeline`` = "public" on published article items.
* ``ByCategory``   partition ``category`` = slug on article items (first category) and
                   category items (the others).
* ``ByPublisher``  partition ``publisher_listing`` = publisher id on article items not retracted.

Scheduled articles are in the indexes from the start; readers cut the range at "now".

A write puts the body into the versioned bucket first, then writes the items, conditioned on
the version the article item replaces: one PutItem when only the article item changes (an
article in one category, the common case), otherwise one transaction. Readers follow the
version id recorded in DynamoDB, so a crash between the two writes leaves only an unreferenced
S3 object version, never a visible half-article; a lost race fails the condition and changes
nothing.

The directory only ever grows, so a store remembers the entries it has written and adds an
entry to an article's transaction only the first time this container publishes in that
category. An entry is therefore never written without its article, nor an article without it.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
from typing import Any

from botocore.exceptions import ClientError

from syndicate.adapters.clients import client
from syndicate.adapters.dynamodb import is_condition_failure, marshal, plain, unmarshal
from syndicate.adapters.withdrawals import withdrawal_writes
from syndicate.articles.model import PUBLISHED, RETRACTED, Article, category_slug
from syndicate.articles.ports import InvalidCursor, Page, VersionConflict

PUBLIC = "public"
CATEGORY_DIRECTORY = "CATEGORIES"

INDEX_KEYS = {
    "Timeline": ("timeline", "position"),
    "ByCategory": ("category", "position"),
    "ByPublisher": ("publisher_listing", "position"),
}


def article_key(article_id: str) -> dict[str, str]:
    return {"pk": f"ARTICLE#{article_id}", "sk": "ARTICLE"}


def body_key(article_id: str) -> str:
    return f"articles/{article_id}/body.json"


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
        article = _article_from_item(unmarshal(response["Item"]))
        return self.with_body(article) if with_body else article

    def with_body(self, article: Article) -> Article:
        """The article with the body its metadata points at (that S3 version, not the newest)."""
        if article.body_version is None:
            return article
        response = client("s3").get_object(
            Bucket=self.bucket_name, Key=body_key(article.id), VersionId=article.body_version
        )
        body = json.loads(response["Body"].read())
        return article.with_changes(body_markdown=body["markdown"], body_html=body["html"])

    def list_public(self, *, category: str | None, now: str, limit: int, cursor: str | None) -> Page:
        index = "ByCategory" if category else "Timeline"
        partition, sort = INDEX_KEYS[index]
        return self._query(
            index,
            condition="#p = :p AND #s < :cutoff",
            names={"#p": partition, "#s": sort},
            values={":p": category or PUBLIC, ":cutoff": f"{now}#~"},
            limit=limit,
            cursor=cursor,
        )

    def public_range(
        self, *, category: str | None, after: str | None, before: str, limit: int, newest_first: bool
    ) -> Page:
        """Up to ``limit`` public articles with ``after < position < before`` (both exclusive).

        One Query per page of results; ``cursor`` is not None when more articles are in range.
        Used by the feed renderer, which never reads below its archive watermark.
        """
        if after is not None and after >= before:
            return Page([], None)
        index = "ByCategory" if category else "Timeline"
        partition, sort = INDEX_KEYS[index]

        def cursor_at(item: dict[str, Any]) -> str:
            return _encode_cursor({name: item[name] for name in ("pk", "sk", partition, sort)}, index)

        request: dict[str, Any] = {
            "TableName": self.table_name,
            "IndexName": index,
            "KeyConditionExpression": "#p = :p AND #s BETWEEN :low AND :high",
            "ExpressionAttributeNames": {"#p": partition, "#s": sort},
            "ExpressionAttributeValues": marshal({":p": category or PUBLIC, ":low": after or " ", ":high": before}),
            "ScanIndexForward": not newest_first,
        }
        found: list[Article] = []
        while True:
            # +2: BETWEEN is inclusive, and the bounds themselves are not in range.
            request["Limit"] = limit - len(found) + 2
            response = client("dynamodb").query(**request)
            for item in response.get("Items", []):
                values = unmarshal(item)
                article = _article_from_item(values)
                if article.position in (after, before):
                    continue
                if len(found) == limit:
                    return Page(found, cursor_at(values))
                found.append(article)
            last = response.get("LastEvaluatedKey")
            if not last:
                return Page(found, None)
            if len(found) == limit:
                return Page(found, cursor_at(unmarshal(last)))
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

    def list_by_publisher(self, publisher_id: str, *, limit: int, cursor: str | None) -> Page:
        return self._query(
            "ByPublisher",
            condition="#p = :p",
            names={"#p": "publisher_listing"},
            values={":p": publisher_id},
            limit=limit,
            cursor=cursor,
        )

    def _query(
        self,
        index: str,
        *,
        condition: str,
        names: dict[str, str],
        values: dict[str, Any],
        limit: int,
        cursor: str | None,
    ) -> Page:
        request: dict[str, Any] = {
            "TableName": self.table_name,
            "IndexName": index,
            "KeyConditionExpression": condition,
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": marshal(values),
            "ScanIndexForward": False,
            "Limit": limit,
        }
        if cursor:
            request["ExclusiveStartKey"] = _decode_cursor(cursor, index)
        response = client("dynamodb").query(**request)
        articles = [_article_from_item(unmarshal(item)) for item in response.get("Items", [])]
        last = response.get("LastEvaluatedKey")
        return Page(articles, _encode_cursor(unmarshal(last), index) if last else None)

    # -- writes -------------------------------------------------------------------------------

    def save(self, article: Article, previous: Article | None) -> Article:
        new_body = article.body_markdown is not None
        if new_body:
            article = article.with_changes(body_version=self._put_body(article))
        writes, directory = self.write_operations(article, previous)
        try:
            if len(writes) == 1:
                client("dynamodb").put_item(**writes[0]["Put"])
            else:
                client("dynamodb").transact_write_items(TransactItems=writes)
        except ClientError as error:
            if new_body:
                self._forget_body(article.id, article.body_version)
            if is_condition_failure(error):
                raise VersionConflict(article.id) from error
            raise
        self._recorded_categories.update(directory)
        return article

    def _put_body(self, article: Article) -> str:
        response = client("s3").put_object(
            Bucket=self.bucket_name,
            Key=body_key(article.id),
            Body=json.dumps({"markdown": article.body_markdown, "html": article.body_html}).encode("utf-8"),
            ContentType="application/json",
        )
        return str(response["VersionId"])

    def _forget_body(self, article_id: str, version_id: str | None) -> None:
        """Best effort: an unreferenced body version is harmless, so a failure here is ignored."""
        if version_id is None:
            return
        with contextlib.suppress(ClientError):
            client("s3").delete_object(Bucket=self.bucket_name, Key=body_key(article_id), VersionId=version_id)

    def write_operations(self, article: Article, previous: Article | None) -> tuple[list[dict[str, Any]], set[str]]:
        """The write operations that store ``article`` over ``previous`` (the article item's
        first), and the directory entries among them."""
        listed = _listed_slugs(article)
        item = {**article_key(article.id), **_item_from_article(article)}
        if article.status == PUBLISHED:
            item["timeline"] = PUBLIC
        if article.status != RETRACTED:
            item["publisher_listing"] = article.publisher_id
        if listed:
            item["category"] = listed[0]
        put: dict[str, Any] = {"TableName": self.table_name, "Item": marshal(item)}
        if previous is None:
            put["ConditionExpression"] = "attribute_not_exists(pk)"
        else:
            put["ConditionExpression"] = "version = :expected"
            put["ExpressionAttributeValues"] = marshal({":expected": previous.version})
        operations: list[dict[str, Any]] = [{"Put": put}]

        copies = listed[1:]
        metadata = _item_from_article(article) if copies else {}
        for slug in copies:
            category_item = {"pk": f"ARTICLE#{article.id}", "sk": f"CATEGORY#{slug}", "category": slug, **metadata}
            operations.append({"Put": {"TableName": self.table_name, "Item": marshal(category_item)}})
        stale = set(_listed_slugs(previous)[1:] if previous else ()) - set(copies)
        for slug in sorted(stale):
            key = {"pk": f"ARTICLE#{article.id}", "sk": f"CATEGORY#{slug}"}
            operations.append({"Delete": {"TableName": self.table_name, "Key": marshal(key)}})
        operations.extend(withdrawal_writes(self.table_name, article, previous))  # for the feed archives

        names: dict[str, str] = {}
        for name in article.categories if listed else ():
            names.setdefault(category_slug(name), name)
        directory = set(names) - self._recorded_categories
        for slug in sorted(directory):
            entry = {"pk": CATEGORY_DIRECTORY, "sk": slug, "name": names[slug]}
            operations.append({"Put": {"TableName": self.table_name, "Item": marshal(entry)}})
        return operations, directory


def _listed_slugs(article: Article) -> tuple[str, ...]:
    """The categories a published article is listed in, its first one first; none otherwise."""
    return article.category_slugs if article.status == PUBLISHED else ()


def _item_from_article(article: Article) -> dict[str, Any]:
    item = article.metadata()
    item["position"] = article.position
    return {name: value for name, value in item.items() if value is not None and value != {}}


def _article_from_item(item: dict[str, Any]) -> Article:
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
        body_version=item.get("body_version"),
    )


def _encode_cursor(key: dict[str, Any], index: str) -> str:
    payload = json.dumps({"i": index, "k": key}, separators=(",", ":"), sort_keys=True)
    return base64.urlsafe_b64encode(payload.encode("utf-8")).decode("ascii").rstrip("=")


def _decode_cursor(cursor: str, index: str) -> dict[str, Any]:
    try:
        payload = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise InvalidCursor(cursor) from None
    expected = {"pk", "sk", *INDEX_KEYS[index]}
    key = payload.get("k") if isinstance(payload, dict) else None
    if (
        payload.get("i") != index
        or not isinstance(key, dict)
        or set(key) != expected
        or not all(isinstance(value, str) and len(value) < 512 for value in key.values())
    ):
        raise InvalidCursor(cursor)
    return marshal(key)
