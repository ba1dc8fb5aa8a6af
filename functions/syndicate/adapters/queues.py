"""SQS: messages written ten to a request."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from syndicate.adapters.clients import client


class QueueWriter:
    def __init__(self, queue_url: str) -> None:
        self.queue_url = queue_url
        self.requests = 0

    def send_all(self, bodies: Sequence[dict[str, Any]]) -> None:
        """Send every body (as JSON); entries SQS fails are re-sent, a hard failure raises."""
        for start in range(0, len(bodies), 10):
            pending = {
                str(i): json.dumps(body, separators=(",", ":")) for i, body in enumerate(bodies[start : start + 10])
            }
            for _ in range(5):
                if not pending:
                    break
                self.requests += 1
                response = client("sqs").send_message_batch(
                    QueueUrl=self.queue_url,
                    Entries=[{"Id": entry_id, "MessageBody": body} for entry_id, body in pending.items()],
                )
                failed = response.get("Failed") or []
                hard = [f for f in failed if f.get("SenderFault")]
                if hard:
                    raise RuntimeError(f"SQS refused messages: {hard}")
                pending = {f["Id"]: pending[f["Id"]] for f in failed}
            if pending:
                raise RuntimeError(f"SQS kept failing {len(pending)} messages")
