"""What ``syndicate local`` prints while it runs: one short line per request and per invocation.

An invocation made while serving a request is printed under that request's line; one made by
a schedule or a queue on its own line. The functions' own logs are not printed here (see
``logs.FunctionLogs``) unless the stack is verbose.
"""

from __future__ import annotations

import sys
import threading
import time
from typing import TextIO

from syndicate_dev.local.logs import RoutedStream
from syndicate_dev.local.runtime import Invocation


class Terminal:
    def __init__(self, stream: TextIO | None = None, *, requests: bool = True, invocations: bool = True) -> None:
        stream = stream or sys.stdout
        # Never through a routed stream: a line written while a function runs is not its log.
        self.stream = stream.original if isinstance(stream, RoutedStream) else stream
        self.requests = requests
        self.invocations = invocations
        self._pending = threading.local()
        self._lock = threading.Lock()

    @classmethod
    def silent(cls) -> Terminal:
        return cls(requests=False, invocations=False)

    def say(self, line: str) -> None:
        with self._lock:
            self.stream.write(line + "\n")
            self.stream.flush()

    # -- requests ----------------------------------------------------------------------------
    def request_started(self) -> None:
        self._pending.lines = []

    def request_finished(self, method: str, target: str, status: int, started: float) -> None:
        lines: list[str] = getattr(self._pending, "lines", None) or []
        self._pending.lines = None
        if self.requests:
            lines.insert(0, f"{_clock()} {method} {target} {status} {_ms(started)}")
            self.say("\n".join(lines))

    # -- an invocation listener --------------------------------------------------------------
    def invocation_started(self, function: str, request_id: str) -> None:
        pass  # the line is printed once the outcome is known

    def invocation_finished(self, invocation: Invocation) -> None:
        if not self.invocations:
            return
        pending: list[str] | None = getattr(self._pending, "lines", None)
        text = f"{invocation.function} {invocation.outcome} {invocation.duration_ms:.0f} ms"
        if pending is not None and self.requests:
            pending.append(f"         -> {text}")
        else:
            self.say(f"{_clock()} {text}")


def _clock() -> str:
    return time.strftime("%H:%M:%S")


def _ms(started: float) -> str:
    return f"{(time.perf_counter() - started) * 1000:.0f} ms"
