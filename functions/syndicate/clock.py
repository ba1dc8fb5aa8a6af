"""Time as a dependency: domain code asks a clock, tests hand it a fixed one."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


def isoformat(moment: datetime) -> str:
    """UTC to the second, fixed width, so it sorts as it reads: 2025-12-17T09:30:00Z."""
    utc = moment.astimezone(UTC)
    return f"{utc.year:04d}-" + utc.strftime("%m-%dT%H:%M:%SZ")  # %Y does not pad years before 1000
