"""SubscribersTable (subscribers, digest runs) and DeliveryLedgerTable (one item per delivery).

Layout of ``SubscribersTable`` (keys and indexes declared in template.yaml):

* subscriber  ``pk=SUBSCRIBER#{id}``, ``sk=PROFILE``. The id is a keyed hash of the address,
  so "one record per inbox" and "find the subscriber of a bounced address" are single
  consistent key operations. ``cadence_listing`` (= the cadence) is set only while the
  subscriber receives digests: the sparse ``ByCadence`` index is exactly the mailing list.
  A suppressed address keeps its item with ``suppressed_at`` set: that is the suppression list.
  A pending (unconfirmed) subscriber carries ``expires_at``, so the table's TTL forgets it;
  confirming, unsubscribing and suppressing remove it.
* digest run  ``pk=RUN#{cadence}``, ``sk={until}``: the window ``(since, until]`` a scheduled
  run covers, so a retried run reuses its window and the next run starts where it ended.
  A confirmed subscriber's ``welcomed_for`` holds the ``confirmed_at`` whose welcome email was
  claimed for sending (a conditional update: one welcome per confirmation).
* confirmation counters, expired by the table's TTL (``expires_at``): per mailbox
  ``pk=MAILBOX#{mailbox id}``, ``sk=CONFIRMATIONS`` (its day, count that day, last send and the
  request that made it); for the whole service ``pk=CONFIRMATION_BUDGET``, ``sk={hour}``.

``DeliveryLedgerTable``: ``delivery={edition id}#{subscriber id}``, written with a conditional
put before the message is handed to SES, naming the ``batch`` that claimed it
(``outcome=rejected`` and the SES error code in ``reason`` when SES refused that recipient for
good); a claim that finds one already there reads it in the same request. TTL ``expires_at``
cleans it up.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from typing import Any

from syndicate.adapters.clients import client
from syndicate.adapters.dynamodb import condition_held, condition_held_or_item, marshal, unmarshal
from syndicate.digests.ports import ClaimedBefore
from syndicate.mailing.model import SUBSCRIBED, UNSUBSCRIBED, Subscriber

PROFILE = "PROFILE"
_FIELDS = (
    "id",
    "email",
    "status",
    "cadence",
    "categories",
    "created_at",
    "updated_at",
    "confirmed_at",
    "since",
    "unsubscribed_at",
    "suppressed_at",
    "suppression_reason",
    "welcomed_for",
)


def subscriber_key(subscriber_id: str) -> dict[str, str]:
    return {"pk": f"SUBSCRIBER#{subscriber_id}", "sk": PROFILE}


def _subscriber_from_item(item: dict[str, Any]) -> Subscriber:
    values: dict[str, Any] = {name: item.get(name) for name in _FIELDS}
    values["categories"] = tuple(item.get("categories") or ())
    return Subscriber(**values)


def _item_from_subscriber(subscriber: Subscriber) -> dict[str, Any]:
    item: dict[str, Any] = {**subscriber_key(subscriber.id)}
    for name in _FIELDS:
        value = getattr(subscriber, name)
        if name == "categories":
            value = list(value)
        if value is not None:
            item[name] = value
    if subscriber.receives_digests:
        item["cadence_listing"] = subscriber.cadence
    return item


def _conditional_update(
    table: str,
    key: dict[str, str],
    expression: str,
    condition: str,
    values: dict[str, Any],
    names: dict[str, str] | None = None,
) -> bool:
    request: dict[str, Any] = {
        "TableName": table,
        "Key": marshal(key),
        "UpdateExpression": expression,
        "ConditionExpression": condition,
        "ExpressionAttributeValues": marshal(values),
    }
    if names:
        request["ExpressionAttributeNames"] = names
    return condition_held(lambda: client("dynamodb").update_item(**request))


class SubscriberStore:
    def __init__(self, table_name: str) -> None:
        self.table_name = table_name

    # -- reads --------------------------------------------------------------------------------

    def get(self, subscriber_id: str) -> Subscriber | None:
        response = client("dynamodb").get_item(
            TableName=self.table_name, Key=marshal(subscriber_key(subscriber_id)), ConsistentRead=True
        )
        return _subscriber_from_item(unmarshal(response["Item"])) if "Item" in response else None

    def get_many(self, subscriber_ids: Iterable[str]) -> dict[str, Subscriber]:
        """Current state of up to 100 subscribers in one BatchGetItem (plus retries of leftovers)."""
        wanted = list(dict.fromkeys(subscriber_ids))
        found: dict[str, Subscriber] = {}
        for start in range(0, len(wanted), 100):
            keys = [marshal(subscriber_key(i)) for i in wanted[start : start + 100]]
            request = {self.table_name: {"Keys": keys, "ConsistentRead": True}}
            while request:
                response = client("dynamodb").batch_get_item(RequestItems=request)
                for item in response.get("Responses", {}).get(self.table_name, []):
                    subscriber = _subscriber_from_item(unmarshal(item))
                    found[subscriber.id] = subscriber
                request = response.get("UnprocessedKeys") or {}
        return found

    def receiving(self, cadence: str) -> Iterator[Subscriber]:
        """Every subscriber who receives digests of ``cadence`` (the sparse ByCadence index)."""
        request: dict[str, Any] = {
            "TableName": self.table_name,
            "IndexName": "ByCadence",
            "KeyConditionExpression": "cadence_listing = :cadence",
            "ExpressionAttributeValues": marshal({":cadence": cadence}),
        }
        while True:
            response = client("dynamodb").query(**request)
            for item in response.get("Items", []):
                yield _subscriber_from_item(unmarshal(item))
            if "LastEvaluatedKey" not in response:
                return
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    # -- writes -------------------------------------------------------------------------------

    def save_pending(self, subscriber: Subscriber, *, expires_at: int) -> bool:
        """Store a new or renewed sign-up (the table's TTL forgets it at ``expires_at`` unless it is
        confirmed); False when the address is subscribed or suppressed."""
        return condition_held(
            lambda: client("dynamodb").put_item(
                TableName=self.table_name,
                Item=marshal({**_item_from_subscriber(subscriber), "expires_at": expires_at}),
                ConditionExpression=(
                    "attribute_not_exists(pk) OR (#status <> :subscribed AND attribute_not_exists(suppressed_at))"
                ),
                ExpressionAttributeNames={"#status": "status"},
                ExpressionAttributeValues=marshal({":subscribed": SUBSCRIBED}),
            )
        )

    def confirm(self, subscriber_id: str, now: str) -> bool:
        """pending -> subscribed; False if the subscriber is not pending (or is suppressed)."""
        return self._update(
            subscriber_id,
            "SET #status = :subscribed, confirmed_at = :now, since = :now, updated_at = :now, "
            "cadence_listing = cadence REMOVE expires_at",
            "#status = :pending AND attribute_not_exists(suppressed_at)",
            {":subscribed": SUBSCRIBED, ":pending": "pending", ":now": now},
            names={"#status": "status"},
        )

    def save_preferences(self, subscriber: Subscriber) -> bool:
        """Replace cadence, categories and since of a subscribed reader."""
        return self._update(
            subscriber.id,
            "SET cadence = :cadence, categories = :categories, since = :since, updated_at = :now, "
            "cadence_listing = :cadence",
            "#status = :subscribed AND attribute_not_exists(suppressed_at)",
            {
                ":cadence": subscriber.cadence,
                ":categories": list(subscriber.categories),
                ":since": subscriber.since,
                ":now": subscriber.updated_at,
                ":subscribed": SUBSCRIBED,
            },
            names={"#status": "status"},
        )

    def unsubscribe(self, subscriber_id: str, now: str) -> bool:
        """Stop every mail to the subscriber; repeating it changes nothing."""
        return self._update(
            subscriber_id,
            "SET #status = :unsubscribed, unsubscribed_at = if_not_exists(unsubscribed_at, :now), "
            "updated_at = :now REMOVE cadence_listing, expires_at",
            "attribute_exists(pk)",
            {":unsubscribed": UNSUBSCRIBED, ":now": now},
            names={"#status": "status"},
        )

    def claim_welcome(self, subscriber_id: str, confirmed_at: str) -> bool:
        """Mark the welcome of the confirmation made at ``confirmed_at`` as being sent; False if it
        was claimed before, or the subscriber is no longer that confirmed reader."""
        claim_id = uuid.uuid4().hex
        held, before = condition_held_or_item(
            lambda: client("dynamodb").update_item(
                TableName=self.table_name,
                Key=marshal(subscriber_key(subscriber_id)),
                UpdateExpression="SET welcomed_for = :confirmed, welcome_claim = :claim",
                ConditionExpression=(
                    "confirmed_at = :confirmed AND #status = :subscribed AND attribute_not_exists(suppressed_at) "
                    "AND (attribute_not_exists(welcomed_for) OR welcomed_for <> :confirmed)"
                ),
                ExpressionAttributeNames={"#status": "status"},
                ExpressionAttributeValues=marshal(
                    {":confirmed": confirmed_at, ":subscribed": SUBSCRIBED, ":claim": claim_id}
                ),
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        )
        # Not held but ours: a retry of this very write whose first answer was lost.
        return held or before.get("welcome_claim") == claim_id

    def release_welcome(self, subscriber_id: str, confirmed_at: str) -> None:
        """Give back a claim whose email is known not to have gone, so a retry may send it."""
        self._update(subscriber_id, "REMOVE welcomed_for", "welcomed_for = :confirmed", {":confirmed": confirmed_at})

    def suppress(self, subscriber_id: str, email: str, reason: str, now: str) -> None:
        """Put the address on the suppression list (creating its record if there is none)."""
        client("dynamodb").update_item(
            TableName=self.table_name,
            Key=marshal(subscriber_key(subscriber_id)),
            UpdateExpression=(
                "SET suppressed_at = if_not_exists(suppressed_at, :now), suppression_reason = :reason, "
                "updated_at = :now, id = :id, email = if_not_exists(email, :email), "
                "#status = if_not_exists(#status, :unsubscribed), cadence = if_not_exists(cadence, :weekly), "
                "categories = if_not_exists(categories, :none), created_at = if_not_exists(created_at, :now) "
                "REMOVE cadence_listing, expires_at"
            ),
            ExpressionAttributeNames={"#status": "status"},
            ExpressionAttributeValues=marshal(
                {
                    ":now": now,
                    ":reason": reason,
                    ":id": subscriber_id,
                    ":email": email,
                    ":unsubscribed": UNSUBSCRIBED,
                    ":weekly": "weekly",
                    ":none": [],
                }
            ),
        )

    def _update(
        self,
        subscriber_id: str,
        expression: str,
        condition: str,
        values: dict[str, Any],
        names: dict[str, str] | None = None,
    ) -> bool:
        return _conditional_update(self.table_name, subscriber_key(subscriber_id), expression, condition, values, names)

    # -- digest runs --------------------------------------------------------------------------

    def digest_window(self, cadence: str, until: str, first_since: str) -> str:
        """The start of the window ``(since, until]`` of the run of ``cadence`` ending at ``until``.

        A retried run gets the window it recorded the first time; a new run starts where the
        latest earlier run ended (``first_since`` when there is none).
        """
        dynamodb = client("dynamodb")
        key = {"pk": f"RUN#{cadence}", "sk": until}
        for _ in range(3):
            existing = dynamodb.get_item(TableName=self.table_name, Key=marshal(key), ConsistentRead=True)
            if "Item" in existing:
                return str(unmarshal(existing["Item"])["since"])
            previous = dynamodb.query(
                TableName=self.table_name,
                KeyConditionExpression="pk = :pk AND sk < :until",
                ExpressionAttributeValues=marshal({":pk": f"RUN#{cadence}", ":until": until}),
                ScanIndexForward=False,
                Limit=1,
                ConsistentRead=True,
            ).get("Items", [])
            since = unmarshal(previous[0])["sk"] if previous else first_since
            recorded = condition_held(
                lambda: dynamodb.put_item(
                    TableName=self.table_name,
                    Item=marshal({**key, "since": since}),  # noqa: B023 - called before the loop moves on
                    ConditionExpression="attribute_not_exists(pk)",
                )
            )
            if recorded:
                return since
        raise RuntimeError(f"could not record the {cadence} digest run ending at {until}")


_COUNTER_NAMES = {"#day": "confirmation_day", "#sent": "confirmations_sent"}
_QUIET = "(attribute_not_exists(last_sent_at) OR last_sent_at <= :quiet_since)"


class ConfirmationLimitStore:
    """The counters of confirmation emails, in ``SubscribersTable`` (expired by its TTL)."""

    def __init__(self, table_name: str) -> None:
        self.table_name = table_name

    def claim_mailbox(
        self, mailbox_id: str, request_id: str, *, now: str, quiet_since: str, day: str, per_day: int, expires_at: int
    ) -> bool:
        key = {"pk": f"MAILBOX#{mailbox_id}", "sk": "CONFIRMATIONS"}
        stamp = "last_sent_at = :now, last_request = :request, expires_at = :expires"
        values = {":now": now, ":request": request_id, ":expires": expires_at, ":quiet_since": quiet_since}
        values |= {":day": day, ":one": 1}
        return (
            # The first of the day (a new mailbox, or a new day)...
            self._update(
                key,
                f"SET #day = :day, #sent = :one, {stamp}",
                f"(attribute_not_exists(#day) OR #day <> :day) AND {_QUIET}",
                values,
            )
            # ...another one today, under the day's cap...
            or self._update(
                key,
                f"SET #sent = #sent + :one, {stamp}",
                f"#day = :day AND #sent < :cap AND {_QUIET}",
                values | {":cap": per_day},
            )
            # ...or a retry of the request that holds the latest count.
            or self._update(key, "SET last_request = :request", "last_request = :request", {":request": request_id})
        )

    def claim_budget(self, hour: str, budget: int, expires_at: int) -> bool:
        return self._update(
            {"pk": "CONFIRMATION_BUDGET", "sk": hour},
            "ADD #sent :one SET expires_at = :expires",
            "attribute_not_exists(#sent) OR #sent < :budget",
            {":one": 1, ":budget": budget, ":expires": expires_at},
        )

    def release_budget(self, hour: str) -> None:
        self._update(
            {"pk": "CONFIRMATION_BUDGET", "sk": hour},
            "ADD #sent :minus_one",
            "#sent > :none",
            {":minus_one": -1, ":none": 0},
        )

    def _update(self, key: dict[str, str], expression: str, condition: str, values: dict[str, Any]) -> bool:
        used = {
            name: attribute for name, attribute in _COUNTER_NAMES.items() if name in expression or name in condition
        }
        return _conditional_update(self.table_name, key, expression, condition, values, used or None)


class DeliveryLedger:
    """One conditional write per (edition, recipient): whoever writes it first may send."""

    def __init__(self, table_name: str) -> None:
        self.table_name = table_name

    def claim(
        self, edition_id: str, subscriber_id: str, now: str, expires_at: int, batch_id: str
    ) -> str | ClaimedBefore:
        """A claim id if this call claimed the delivery; else what the earlier claim says."""
        claim_id = uuid.uuid4().hex
        claimed, before = condition_held_or_item(
            lambda: client("dynamodb").put_item(
                TableName=self.table_name,
                Item=marshal(
                    {
                        "delivery": f"{edition_id}#{subscriber_id}",
                        "claim": claim_id,
                        "claimed_at": now,
                        "batch": batch_id,
                        "expires_at": expires_at,
                    }
                ),
                ConditionExpression="attribute_not_exists(delivery)",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        )
        if claimed or before.get("claim") == claim_id:
            # Held, or a retry of this very write whose first answer was lost: the claim is ours.
            return claim_id
        return ClaimedBefore(before.get("batch"), before.get("outcome"))

    def reject(self, edition_id: str, subscriber_id: str, claim_id: str, reason: str) -> None:
        """Keep the claim as the record of a final refusal (``outcome``, ``reason``): never retried."""
        condition_held(
            lambda: client("dynamodb").update_item(
                TableName=self.table_name,
                Key=marshal({"delivery": f"{edition_id}#{subscriber_id}"}),
                UpdateExpression="SET outcome = :rejected, reason = :reason",
                ConditionExpression="claim = :claim",
                ExpressionAttributeValues=marshal({":rejected": "rejected", ":reason": reason, ":claim": claim_id}),
            )
        )

    def release(self, edition_id: str, subscriber_id: str, claim_id: str) -> None:
        """Give back a claim whose send is known to have failed, so a retry may send."""
        # Not held: the claim is someone else's by now, which is theirs to keep.
        condition_held(
            lambda: client("dynamodb").delete_item(
                TableName=self.table_name,
                Key=marshal({"delivery": f"{edition_id}#{subscriber_id}"}),
                ConditionExpression="claim = :claim",
                ExpressionAttributeValues=marshal({":claim": claim_id}),
            )
        )
