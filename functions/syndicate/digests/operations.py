"""What an operator asks of digests: each edition's delivery report, and resuming after a pause.

**The report's counts add up.** ``recipients`` counts the recipients of every batch queued (a
run retried after its readers changed queues some again, in other batches). Each one is in
exactly one of
``sent``, ``already_sent`` (another batch of the edition had claimed that reader: a schedule
run retried after its readers changed), ``rejected`` (SES refused that address for good),
``skipped`` (unsubscribed, suppressed or moved to another cadence before the batch was sent),
``paused`` (in a batch parked until a resume) or ``pending`` (in a batch not yet sent: queued,
being retried, or in the dead-letter queue). ``bounced`` and ``complained`` are of the sent
messages, from SES's feedback, and are not added.

The counts come from one record per batch that each attempt rewrites from the ledger, so a
retried batch, a duplicate message or a crash never counts a reader twice; a report reads one
item per edition and one per 50 recipients.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from syndicate.digests.delivery import DigestBatch
from syndicate.digests.guard import ReputationGuard
from syndicate.digests.ports import BatchQueue, BatchRecord, EditionRecord, EditionRecords
from syndicate.mailing.ports import AccountStatus


@dataclass(frozen=True)
class EditionReport:
    edition_id: str
    cadence: str
    until: str
    queued_at: str
    recipients: int
    sent: int
    already_sent: int
    rejected: int
    skipped: int
    bounced: int
    complained: int
    pending: int
    paused: int

    @classmethod
    def of(cls, edition: EditionRecord, batches: list[BatchRecord]) -> EditionReport:
        paused = sum(batch.size - batch.done for batch in batches if batch.parked)
        done = sum(batch.done for batch in batches)
        recipients = sum(batch.size for batch in batches)
        return cls(
            edition_id=edition.edition_id,
            cadence=edition.cadence,
            until=edition.until,
            queued_at=edition.queued_at,
            recipients=recipients,
            sent=sum(batch.sent for batch in batches),
            already_sent=sum(batch.already_sent for batch in batches),
            rejected=sum(batch.rejected for batch in batches),
            skipped=sum(batch.skipped for batch in batches),
            bounced=edition.bounced,
            complained=edition.complained,
            pending=recipients - done - paused,
            paused=paused,
        )

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Resumed:
    """What a resume did: the batches (and their recipients) queued again, per edition."""

    batches: int
    recipients: int
    editions: tuple[str, ...]
    account: AccountStatus | None


class DigestOperations:
    def __init__(self, records: EditionRecords, guard: ReputationGuard, queue: BatchQueue) -> None:
        self._records = records
        self._guard = guard
        self._queue = queue

    def reports(self, edition_id: str | None = None) -> list[EditionReport]:
        """Every recorded edition's report (or one edition's), newest first."""
        editions = [e for e in self._records.editions() if edition_id is None or e.edition_id == edition_id]
        editions.sort(key=lambda e: (e.until, e.queued_at, e.edition_id), reverse=True)
        return [EditionReport.of(edition, self._records.batches(edition.edition_id)) for edition in editions]

    def resume(self) -> Resumed:
        """Clear the pause, then queue every parked batch again, as it was parked.

        Each batch is queued before it is unparked, so a resume cut short leaves it parked (the
        next resume queues it again, and the ledger skips whoever it already reached).
        """
        account = self._guard.resume()
        batches = recipients = 0
        editions: list[str] = []
        for edition in self._records.editions():
            if edition.paused_at is None:
                continue
            for record, subscriber_ids in self._records.parked(edition.edition_id):
                self._queue.send_all([DigestBatch(edition.edition_id, edition.cadence, subscriber_ids).as_body()])
                if self._records.unpark(edition.edition_id, record.batch_id):
                    batches += 1
                    recipients += record.size - record.done
                    if edition.edition_id not in editions:
                        editions.append(edition.edition_id)
        return Resumed(batches, recipients, tuple(editions), account)
