"""The Powertools idempotency record store, on the ``IdempotencyTable`` of template.yaml."""

from __future__ import annotations

from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

from syndicate.adapters.clients import client


def idempotency_records(table_name: str) -> DynamoDBPersistenceLayer:
    return DynamoDBPersistenceLayer(table_name=table_name, boto3_client=client("dynamodb"))
