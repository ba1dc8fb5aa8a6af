from __future__ import annotations

from datetime import UTC, datetime, timedelta


class FakeClock:
    """A clock that moves only when a test says so."""

    def __init__(self, start: str = "2025-12-17T10:00:00Z") -> None:
        self.now = datetime.fromisoformat(start.replace("Z", "+00:00"))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)

    def set(self, moment: str) -> None:
        self.now = datetime.fromisoformat(moment.replace("Z", "+00:00")).astimezone(UTC)


class FakeTimer:
    """A monotonic clock (seconds) that advances only by what is slept on it; ``slept`` lists the sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds
