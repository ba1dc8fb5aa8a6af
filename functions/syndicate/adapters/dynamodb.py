"""DynamoDB items <-> plain values, and telling a failed condition from a real error.

Shared by every store of this package, so numbers, maps and conditions are handled one way.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


def dynamo_number(value: Any) -> Any:
    """JSON numbers for DynamoDB: 435.0 (a valid JSON Schema integer) as 435, other floats as Decimal."""
    if isinstance(value, float):
        return int(value) if value.is_integer() else Decimal(repr(value))
    if isinstance(value, dict):
        return {key: dynamo_number(inner) for key, inner in value.items()}
    if isinstance(value, (list, tuple)):
        return [dynamo_number(inner) for inner in value]
    return value


def plain(value: Any) -> Any:
    """DynamoDB numbers come back as Decimal; the API speaks JSON."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {key: plain(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [plain(inner) for inner in value]
    return value


def marshal(values: dict[str, Any]) -> dict[str, Any]:
    return {key: _serializer.serialize(dynamo_number(value)) for key, value in values.items()}


def unmarshal(item: dict[str, Any]) -> dict[str, Any]:
    return {key: _deserializer.deserialize(value) for key, value in item.items()}


def condition_held(write: Callable[[], object]) -> bool:
    """Make a conditional write: True if it was made, False if its condition did not hold.

    Every other failure (throttling, a missing table, a malformed request) is raised as it came.
    """
    try:
        write()
    except ClientError as error:
        if is_condition_failure(error):
            return False
        raise
    return True


def condition_held_or_item(write: Callable[[], object]) -> tuple[bool, dict[str, Any]]:
    """``condition_held``, and when the condition did not hold, the item as it stood (the write
    must ask for it: ``ReturnValuesOnConditionCheckFailure="ALL_OLD"``; empty if none came back)."""
    try:
        write()
    except ClientError as error:
        if is_condition_failure(error):
            before: dict[str, Any] = error.response.get("Item") or {}  # type: ignore[assignment]  # not in the stubs
            return False, unmarshal(before)
        raise
    return True, {}


def is_condition_failure(error: ClientError) -> bool:
    """A ConditionExpression did not hold (alone, or inside a cancelled transaction)."""
    code = error.response.get("Error", {}).get("Code", "")
    if code == "ConditionalCheckFailedException":
        return True
    if code == "TransactionCanceledException":
        reasons = error.response.get("CancellationReasons") or []
        return any(reason.get("Code") == "ConditionalCheckFailed" for reason in reasons) or not reasons
    return False
