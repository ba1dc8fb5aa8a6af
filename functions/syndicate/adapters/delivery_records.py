"""Delivery records in ``SubscribersTable``: hourly sending volume, the pause, editions and batches.

Layout (beside the subscribers, runs and counters ``adapters.subscribers`` describes):

* sending volume ``pk=REPUTATION``, ``sk={hour}`` (``2025-12-18T07``): ``sent``, ``bounced``,
  ``complained`` (ADDed; feedback in the hour its message was sent), kept 8 days;
* the pause ``pk=REPUTATION``, ``sk=PAUSE`` (sorts after every hour, so one Query from an hour
  on reads both): ``paused_at``, ``reason`` while paused; ``resumed_at``, the ``baseline_*``
  counts of the resume hour and the ``acknowledged`` SES status after a resume;
* an edition ``pk=EDITIONS``, ``sk={edition id}``: ``cadence``, ``until``, ``queued_at``,
  ``paused_at`` once a batch of it was parked, and the ``bounced`` and ``complained`` its
  messages drew (ADDed);
* a batch ``pk=EDITION#{edition id}``, ``sk={batch id}``: written (put, 25 to a request) when
  the schedule queues it, with its ``size``; the outcome counts each attempt then SETs (never
  ADDs); ``parked`` with its ``subscribers`` (ids) while it waits for a resume. A retried run
  puts its batches again, and they count as pending until their retry rewrites them. Editions
  and batches expire with the ledger, after 35 days.

No item holds an address: batches name subscribers by id, like the queue.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from syndicate.adapters.clients import client
from syndicate.adapters.dynamodb import condition_held, marshal, unmarshal
from syndicate.digests.ports import BatchRecord, EditionRecord, PauseState, SendingVolume

REPUTATION = "REPUTATION"
PAUSE = "PAUSE"
EDITIONS = "EDITIONS"
VOLUME_RETENTION_SECONDS = 8 * 86_400
EDITION_RETENTION_SECONDS = 35 * 86_400
_COUNTS = ("sent", "already_sent", "rejected", "skipped")


def _number(item: dict[str, Any], name: str) -> int:
    return int(item.get(name) or 0)


def _volume(item: dict[str, Any], prefix: str = "") -> SendingVolume:
    hour = str(item.get(f"{prefix}hour") if prefix else item["sk"])
    counts = (_number(item, f"{prefix}{name}") for name in ("sent", "bounced", "complained"))
    return SendingVolume(hour, *counts)


def _pause(item: dict[str, Any] | None) -> PauseState:
    if not item:
        return PauseState()
    return PauseState(
        paused_at=item.get("paused_at"),
        reason=item.get("reason"),
        resumed_at=item.get("resumed_at"),
        baseline=_volume(item, "baseline_") if "baseline_hour" in item else None,
        acknowledged=item.get("acknowledged"),
    )


def _edition(item: dict[str, Any]) -> EditionRecord:
    return EditionRecord(
        edition_id=str(item["sk"]),
        cadence=str(item.get("cadence", "")),
        until=str(item.get("until", "")),
        queued_at=str(item.get("queued_at", "")),
        paused_at=item.get("paused_at"),
        bounced=_number(item, "bounced"),
        complained=_number(item, "complained"),
    )


def _batch(item: dict[str, Any]) -> BatchRecord:
    counts = {name: _number(item, name) for name in _COUNTS}
    edition_id = str(item["pk"]).removeprefix("EDITION#")
    return BatchRecord(edition_id, str(item["sk"]), _number(item, "size"), parked=bool(item.get("parked")), **counts)


class DeliveryRecordStore:
    """The ``SendingRecords`` and ``EditionRecords`` of the service."""

    def __init__(self, table_name: str, *, now: Any = time.time) -> None:
        self.table_name = table_name
        self._now = now
        self.requests = 0

    # -- sending volume and the pause -------------------------------------------------------

    def recent(self, since_hour: str) -> tuple[list[SendingVolume], PauseState]:
        items = self._query("pk = :pk AND sk >= :since", {":pk": REPUTATION, ":since": since_hour}, consistent=True)
        volumes = [_volume(item) for item in items if item["sk"] != PAUSE]
        return volumes, _pause(next((item for item in items if item["sk"] == PAUSE), None))

    def count_sent(self, hour: str, sent: int) -> None:
        self._add({"pk": REPUTATION, "sk": hour}, {"sent": sent}, VOLUME_RETENTION_SECONDS)

    def count_feedback(self, hour: str, kind: str, count: int, edition_id: str) -> None:
        name = "bounced" if kind == "bounce" else "complained"
        self._add({"pk": REPUTATION, "sk": hour}, {name: count}, VOLUME_RETENTION_SECONDS)
        # Only an edition we recorded: a tag naming any other (expired, or made up) adds nothing.
        self._add({"pk": EDITIONS, "sk": edition_id}, {name: count}, None, condition="attribute_exists(pk)")

    def pause(self, reason: str, now: str) -> bool:
        return self._update(
            {"pk": REPUTATION, "sk": PAUSE},
            "SET paused_at = :now, reason = :reason",
            {":now": now, ":reason": reason[:1000]},
            condition="attribute_not_exists(paused_at)",
        )

    def resume(self, now: str, baseline: SendingVolume, acknowledged: str | None) -> None:
        values = {
            ":now": now,
            ":hour": baseline.hour,
            ":sent": baseline.sent,
            ":bounced": baseline.bounced,
            ":complained": baseline.complained,
            ":acknowledged": acknowledged or "",
        }
        self._update(
            {"pk": REPUTATION, "sk": PAUSE},
            "SET resumed_at = :now, baseline_hour = :hour, baseline_sent = :sent, baseline_bounced = :bounced, "
            "baseline_complained = :complained, acknowledged = :acknowledged REMOVE paused_at, reason",
            values,
        )

    # -- editions and batches ---------------------------------------------------------------

    def queued(
        self, edition: EditionRecord, batches: list[tuple[BatchRecord, tuple[str, ...]]], paused: str | None
    ) -> None:
        expires = self._expiry(EDITION_RETENTION_SECONDS)
        self._update(
            {"pk": EDITIONS, "sk": edition.edition_id},
            "SET cadence = :cadence, #until = :until, queued_at = :queued_at, expires_at = :expires"
            + (", paused_at = :queued_at" if paused else ""),
            {
                ":cadence": edition.cadence,
                ":until": edition.until,
                ":queued_at": edition.queued_at,
                ":expires": expires,
            },
            names={"#until": "until"},
        )
        items = []
        for record, subscriber_ids in batches:
            item: dict[str, Any] = {"pk": f"EDITION#{record.edition_id}", "sk": record.batch_id}
            item |= {"size": record.size, "expires_at": expires}
            if paused:
                item |= {"parked": True, "subscribers": list(subscriber_ids)}
                item |= {"parked_at": edition.queued_at, "reason": paused[:1000]}
            items.append(item)
        self._put_all(items)

    def mark_paused(self, edition_id: str, now: str) -> None:
        self._update({"pk": EDITIONS, "sk": edition_id}, "SET paused_at = :now", {":now": now})

    def record_batch(self, record: BatchRecord) -> None:
        counts = {f":{name}": getattr(record, name) for name in _COUNTS}
        self._update(
            {"pk": f"EDITION#{record.edition_id}", "sk": record.batch_id},
            "SET #size = :size, " + ", ".join(f"{name} = :{name}" for name in _COUNTS) + ", expires_at = :expires",
            {":size": record.size, ":expires": self._expiry(EDITION_RETENTION_SECONDS), **counts},
            names={"#size": "size"},
        )

    def park(self, record: BatchRecord, subscriber_ids: tuple[str, ...], reason: str, now: str) -> None:
        """Keep the batch (its recipients' ids) for a resume; its counts so far stay as they are."""
        self._update(
            {"pk": f"EDITION#{record.edition_id}", "sk": record.batch_id},
            "SET #size = :size, parked = :true, subscribers = :ids, parked_at = :now, reason = :reason, "
            "expires_at = :expires",
            {
                ":size": record.size,
                ":true": True,
                ":ids": list(subscriber_ids),
                ":now": now,
                ":reason": reason[:1000],
                ":expires": self._expiry(EDITION_RETENTION_SECONDS),
            },
            names={"#size": "size"},
        )
        self.mark_paused(record.edition_id, now)

    def unpark(self, edition_id: str, batch_id: str) -> bool:
        return self._update(
            {"pk": f"EDITION#{edition_id}", "sk": batch_id},
            "REMOVE parked, subscribers, parked_at, reason",
            {},
            condition="attribute_exists(parked)",
        )

    def editions(self) -> list[EditionRecord]:
        return [_edition(item) for item in self._query("pk = :pk", {":pk": EDITIONS})]

    def batches(self, edition_id: str) -> list[BatchRecord]:
        return [_batch(item) for item in self._query("pk = :pk", {":pk": f"EDITION#{edition_id}"})]

    def parked(self, edition_id: str) -> list[tuple[BatchRecord, tuple[str, ...]]]:
        items = self._query("pk = :pk", {":pk": f"EDITION#{edition_id}"}, parked_only=True)
        return [(_batch(item), tuple(item.get("subscribers") or ())) for item in items]

    # -- requests ---------------------------------------------------------------------------

    def _expiry(self, seconds: int) -> int:
        return int(self._now()) + seconds

    def _query(
        self, key_condition: str, values: dict[str, Any], *, consistent: bool = False, parked_only: bool = False
    ) -> list[dict[str, Any]]:
        request: dict[str, Any] = {
            "TableName": self.table_name,
            "KeyConditionExpression": key_condition,
            "ExpressionAttributeValues": marshal(values),
            "ConsistentRead": consistent,
        }
        if parked_only:
            request["FilterExpression"] = "attribute_exists(parked)"
        return list(self._pages(request))

    def _pages(self, request: dict[str, Any]) -> Iterator[dict[str, Any]]:
        while True:
            self.requests += 1
            response = client("dynamodb").query(**request)
            yield from (unmarshal(item) for item in response.get("Items", []))
            if "LastEvaluatedKey" not in response:
                return
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def _put_all(self, items: list[dict[str, Any]]) -> None:
        """Put every item, 25 to a BatchWriteItem, retrying what DynamoDB leaves unprocessed."""
        for start in range(0, len(items), 25):
            request = {self.table_name: [{"PutRequest": {"Item": marshal(item)}} for item in items[start : start + 25]]}
            while request:
                self.requests += 1
                response = client("dynamodb").batch_write_item(RequestItems=request)
                request = response.get("UnprocessedItems") or {}

    def _add(self, key: dict[str, str], counts: dict[str, int], retention: int | None, condition: str = "") -> None:
        adds = ", ".join(f"{name} :{name}" for name in counts)
        values: dict[str, Any] = {f":{name}": count for name, count in counts.items()}
        expression = f"ADD {adds}"
        if retention is not None:
            expression += " SET expires_at = if_not_exists(expires_at, :expires)"
            values[":expires"] = self._expiry(retention)
        self._update(key, expression, values, condition=condition or None)

    def _update(
        self,
        key: dict[str, str],
        expression: str,
        values: dict[str, Any],
        *,
        condition: str | None = None,
        names: dict[str, str] | None = None,
    ) -> bool:
        request: dict[str, Any] = {"TableName": self.table_name, "Key": marshal(key), "UpdateExpression": expression}
        if values:
            request["ExpressionAttributeValues"] = marshal(values)
        if names:
            request["ExpressionAttributeNames"] = names
        if condition:
            request["ConditionExpression"] = condition
        self.requests += 1
        return condition_held(lambda: client("dynamodb").update_item(**request))
