"""boto3 clients, created on first use and kept for the life of the container.

Every client comes from one boto3 session, so the endpoint rules, partitions and retry settings
botocore loads for the first client serve the others too (a session per client loaded them again,
which cost a cold start tens of milliseconds per client). A botocore session is not thread-safe
while it creates clients, so creation holds a lock; the clients themselves are safe to share.
"""

from __future__ import annotations

import threading
from functools import cache, lru_cache
from typing import Any

import boto3
from botocore.config import Config

_CONFIG = Config(retries={"mode": "standard", "max_attempts": 3}, connect_timeout=3, read_timeout=10)
_creating = threading.Lock()


def client(service: str, *, max_attempts: int = 3) -> Any:
    """A client for ``service``; ``max_attempts=1`` for callers that retry on their own terms."""
    with _creating:
        return _client(service, max_attempts)


@cache
def _client(service: str, max_attempts: int) -> Any:
    config = (
        _CONFIG
        if max_attempts == 3
        else _CONFIG.merge(Config(retries={"mode": "standard", "max_attempts": max_attempts}))
    )
    session: Any = _session()  # boto3-stubs types client() per literal service name; ours is a variable
    return session.client(service, config=config)


@lru_cache(maxsize=1)
def _session() -> boto3.session.Session:
    return boto3.session.Session()


def forget_clients() -> None:
    """Drop cached clients and their session (tests start each moto world with fresh ones)."""
    with _creating:
        _client.cache_clear()
        _session.cache_clear()
