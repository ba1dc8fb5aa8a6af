"""Time as a dependency: domain code asks a clock, tests hand it a fixed one."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Callable

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(timezone.utc)


def isoformat(moment: datetime) -> str:
    """UTC to the second, fixed width, so it sorts as it reads: 2025-12-17T09:30:00Z."""
    utc = moment.astimezone(timezone.utc)
    return f"{utc.year:04d}-" + utc.strftime("%m-%dT%H:%M:%SZ")  # %Y does not pad years before 1000
