"""What digests need from outside: articles, the mailing list, editions, the queue, the ledger,
and the delivery records (reputation counters, the pause, per-edition and per-batch outcomes)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from syndicate.articles.ports import Page
from syndicate.mailing.model import Subscriber


class ArticleListing(Protocol):
    def list_public(self, *, category: str | None, now: str, limit: int, cursor: str | None) -> Page: ...


class MailingList(Protocol):
    def receiving(self, cadence: str) -> Iterator[Subscriber]: ...
    def digest_window(self, cadence: str, until: str, first_since: str) -> str: ...


class EditionArchive(Protocol):
    def put(self, edition_id: str, document: dict[str, Any]) -> None: ...


class BatchQueue(Protocol):
    def send_all(self, bodies: list[dict[str, Any]]) -> None: ...


@dataclass(frozen=True)
class ClaimedBefore:
    """A delivery someone claimed already: by which batch, and ``rejected`` if SES refused it."""

    batch_id: str | None
    outcome: str | None


class Ledger(Protocol):
    def claim(
        self, edition_id: str, subscriber_id: str, now: str, expires_at: int, batch_id: str
    ) -> str | ClaimedBefore:
        """A new claim's id, or what the earlier claim says (read by the same conditional write)."""
        ...

    def release(self, edition_id: str, subscriber_id: str, claim_id: str) -> None: ...
    def reject(self, edition_id: str, subscriber_id: str, claim_id: str, reason: str) -> None: ...


class Subscribers(Protocol):
    def get_many(self, subscriber_ids: Iterable[str]) -> dict[str, Subscriber]: ...


class Editions(Protocol):
    def get(self, edition_id: str) -> dict[str, Any]: ...


class SuppressionList(Protocol):
    def suppress(self, subscriber_id: str, email: str, reason: str, now: str) -> None: ...


# -- delivery records ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SendingVolume:
    """Digests sent in one hour (``2025-12-18T07``), and the bounces and complaints they drew
    (feedback is counted in the hour its message was sent, whenever it arrives)."""

    hour: str
    sent: int = 0
    bounced: int = 0
    complained: int = 0


@dataclass(frozen=True)
class PauseState:
    """The digest pause: set by the guard, cleared by an operator's resume.

    ``baseline`` is the resume hour's volume at the resume, so the next rates count only what was
    sent after it; ``acknowledged`` an SES enforcement status the operator resumed under.
    """

    paused_at: str | None = None
    reason: str | None = None
    resumed_at: str | None = None
    baseline: SendingVolume | None = None
    acknowledged: str | None = None


@dataclass(frozen=True)
class BatchRecord:
    """What the ledger says became of one batch's recipients, rewritten by each attempt.

    ``sent`` counts recipients this batch claimed and SES accepted (or whose send a crash cut
    short: the ledger's claim stands), ``already_sent`` those another batch had claimed,
    ``skipped`` those no longer receiving digests when it was sent. ``done`` < ``size`` while
    recipients are still to come; ``parked`` while the batch waits for a resume.
    """

    edition_id: str
    batch_id: str
    size: int
    sent: int = 0
    already_sent: int = 0
    rejected: int = 0
    skipped: int = 0
    parked: bool = False

    @property
    def done(self) -> int:
        return self.sent + self.already_sent + self.rejected + self.skipped


@dataclass(frozen=True)
class EditionRecord:
    """One edition as the schedule queued it, and the feedback its messages drew."""

    edition_id: str
    cadence: str
    until: str
    queued_at: str
    paused_at: str | None = None
    bounced: int = 0
    complained: int = 0


class SendingRecords(Protocol):
    """Hourly sending volume and the pause: what the reputation guard reads, in one request."""

    def recent(self, since_hour: str) -> tuple[list[SendingVolume], PauseState]: ...
    def count_sent(self, hour: str, sent: int) -> None: ...
    def count_feedback(self, hour: str, kind: str, count: int, edition_id: str) -> None: ...
    def pause(self, reason: str, now: str) -> bool: ...
    def resume(self, now: str, baseline: SendingVolume, acknowledged: str | None) -> None: ...


class EditionRecords(Protocol):
    """Editions, their batches' outcomes, and batches parked while sending is paused."""

    def queued(
        self, edition: EditionRecord, batches: list[tuple[BatchRecord, tuple[str, ...]]], paused: str | None
    ) -> None:
        """Record the edition and its batches as the schedule queues them (parked, with their
        subscribers' ids, when ``paused`` says why they are not queued)."""
        ...

    def record_batch(self, record: BatchRecord) -> None: ...
    def park(self, record: BatchRecord, subscriber_ids: tuple[str, ...], reason: str, now: str) -> None: ...
    def unpark(self, edition_id: str, batch_id: str) -> bool: ...
    def editions(self) -> list[EditionRecord]: ...
    def batches(self, edition_id: str) -> list[BatchRecord]: ...
    def parked(self, edition_id: str) -> list[tuple[BatchRecord, tuple[str, ...]]]: ...
