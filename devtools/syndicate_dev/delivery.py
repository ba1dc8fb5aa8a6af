"""Operating digest delivery from outside the functions: report, resume, redrive.

``syndicate digests`` uses it against a deployed stack (names from the stack's outputs), and
the local console's operations panel inside the local stack. Both go through the functions' own
domain code and adapters (``syndicate.digests.operations``), so the report an operator reads is
computed the way the functions record it.

**Redrive** moves the dead-letter queue's batches back to the digest queue by receiving,
sending and deleting them (moto implements no ``StartMessageMoveTask``, and one way for both
keeps one way tested). A message is deleted from the dead-letter queue only after it was sent
to the digest queue, so a redrive cut short sends some batch twice rather than losing it, and
the ledger makes that harmless: only readers who did not get the edition get it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from syndicate.adapters.clients import client
from syndicate.adapters.delivery_records import DeliveryRecordStore
from syndicate.adapters.queues import QueueWriter
from syndicate.adapters.ses import SesAccount
from syndicate.clock import Clock, isoformat
from syndicate.digests.guard import CannotResume, ReputationGuard, hour_of
from syndicate.digests.operations import DigestOperations, EditionReport, Resumed

EMPTY_RECEIVES = 3  # short polls that find nothing before a queue counts as drained


@dataclass(frozen=True)
class DeliveryNames:
    """Where digest delivery keeps its state, by physical name."""

    subscribers_table: str
    digest_queue_url: str
    dead_letter_queue_url: str

    @classmethod
    def of_stack(cls, stack_name: str, stack_output: Callable[[str, str], str]) -> DeliveryNames:
        return cls(
            stack_output(stack_name, "SubscribersTableName"),
            stack_output(stack_name, "DigestQueueUrl"),
            stack_output(stack_name, "DigestDeadLetterQueueUrl"),
        )


class DeliveryProblem(Exception):
    """What stops an operator's request (SES refusing the account's sending, no local stack...)."""


class DeliveryConsole:
    def __init__(self, names: DeliveryNames, clock: Clock) -> None:
        self.names = names
        self._clock = clock
        self._records = DeliveryRecordStore(names.subscribers_table)
        guard = ReputationGuard(SesAccount(ttl_seconds=0), self._records, clock)
        self._operations = DigestOperations(self._records, guard, QueueWriter(names.digest_queue_url))

    def state(self, edition_id: str | None = None) -> dict[str, Any]:
        """The pause, each edition's report and the queues' depths, as JSON values."""
        _, pause = self._records.recent(hour_of(self._clock()))
        return {
            "sending": {"paused": pause.paused_at is not None, **asdict(pause)},
            "editions": [report.as_dict() for report in self._operations.reports(edition_id)],
            "queues": {
                "digest_queue": queue_depth(self.names.digest_queue_url),
                "dead_letter_queue": queue_depth(self.names.dead_letter_queue_url),
            },
            "read_at": isoformat(self._clock()),
        }

    def resume(self) -> Resumed:
        return self._operations.resume()

    def redrive(self) -> int:
        return move_messages(self.names.dead_letter_queue_url, self.names.digest_queue_url)


def perform(console: DeliveryConsole, action: str, edition_id: str | None = None) -> dict[str, Any]:
    """``report``, ``resume`` or ``redrive``, answered as JSON values (what the local console sends)."""
    if action == "report":
        return console.state(edition_id)
    if action == "resume":
        try:
            resumed = console.resume()
        except CannotResume as refused:
            raise DeliveryProblem(str(refused)) from None
        return {"batches": resumed.batches, "recipients": resumed.recipients, "editions": list(resumed.editions)}
    return {"moved": console.redrive()}


def queue_depth(queue_url: str) -> dict[str, int]:
    attributes = client("sqs").get_queue_attributes(
        QueueUrl=queue_url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    )["Attributes"]
    return {
        "visible": int(attributes.get("ApproximateNumberOfMessages", 0)),
        "in_flight": int(attributes.get("ApproximateNumberOfMessagesNotVisible", 0)),
    }


def move_messages(source_url: str, target_url: str) -> int:
    """Move every visible message of one queue to another; how many were moved."""
    sqs = client("sqs")
    moved = empty = 0
    while empty < EMPTY_RECEIVES:
        messages = sqs.receive_message(
            QueueUrl=source_url, MaxNumberOfMessages=10, WaitTimeSeconds=0, VisibilityTimeout=60
        ).get("Messages", [])
        if not messages:
            empty += 1
            continue
        empty = 0
        entries = [{"Id": str(n), "MessageBody": message["Body"]} for n, message in enumerate(messages)]
        sent = sqs.send_message_batch(QueueUrl=target_url, Entries=entries)
        delivered = {entry["Id"] for entry in sent.get("Successful", [])}
        done = [
            {"Id": str(n), "ReceiptHandle": message["ReceiptHandle"]}
            for n, message in enumerate(messages)
            if str(n) in delivered
        ]
        if done:
            sqs.delete_message_batch(QueueUrl=source_url, Entries=done)
        moved += len(done)
    return moved


COLUMNS = (
    ("recipients", "recipients"),
    ("sent", "sent"),
    ("already_sent", "already"),
    ("rejected", "rejected"),
    ("skipped", "skipped"),
    ("pending", "pending"),
    ("paused", "paused"),
    ("bounced", "bounced"),
    ("complained", "complained"),
)


def report_lines(state: dict[str, Any]) -> list[str]:
    """The state as a person reads it: the pause, then one line per edition."""
    sending = state["sending"]
    lines = [
        f"Sending: PAUSED since {sending['paused_at']}: {sending['reason']}"
        if sending["paused"]
        else "Sending: active" + (f" (resumed {sending['resumed_at']})" if sending.get("resumed_at") else "")
    ]
    queues = state["queues"]
    lines.append(
        f"Queues: {queues['digest_queue']['visible']} batches waiting, {queues['digest_queue']['in_flight']} in "
        f"flight; {queues['dead_letter_queue']['visible']} in the dead-letter queue"
    )
    if not state["editions"]:
        return [*lines, "No editions recorded."]
    lines.append(f"{'edition':<40} " + " ".join(f"{title:>10}" for _, title in COLUMNS))
    for edition in state["editions"]:
        lines.append(f"{edition['edition_id']:<40} " + " ".join(f"{edition[key]:>10}" for key, _ in COLUMNS))
    lines.append(
        "recipients = sent + already + rejected + skipped + pending + paused; bounced and complained are of sent"
    )
    return lines


def adds_up(report: dict[str, Any] | EditionReport) -> bool:
    """Whether an edition's counts add up to the recipients it queued."""
    values = report.as_dict() if isinstance(report, EditionReport) else report
    parts = ("sent", "already_sent", "rejected", "skipped", "pending", "paused")
    return bool(values["recipients"] == sum(values[part] for part in parts) and values["pending"] >= 0)


def as_json(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, default=str)
