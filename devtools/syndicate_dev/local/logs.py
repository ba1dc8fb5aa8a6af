"""The functions' own output (Powertools' JSON log lines, metrics, error reports): what Lambda
sends to CloudWatch Logs, kept off the terminal.

While a function runs, whatever its thread writes to ``sys.stdout`` or ``sys.stderr`` goes to
that invocation; other threads (the HTTP server, the terminal) write through as before. Each
line is kept for the console (the newest ``keep``), appended to ``<directory>/<Function>.log``
when a directory is given, and echoed to the terminal only when asked (``--verbose``).
"""

from __future__ import annotations

import json
import logging
import sys
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from syndicate_dev.local.runtime import Invocation


@dataclass(frozen=True)
class LogLine:
    at: str
    function: str
    request_id: str
    level: str | None  # Powertools' "level" of a JSON line; None for plain text
    text: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "at": self.at,
            "function": self.function,
            "request_id": self.request_id,
            "level": self.level,
            "text": self.text,
        }


class _Capture:
    """One running invocation's output, split into lines as it arrives."""

    def __init__(self, function: str, request_id: str, emit: Callable[[LogLine], None]) -> None:
        self.function = function
        self.request_id = request_id
        self.emit = emit
        self.partial = ""

    def write(self, text: str) -> None:
        *complete, self.partial = (self.partial + text).split("\n")
        for line in complete:
            self._line(line)

    def close(self) -> None:
        if self.partial:
            self._line(self.partial)
            self.partial = ""

    def _line(self, text: str) -> None:
        if text.strip():
            at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
            self.emit(LogLine(at, self.function, self.request_id, _level(text), text))


class RoutedStream:
    """Stands in for sys.stdout or sys.stderr: a thread with a capture writes to it, others to
    the stream it replaced."""

    def __init__(self, original: TextIO, captures: dict[int, _Capture]) -> None:
        self.original = original
        self.captures = captures

    def write(self, text: str) -> int:
        capture = self.captures.get(threading.get_ident())
        if capture is None:
            return self.original.write(text)
        capture.write(text)
        return len(text)

    def flush(self) -> None:
        self.original.flush()

    def __getattr__(self, name: str) -> Any:  # encoding, isatty, fileno... of the real stream
        return getattr(self.original, name)


class _Streams:
    """sys.stdout and sys.stderr routed while any local stack of this process runs.

    Routing is (re)checked at the start of every invocation, since whoever else replaces the
    process's streams (pytest does, between test phases) may have put theirs back since."""

    def __init__(self) -> None:
        self.users = 0
        self.captures: dict[int, _Capture] = {}  # thread id -> what that thread's writes belong to
        self.repointed: list[tuple[logging.StreamHandler[Any], Any]] = []
        self.seen_loggers = -1
        self.lock = threading.Lock()

    def install(self) -> None:
        with self.lock:
            self.users += 1

    def uninstall(self) -> None:
        with self.lock:
            self.users -= 1
            if self.users > 0:
                return
            for handler, stream in self.repointed:
                handler.setStream(stream)
            if isinstance(sys.stdout, RoutedStream):
                sys.stdout = sys.stdout.original
            if isinstance(sys.stderr, RoutedStream):
                sys.stderr = sys.stderr.original
            self.repointed, self.seen_loggers = [], -1

    def route(self) -> None:
        """Make sure sys.stdout, sys.stderr and the log handlers writing to them are routed."""
        if not isinstance(sys.stdout, RoutedStream):
            sys.stdout = RoutedStream(sys.stdout, self.captures)
        if not isinstance(sys.stderr, RoutedStream):
            sys.stderr = RoutedStream(sys.stderr, self.captures)
        self._repoint_handlers(sys.stdout, sys.stderr)

    def _repoint_handlers(self, out: RoutedStream, err: RoutedStream) -> None:
        """Log handlers made before the streams were routed (modules imported earlier in this
        process) still hold the real stdout or stderr: point them at the routed ones."""
        loggers = logging.Logger.manager.loggerDict
        if len(loggers) == self.seen_loggers:
            return
        self.seen_loggers = len(loggers)
        routes = {id(out.original): out, id(err.original): err, id(sys.__stdout__): out, id(sys.__stderr__): err}
        for candidate in [logging.getLogger(), *loggers.values()]:
            for handler in getattr(candidate, "handlers", []):
                routed = routes.get(id(getattr(handler, "stream", None)))
                if isinstance(handler, logging.StreamHandler) and routed is not None:
                    self.repointed.append((handler, handler.setStream(routed)))

    def capture(self, capture: _Capture | None) -> None:
        if capture is None:
            self.captures.pop(threading.get_ident(), None)
        else:
            self.captures[threading.get_ident()] = capture


STREAMS = _Streams()


class FunctionLogs:
    """One stack's function logs (an invocation listener)."""

    def __init__(
        self, directory: Path | None = None, *, keep: int = 5000, echo: Callable[[str], None] | None = None
    ) -> None:
        self.directory = directory
        self.echo = echo
        self._lines: deque[LogLine] = deque(maxlen=keep)
        self._files: dict[str, TextIO] = {}
        self._capture: _Capture | None = None
        self._lock = threading.Lock()

    def start(self) -> None:
        if self.directory is not None:
            self.directory.mkdir(parents=True, exist_ok=True)
        STREAMS.install()

    def stop(self) -> None:
        STREAMS.uninstall()
        with self._lock:
            for handle in self._files.values():
                handle.close()
            self._files.clear()

    def path(self, function: str) -> Path | None:
        return self.directory / f"{function}.log" if self.directory is not None else None

    # -- an invocation listener --------------------------------------------------------------
    def invocation_started(self, function: str, request_id: str) -> None:
        STREAMS.route()
        self._capture = _Capture(function, request_id, self._keep)
        STREAMS.capture(self._capture)

    def invocation_finished(self, invocation: Invocation) -> None:
        STREAMS.capture(None)
        if self._capture is not None:
            self._capture.close()
        self._capture = None

    # -- reading -----------------------------------------------------------------------------
    def lines(self, function: str | None = None, limit: int = 200) -> list[LogLine]:
        """The newest ``limit`` lines, oldest first; only ``function``'s when given."""
        with self._lock:
            wanted = [line for line in self._lines if function is None or line.function == function]
        return wanted[-limit:] if limit > 0 else []

    def of_request(self, request_id: str) -> list[LogLine]:
        """The lines of one invocation (kept together: invocations run one at a time), oldest first."""
        found: list[LogLine] = []
        with self._lock:
            for line in reversed(self._lines):
                if line.request_id != request_id:
                    if found:
                        break
                    continue
                found.append(line)
        return found[::-1]

    def functions(self) -> list[str]:
        with self._lock:
            return sorted({line.function for line in self._lines})

    def _keep(self, line: LogLine) -> None:
        with self._lock:
            self._lines.append(line)
            handle = self._file(line.function)
            if handle is not None:
                handle.write(line.text + "\n")
                handle.flush()
        if self.echo is not None:
            self.echo(f"  {line.function} | {line.text}")

    def _file(self, function: str) -> TextIO | None:
        path = self.path(function)
        if path is None:
            return None
        if function not in self._files:
            self._files[function] = open(path, "w", encoding="utf-8")  # noqa: SIM115 - closed in stop()
        return self._files[function]


def _level(text: str) -> str | None:
    if not text.startswith("{"):
        return None
    try:
        document = json.loads(text)
    except json.JSONDecodeError:
        return None
    level = document.get("level") if isinstance(document, dict) else None
    return level if isinstance(level, str) else None
