"""A stand-in for the X-Ray provider of Powertools Tracer that keeps everything a trace would hold."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


class RecordedSubsegment:
    def __init__(self, name: str) -> None:
        self.name = name
        self.annotations: dict[str, Any] = {}
        self.metadata: list[tuple[str, str, Any]] = []
        self.exceptions: list[str] = []

    def put_annotation(self, key: str, value: Any) -> None:
        self.annotations[key] = value

    def put_metadata(self, key: str, value: Any, namespace: str = "default") -> None:
        self.metadata.append((namespace, key, value))

    def add_exception(self, exception: BaseException, stack: Any, remote: bool = False) -> None:
        self.exceptions.append(repr(exception))


class RecordingTraceProvider:
    """Install with ``monkeypatch.setattr(tracer, "provider", RecordingTraceProvider())``."""

    def __init__(self) -> None:
        self.subsegments: list[RecordedSubsegment] = []

    @contextmanager
    def in_subsegment(self, name: str | None = None, **_: Any) -> Iterator[RecordedSubsegment]:
        subsegment = RecordedSubsegment(name or "")
        self.subsegments.append(subsegment)
        yield subsegment

    def put_annotation(self, key: str, value: Any) -> None:
        self.in_subsegment("segment").__enter__().put_annotation(key, value)

    def put_metadata(self, key: str, value: Any, namespace: str = "default") -> None:
        self.in_subsegment("segment").__enter__().put_metadata(key, value, namespace)

    def text(self) -> str:
        """Everything recorded, as one searchable string."""
        return "\n".join(
            f"{s.name} {s.annotations!r} {[(n, k, repr(v)) for n, k, v in s.metadata]!r} {s.exceptions!r}"
            for s in self.subsegments
        )
