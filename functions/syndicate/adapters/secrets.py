"""Secrets Manager secrets through Powertools parameters (cached for the life of the container)."""

from __future__ import annotations

from aws_lambda_powertools.utilities import parameters

CACHE_SECONDS = 3600


def secret_bytes(secret_id: str) -> bytes:
    value = parameters.get_secret(secret_id, max_age=CACHE_SECONDS)
    return value.encode("utf-8") if isinstance(value, str) else bytes(value)
