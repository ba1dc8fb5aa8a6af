"""Counting the AWS requests code makes, with botocore's event hooks (no patching)."""

from __future__ import annotations

from collections import Counter
from typing import Any


class RequestCounter:
    """Counts every API call the given clients make (``before-call``: once per operation, not per retry)."""

    def __init__(self, *clients: Any) -> None:
        self.calls: Counter[str] = Counter()
        for each in clients:
            each.meta.events.register("before-call.*.*", self._count)

    def _count(self, model: Any, **_: Any) -> None:
        self.calls[f"{model.service_model.service_name}:{model.name}"] += 1

    @property
    def total(self) -> int:
        return sum(self.calls.values())

    def reset(self) -> None:
        self.calls.clear()
