"""Recording the AWS requests code makes, whichever client it uses."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from botocore.client import BaseClient


@contextmanager
def aws_calls(monkeypatch: Any) -> Iterator[list[tuple[str, str]]]:
    """(service, operation) of every AWS request made inside the block, in order."""
    calls: list[tuple[str, str]] = []
    real = BaseClient._make_api_call  # type: ignore[attr-defined]  # botocore's one entry for every request

    def recording(client: BaseClient, operation_name: str, api_params: dict[str, Any]) -> Any:
        calls.append((client.meta.service_model.service_name, operation_name))
        return real(client, operation_name, api_params)

    with monkeypatch.context() as patch:
        patch.setattr(BaseClient, "_make_api_call", recording)
        yield calls
