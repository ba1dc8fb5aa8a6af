"""The local stack's time: the system clock plus an offset that a developer, or a test, moves on.

The functions run inside the local stack's process and are given this clock
(``syndicate.dependencies.use_clock``), as are its schedules and the console. So "a day later"
or "the next second" is ``POST /_local/clock {"advance_seconds": N}``, never a wait.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

from syndicate.clock import system_clock


class LocalClock:
    def __init__(self) -> None:
        self._offset = timedelta()
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        return system_clock() + self._offset

    def advance(self, seconds: float) -> datetime:
        if seconds < 0:
            raise ValueError("the local clock only moves forward")
        with self._lock:
            self._offset += timedelta(seconds=seconds)
        return self()
