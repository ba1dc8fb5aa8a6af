"""PublisherStore: publishers and the hashes of their keys (``PublishersTable`` in template.yaml).

Items are keyed by ``publisher_id``; the sparse ``ByKeyHash`` index on ``key_hash`` resolves a
presented key. Revoking removes ``key_hash``, so a revoked key drops out of the index at once.
"""

from __future__ import annotations

from typing import Any

from syndicate.adapters.clients import client
from syndicate.adapters.dynamodb import condition_held, unmarshal
from syndicate.publishers.ports import Publisher


class PublisherStore:
    def __init__(self, table_name: str) -> None:
        self.table_name = table_name

    def add(self, publisher: Publisher, key_hash: str) -> None:
        client("dynamodb").put_item(
            TableName=self.table_name,
            Item={
                "publisher_id": {"S": publisher.publisher_id},
                "name": {"S": publisher.name},
                "created_at": {"S": publisher.created_at},
                "key_hash": {"S": key_hash},
            },
            ConditionExpression="attribute_not_exists(publisher_id)",
        )

    def find_by_key_hash(self, key_hash: str) -> Publisher | None:
        response = client("dynamodb").query(
            TableName=self.table_name,
            IndexName="ByKeyHash",
            KeyConditionExpression="key_hash = :h",
            ExpressionAttributeValues={":h": {"S": key_hash}},
            Limit=1,
        )
        items = response.get("Items") or []
        return _publisher(items[0]) if items else None

    def get(self, publisher_id: str) -> Publisher | None:
        response = client("dynamodb").get_item(
            TableName=self.table_name, Key={"publisher_id": {"S": publisher_id}}, ConsistentRead=True
        )
        return _publisher(response["Item"]) if "Item" in response else None

    def list(self) -> list[Publisher]:
        """Every publisher (an operator's or the local console's view; small by nature)."""
        paginator = client("dynamodb").get_paginator("scan")
        found = [_publisher(item) for page in paginator.paginate(TableName=self.table_name) for item in page["Items"]]
        return sorted(found, key=lambda publisher: publisher.created_at)

    def revoke(self, publisher_id: str, revoked_at: str) -> bool:
        return condition_held(
            lambda: client("dynamodb").update_item(
                TableName=self.table_name,
                Key={"publisher_id": {"S": publisher_id}},
                UpdateExpression="SET revoked_at = :at REMOVE key_hash",
                ConditionExpression="attribute_exists(publisher_id)",
                ExpressionAttributeValues={":at": {"S": revoked_at}},
            )
        )


def _publisher(item: dict[str, Any]) -> Publisher:
    values = unmarshal(item)
    return Publisher(
        publisher_id=values["publisher_id"],
        name=values["name"],
        created_at=values["created_at"],
        revoked_at=values.get("revoked_at"),
    )
