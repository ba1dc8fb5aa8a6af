"""boto3 clients, created on first use and kept for the life of the container."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import boto3
from botocore.config import Config

_CONFIG = Config(retries={"mode": "standard", "max_attempts": 3}, connect_timeout=3, read_timeout=10)


@lru_cache(maxsize=None)
def client(service: str, *, max_attempts: int = 3) -> Any:
    """A client for ``service``; ``max_attempts=1`` for callers that retry on their own terms."""
    config = _CONFIG if max_attempts == 3 else _CONFIG.merge(Config(retries={"mode": "standard", "max_attempts": max_attempts}))
    return boto3.session.Session().client(service, config=config)


def forget_clients() -> None:
    """Drop cached clients (tests start each moto world with fresh ones)."""
    client.cache_clear()
