"""What the functions wrote to stdout: Powertools log lines and EMF metric documents (JSON per line)."""

from __future__ import annotations

import json
from typing import Any


def json_lines(output: str) -> list[dict[str, Any]]:
    found = []
    for line in output.splitlines():
        if line.startswith("{"):
            try:
                found.append(json.loads(line))
            except ValueError:
                continue
    return found


def log_records(output: str) -> list[dict[str, Any]]:
    return [line for line in json_lines(output) if "level" in line and "message" in line]


def metric_values(output: str, name: str) -> list[float]:
    """Every value emitted for metric ``name`` (EMF documents), in order."""
    values: list[float] = []
    for document in json_lines(output):
        if "_aws" in document and name in document:
            value = document[name]
            values.extend(value if isinstance(value, list) else [value])
    return values


class FunctionOutput:
    """Everything the functions write, as CloudWatch would get it: the service logger's JSON
    lines (through its own formatter) and stdout (EMF metrics, prints)."""

    def __init__(self, capsys: Any) -> None:
        import io
        import logging

        from syndicate.observability import logger

        self._capsys = capsys
        self._stream = io.StringIO()
        self._handler = logging.StreamHandler(self._stream)
        self._handler.setFormatter(logger.registered_formatter)
        self._logger = logging.getLogger(logger.name)  # the standard logger Powertools writes through
        self._stdout: list[str] = []
        capsys.readouterr()
        self._logger.addHandler(self._handler)

    def close(self) -> None:
        self._logger.removeHandler(self._handler)

    def text(self) -> str:
        self._stdout.append(self._capsys.readouterr().out)
        return self._stream.getvalue() + "".join(self._stdout)

    def logs(self) -> list[dict[str, Any]]:
        return log_records(self._stream.getvalue())

    def metric(self, name: str) -> list[float]:
        return metric_values(self.text(), name)
