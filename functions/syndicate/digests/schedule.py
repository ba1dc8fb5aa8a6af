"""A scheduled digest run: plan the editions, render each once, queue the recipients in batches.

The run covers the window ``(since, until]`` where ``until`` is the scheduled time and
``since`` is where the previous run of that cadence ended; a retried run of the same
scheduled time gets the same window, hence the same edition ids, so the delivery ledger
stops anyone from getting it twice.

Before it queues anything the run asks the reputation guard; when sending must not go on, the
editions are still rendered and recorded, but their batches are parked, not queued: an
operator's resume queues them as they are.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from syndicate.articles.model import Article
from syndicate.clock import Clock, isoformat
from syndicate.digests.delivery import DigestBatch
from syndicate.digests.edition import PERIODS, DigestEdition, became_public
from syndicate.digests.guard import Health, ReputationGuard
from syndicate.digests.ports import (
    ArticleListing,
    BatchQueue,
    BatchRecord,
    EditionArchive,
    EditionRecord,
    EditionRecords,
    MailingList,
)
from syndicate.digests.rendering import EditionRenderer, LeftOut, RenderedEdition
from syndicate.mailing.model import category_slugs

RECIPIENTS_PER_MESSAGE = 50
# Backdated articles count from when they were stored; look this far before the window for them.
BACKDATING_LOOKBACK = timedelta(days=7)
_PAGE = 100


@dataclass(frozen=True)
class RunReport:
    cadence: str
    since: str
    until: str
    editions: int  # rendered and queued
    empty_editions: int  # nothing new for them: not sent
    recipients: int
    batches: int
    left_out: tuple[LeftOut, ...] = ()  # articles no edition could show, once each
    paused: str | None = None  # why the batches were parked instead of queued
    health: Health | None = None  # what the reputation guard found before queuing


class DigestScheduler:
    def __init__(
        self,
        subscribers: MailingList,
        articles: ArticleListing,
        renderer: EditionRenderer,
        editions: EditionArchive,
        queue: BatchQueue,
        guard: ReputationGuard,
        records: EditionRecords,
        clock: Clock,
    ) -> None:
        self._subscribers = subscribers
        self._articles = articles
        self._renderer = renderer
        self._editions = editions
        self._queue = queue
        self._guard = guard
        self._records = records
        self._clock = clock

    def run(self, cadence: str, scheduled_at: datetime) -> RunReport:
        until = isoformat(scheduled_at)
        since = self._subscribers.digest_window(cadence, until, isoformat(scheduled_at - PERIODS[cadence]))
        groups = self._editions_of(cadence, since, until)
        if not groups:
            return RunReport(cadence, since, until, 0, 0, 0, 0)
        health = self._guard.check()  # before anything is queued
        if not health.ok and not health.already_paused:
            self._guard.pause(str(health.reason))
        articles = self._window(min(edition.since for edition in groups), until)
        editions = empty = recipients = batches = 0
        left_out: dict[str, LeftOut] = {}
        for edition in sorted(groups, key=lambda e: (e.categories, e.since)):
            chosen = edition.select(articles)
            rendered = self._renderer.render(edition, chosen) if chosen else None
            left_out.update((article.article_id, article) for article in (rendered.left_out if rendered else ()))
            if rendered is None:
                empty += 1  # nothing new for these readers (or nothing that could be shown)
                continue
            editions += 1
            recipients += len(groups[edition])
            batches += self._queue_edition(edition, rendered, groups[edition], health)
        paused = health.reason if not health.ok else None
        found = tuple(left_out.values())
        return RunReport(cadence, since, until, editions, empty, recipients, batches, found, paused, health)

    def _queue_edition(
        self, edition: DigestEdition, rendered: RenderedEdition, members: list[str], health: Health
    ) -> int:
        """Store the edition, record it and its batches, and queue them (or park them while
        sending is paused); how many batches."""
        self._editions.put(edition.id, rendered.as_document())
        found = [
            DigestBatch(edition.id, edition.cadence, tuple(members[i : i + RECIPIENTS_PER_MESSAGE]))
            for i in range(0, len(members), RECIPIENTS_PER_MESSAGE)
        ]
        paused = None if health.ok else str(health.reason)
        records = [(BatchRecord(edition.id, b.batch_id, len(b.subscriber_ids)), b.subscriber_ids) for b in found]
        now = isoformat(self._clock())
        self._records.queued(EditionRecord(edition.id, edition.cadence, edition.until, now), records, paused)
        if paused is None:
            self._queue.send_all([batch.as_body() for batch in found])
        return len(found)

    def _editions_of(self, cadence: str, since: str, until: str) -> dict[DigestEdition, list[str]]:
        """The ids of who receives which edition: one per category set and window start."""
        groups: dict[DigestEdition, list[str]] = defaultdict(list)
        for subscriber in self._subscribers.receiving(cadence):
            start = max(since, subscriber.since or since)
            if start >= until:
                continue  # confirmed after this run's time
            edition = DigestEdition(cadence, category_slugs(subscriber.categories), start, until)
            groups[edition].append(subscriber.id)
        return groups

    def _window(self, since: str, until: str) -> list[Article]:
        """Public articles that may have become public in (since, until], newest first."""
        floor = isoformat(datetime.fromisoformat(since.replace("Z", "+00:00")) - BACKDATING_LOOKBACK)
        found: list[Article] = []
        cursor = None
        while True:
            page = self._articles.list_public(category=None, now=until, limit=_PAGE, cursor=cursor)
            for article in page.articles:
                if article.published_at <= floor:
                    return found
                if since < became_public(article) <= until:
                    found.append(article)
            cursor = page.cursor
            if not cursor:
                return found
