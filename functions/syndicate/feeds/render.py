"""Rendering every feed into the site bucket: one render at a time, bounded in time, bytes and requests.

Feeds
    The site-wide feed and one per category in the store's category directory, each as RSS 2.0,
    Atom 1.0 and JSON Feed 1.1 (``documents.FORMATS``), under ``feeds/`` and
    ``feeds/categories/{slug}/``, with RFC 5005 archive pages (``archive``: how articles are cut
    into documents, and why a render never reads below its watermark).

One at a time
    A render first takes a lease (``ports.RenderLease``, a conditional write) that outlives the
    invocation; a render that finds it taken ends at once (``RenderReport.skipped``), and a crashed
    render's lease expires on its own.

Writes only on change
    Each document's *fingerprint* (renderer version, settings, links and the (id, version) of
    every article in it) is kept in the state (``state``): an unchanged feed costs its Query and
    nothing else (no body read, no rendering). A changed one is assembled from its entries'
    fragments, each rendered once per article version and kept (``entry_cache``); an object is
    put only when the SHA-256 of its bytes differs from the one recorded when it was last written.

Withdrawals
    An article that leaves a feed (retracted, unpublished, re-dated, moved out of a category)
    leaves the subscription document and open page by itself on the next render. For sealed
    pages the store keeps a withdrawal log (``ports.WithdrawalLog``); each render reads what was
    added since the last one and rewrites every sealed page that held such an article
    (``withdrawals``), and deletes the article's page when it is public nowhere.

Failures
    An article whose body cannot be read or whose entry or page cannot be built is logged (its id
    and the error's type: never its text, which may hold a body or an address), counted and left
    out; the rest is published, and that document's fingerprint is not recorded so the next
    render tries again. An image whose size cannot be found only loses its enclosure.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from syndicate.articles.model import Article
from syndicate.clock import Clock, isoformat
from syndicate.feeds import archive
from syndicate.feeds.documents import FORMATS, FeedDocument, FeedLinks, RenderedEntry, render_entry, renderer_version
from syndicate.feeds.entries import DEFAULT_LIMITS, Entry, EntryLimits, build_entry
from syndicate.feeds.entry_cache import EntryCache
from syndicate.feeds.fingerprints import fingerprint, sha256
from syndicate.feeds.images import ImageFacts
from syndicate.feeds.page_views import SiteUrls
from syndicate.feeds.pages import LISTED, SitePages, page_renderer_version
from syndicate.feeds.ports import ArticleSource, HubPinger, ImageProbe, RenderLease, SiteWriter, WithdrawalLog
from syndicate.feeds.spec import DEFAULT_SITE_TITLE, FeedSpec
from syndicate.feeds.state import FeedState, load_state
from syndicate.feeds.websub import HubNotifier
from syndicate.feeds.withdrawals import read_withdrawals

# Every document may change (a withdrawal rewrites even a sealed archive page), so none is
# cached for longer than a retraction may take to leave the caches after a render.
DOCUMENT_CACHE = "public, max-age=300"


class RenderLimits(NamedTuple):
    entry: EntryLimits = DEFAULT_LIMITS
    document_bytes: int = 1024 * 1024  # every document, every format
    frame_bytes: int = 8 * 1024  # room kept in a document for everything but its entries
    lease_margin_seconds: float = 60.0  # the lease outlives the invocation by this much
    stop_before_seconds: float = 20.0  # no page is sealed or rewritten this close to the end (or past half the time)
    entry_cache_bytes: int = 64 * 1024 * 1024


@dataclass
class RenderReport:
    skipped: bool = False  # another render held the lease: this one did nothing
    feeds: int = 0
    written: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    unchanged_documents: int = 0
    sealed_pages: int = 0
    rewritten_pages: int = 0  # sealed pages rewritten because an article left them
    skipped_articles: list[str] = field(default_factory=list)
    shortened_entries: list[str] = field(default_factory=list)  # over the entry limit: summary and link
    pinged: list[str] = field(default_factory=list)
    pending_pings: list[str] = field(default_factory=list)


class _Item(NamedTuple):
    article: Article
    rendered: RenderedEntry | None  # None: the article could not be rendered

    @property
    def size(self) -> int:
        return self.rendered.size if self.rendered else 0


@dataclass
class _Run:
    now: datetime
    deadline: datetime
    state: dict[str, Any]
    report: RenderReport
    failed: set[tuple[str, int]] = field(default_factory=set)
    shown: dict[str, int] = field(default_factory=dict)  # in a subscription document or an open page now
    sealed: set[str] = field(default_factory=set)
    changed_feeds: list[str] = field(default_factory=list)  # subscription document URLs

    @property
    def cutoff(self) -> str:
        return f"{isoformat(self.now)}#~"  # after every position published at or before now


class FeedRenderer:
    def __init__(
        self,
        source: ArticleSource,
        site: SiteWriter,
        clock: Clock,
        *,
        site_url: str,
        site_title: str = DEFAULT_SITE_TITLE,
        item_count: int = 50,
        lease: RenderLease | None = None,
        withdrawals: WithdrawalLog | None = None,
        hub_url: str | None = None,
        api_url: str | None = None,
        pinger: HubPinger | None = None,
        image_probe: ImageProbe | None = None,
        max_sealed_pages_per_feed: int = 50,
        limits: RenderLimits | None = None,
        logger: Any = None,
    ) -> None:
        if item_count < 1:
            raise ValueError("item_count must be at least 1")
        self._source, self._site, self._clock = source, site, clock
        self._lease, self._withdrawals = lease, withdrawals
        self._site_url, self._site_title = site_url.rstrip("/"), site_title
        self._count = item_count
        self._hub_url = hub_url or None
        self._hub = HubNotifier(pinger, self._hub_url, clock, logger=logger) if pinger and self._hub_url else None
        self._images = ImageFacts(image_probe, clock) if image_probe else None
        self._max_sealed = max_sealed_pages_per_feed
        self._limits = limits = limits or RenderLimits()
        self._entries = EntryCache(limits.entry_cache_bytes)
        self._pages = SitePages(site, SiteUrls(site_url, site_title), api_url=api_url, listed=min(item_count, LISTED))
        self._log = logger

    # -- the render -----------------------------------------------------------------------

    def render(self, *, time_limit_seconds: float = 120.0) -> RenderReport:
        """Renders every feed, unless another render holds the lease (then ``skipped``)."""
        now = self._clock()
        holder = uuid.uuid4().hex
        expires = now + timedelta(seconds=time_limit_seconds + self._limits.lease_margin_seconds)
        if self._lease and not self._lease.acquire(holder, now=isoformat(now), expires_at=isoformat(expires)):
            return RenderReport(skipped=True)
        try:
            working = max(time_limit_seconds - self._limits.stop_before_seconds, time_limit_seconds / 2)
            deadline = now + timedelta(seconds=working)
            return self._render(now, deadline)
        finally:
            if self._lease:
                self._lease.release(holder, now=isoformat(self._clock()))

    def _render(self, now: datetime, deadline: datetime) -> RenderReport:
        stored = self._site.read_state()
        state = load_state(stored)
        run = _Run(now=now, deadline=deadline, state=state, report=RenderReport())
        if self._images:
            self._images.start_render()
        categories = self._source.list_categories()
        specs = [FeedSpec(slug, name, self._site_title) for slug, name in [(None, None), *categories]]
        if self._withdrawals:
            self._withdraw(self._withdrawals, run)
        for spec in specs:
            self._render_feed(spec, run)
        self._repair_sealed_pages(specs, run)
        run.report.feeds = len(specs)
        self._forget_pages(run)
        run.report.written.extend(self._pages.publish(specs, run.state, left_out=run.report.skipped_articles))
        self._ping(run)
        if state != stored:
            self._site.write_state(state)
        return run.report

    def _render_feed(self, spec: FeedSpec, run: _Run) -> None:
        feed = FeedState(run.state, spec.key)
        # One Query answers the steady state: the subscription document and the open page.
        found = self._source.public_range(
            category=spec.slug,
            after=feed.sealed_through,
            before=run.cutoff,
            limit=2 * self._count - 1,
            newest_first=True,
        )
        self._pages.listed(spec, found.articles)  # the home and category pages show the newest of these
        gate = self._fingerprint(spec, feed.sealed_through, found.cursor is not None, found.articles)
        run.shown.update((article.id, article.version) for article in found.articles)  # public, not archived
        if feed.fingerprint("found") == gate:
            run.report.unchanged_documents += 2 if feed.open_page else 1
            return
        items = [self._item(article, run) for article in found.articles]
        taken = archive.newest_that_fit([item.size for item in items], count=self._count, budget=self._budget)
        current, rest = items[:taken], list(reversed(items[taken:]))
        backlog = False
        if found.cursor is not None:
            # More wait to be archived than one Query returned: read them oldest first, a bounded number.
            page = self._source.public_range(
                category=spec.slug,
                after=feed.sealed_through,
                before=current[-1].article.position,
                limit=self._max_sealed * self._count + self._count - 1,
                newest_first=False,
            )
            rest, backlog = [self._item(article, run) for article in page.articles], page.cursor is not None
        open_items, backlog = self._archive(spec, feed, rest, run, backlog=backlog)
        complete = self._publish_current_and_open(spec, feed, current, open_items, run, backlog=backlog)
        feed.remember("found", gate if complete and not backlog else None)

    def _archive(
        self, spec: FeedSpec, feed: FeedState, rest: list[_Item], run: _Run, *, backlog: bool
    ) -> tuple[list[_Item], bool]:
        """Seals every page of ``rest`` that fills, while time allows; returns the open page's items."""
        for page, sealed in archive.pages(rest, lambda item: item.size, count=self._count, budget=self._budget):
            if not sealed:
                return ([] if backlog else page), backlog
            if self._clock() >= run.deadline:
                return [], True  # the rest waits for the next render
            self._seal(spec, feed, page, run)
        return [], backlog

    def _publish_current_and_open(
        self,
        spec: FeedSpec,
        feed: FeedState,
        current: list[_Item],
        open_items: list[_Item],
        run: _Run,
        *,
        backlog: bool,
    ) -> bool:
        """Writes the open page (or removes an emptied one) and the subscription document; True if all rendered."""
        open_page = feed.sealed_pages + 1
        complete = True
        if open_items:
            complete = self._publish(spec, feed, run, slot="open", items=open_items, page=open_page)
            feed.open_page = open_page
        elif feed.open_page is not None and not backlog:
            self._forget_open_page(spec, feed, run)  # emptied by withdrawals: it must not stay at its URL
        prev_page = open_page if open_items else (feed.sealed_pages or None)
        complete &= self._publish(spec, feed, run, slot="current", items=current, page=None, prev_page=prev_page)
        return complete

    def _seal(self, spec: FeedSpec, feed: FeedState, items: list[_Item], run: _Run) -> None:
        page = feed.sealed_pages + 1
        self._write_sealed(spec, page, items, run)
        feed.pages.append(items[-1].article.position)
        if feed.open_page == page:
            feed.open_page = None  # the open page is now sealed, at the same URL
        run.sealed.update(item.article.id for item in items)
        run.report.sealed_pages += 1

    def _write_sealed(self, spec: FeedSpec, page: int, items: list[_Item], run: _Run) -> None:
        document = self._document(spec, items, archive=True, complete=True)
        for fmt in FORMATS:
            key = spec.archive_key(page, fmt.file_name)
            body = fmt.render(document, self._links(spec, fmt.file_name, page, page - 1 or None))
            self._put(key, body, fmt.content_type, run, remember=False)

    def _publish(
        self,
        spec: FeedSpec,
        feed: FeedState,
        run: _Run,
        *,
        slot: str,
        items: list[_Item],
        page: int | None,
        prev_page: int | None = None,
    ) -> bool:
        """Writes one document in every format unless its fingerprint is unchanged; True if all rendered."""
        prev_page = (page - 1 or None) if page else prev_page
        articles = [item.article for item in items]
        fingerprint_now = self._fingerprint(spec, page, prev_page, articles)
        if feed.fingerprint(slot) == fingerprint_now:
            run.report.unchanged_documents += 1
            return True
        document = self._document(spec, items, archive=page is not None, complete=False)
        for fmt in FORMATS:
            key = spec.archive_key(page, fmt.file_name) if page else spec.current_key(fmt.file_name)
            body = fmt.render(document, self._links(spec, fmt.file_name, page, prev_page))
            if self._put(key, body, fmt.content_type, run) and page is None:
                run.changed_feeds.append(self._url(key))
        complete = all(item.rendered for item in items)
        feed.remember(slot, fingerprint_now if complete else None)
        return complete

    def _put(self, key: str, body: bytes, content_type: str, run: _Run, *, remember: bool = True) -> bool:
        """Puts ``body`` unless the same bytes were put last; True if it was put."""
        digest = sha256(body)
        if remember and run.state["objects"].get(key) == digest:
            return False
        if len(body) > self._limits.document_bytes:
            self._warn("feed document over its size limit", key, "DocumentTooLarge")
        self._site.put(key, body, content_type=content_type, cache_control=DOCUMENT_CACHE, digest=digest)
        if remember:
            run.state["objects"][key] = digest
        else:
            run.state["objects"].pop(key, None)  # sealed: compared again only if rewritten
        run.report.written.append(key)
        return True

    def _forget_open_page(self, spec: FeedSpec, feed: FeedState, run: _Run) -> None:
        page = feed.open_page
        feed.open_page = None
        if page is None or page <= feed.sealed_pages:
            return  # it was sealed in place
        for fmt in FORMATS:
            key = spec.archive_key(page, fmt.file_name)
            self._site.delete(key)
            run.state["objects"].pop(key, None)
            run.report.deleted.append(key)

    # -- entries --------------------------------------------------------------------------

    def _item(self, article: Article, run: _Run) -> _Item:
        """The article with its rendered entry; a bad one is logged, counted and left out (``rendered`` None)."""
        cached = self._entries.get(article)
        if cached is not None:
            return _Item(article, cached)
        if (article.id, article.version) in run.failed:
            return _Item(article, None)
        rendered = self._build(article, run)
        if rendered is None:
            run.failed.add((article.id, article.version))
            if article.id not in run.report.skipped_articles:
                run.report.skipped_articles.append(article.id)
        return _Item(article, rendered)

    def _build(self, article: Article, run: _Run) -> RenderedEntry | None:
        try:
            loaded = self._source.with_body(article)
        except Exception as error:  # one article never breaks the render
            self._warn("article body could not be read; article left out", article.id, type(error).__name__)
            return None
        entry, complete = self._entry(loaded)
        if entry is None:
            return None
        try:
            rendered = render_entry(entry, self._tag_domain)
            self._write_page(loaded, entry, run)
        except Exception as error:
            self._warn("article could not be rendered; article left out", article.id, type(error).__name__)
            return None
        if entry.shortened:
            run.report.shortened_entries.append(article.id)
        if complete:
            self._entries.put(article, rendered)
        return rendered

    def _entry(self, article: Article) -> tuple[Entry | None, bool]:
        """(entry, complete): without its image's size when that cannot be found (not complete then)."""
        limits = self._limits.entry
        if self._images:
            try:
                return build_entry(article, self._site_url, self._images.describe, limits), True
            except Exception as error:
                self._warn(
                    "article image size unknown; rendered without its enclosure", article.id, type(error).__name__
                )
        try:
            return build_entry(article, self._site_url, None, limits), self._images is None
        except Exception as error:
            self._warn("article could not be rendered; article left out", article.id, type(error).__name__)
            return None, False

    # -- article pages --------------------------------------------------------------------

    def _write_page(self, article: Article, entry: Entry, run: _Run) -> None:
        written = self._pages.write_article(article, entry, run.state)
        if written:
            run.report.written.append(written)

    def _forget_pages(self, run: _Run) -> None:
        """Pages of articles that left every feed and open page (and were not archived) are deleted.

        The state remembers the (id, version) of the articles shown in feeds and open pages, so the
        work is bounded by what the feeds show, like everything else.
        """
        previous: dict[str, int] = run.state["shown"]
        for article_id in previous:
            if article_id not in run.shown and article_id not in run.sealed:
                run.report.deleted.append(self._pages.delete_article(article_id))  # retracted, unpublished
        run.state["shown"] = dict(run.shown)

    # -- withdrawals ----------------------------------------------------------------------

    def _withdraw(self, log: WithdrawalLog, run: _Run) -> None:
        """Reads the withdrawal log: pages of articles public nowhere go, sealed pages are queued for a rewrite."""
        found = read_withdrawals(log, run.state, run.now)
        repairs = {tuple(repair) for repair in run.state["repairs"]}
        for withdrawal in found:
            for key in withdrawal.feeds:
                page = FeedState(run.state, key).page_holding(withdrawal.position)
                if page is not None:
                    repairs.add((key, page))
            if withdrawal.gone:
                run.report.deleted.append(self._pages.delete_article(withdrawal.article_id))
                run.state["shown"].pop(withdrawal.article_id, None)
        run.state["repairs"] = sorted([key, page] for key, page in repairs)

    def _repair_sealed_pages(self, specs: list[FeedSpec], run: _Run) -> None:
        """Rewrites the sealed pages an article left, while time allows (the rest on the next render)."""
        by_key = {spec.key: spec for spec in specs}
        remaining = []
        for key, page in run.state["repairs"]:
            spec, feed = by_key.get(key), FeedState(run.state, key)
            if spec is None or page > feed.sealed_pages:
                continue
            if self._clock() >= run.deadline:
                remaining.append([key, page])
                continue
            after, through = feed.page_range(page)
            found = self._source.public_range(
                category=spec.slug, after=after, before=through + "\x01", limit=2 * self._count, newest_first=False
            )
            items = [self._item(article, run) for article in found.articles]
            kept = next(
                archive.pages(items, lambda item: item.size, count=self._count, budget=self._budget), ([], True)
            )
            self._write_sealed(spec, page, kept[0], run)
            run.report.rewritten_pages += 1
        run.state["repairs"] = remaining

    # -- WebSub ---------------------------------------------------------------------------

    def _ping(self, run: _Run) -> None:
        if self._hub is None:
            return
        topics = list(dict.fromkeys([*run.state["pending_pings"], *run.changed_feeds]))
        outcome = self._hub.notify(topics)
        run.report.pinged, run.report.pending_pings = outcome.pinged, outcome.pending
        run.state["pending_pings"] = outcome.pending

    # -- small pieces ---------------------------------------------------------------------

    @property
    def _tag_domain(self) -> str:
        return f"{self._site_url}/tags"

    @property
    def _budget(self) -> int:
        """Bytes a document's entries may take."""
        return self._limits.document_bytes - self._limits.frame_bytes

    def _url(self, key: str) -> str:
        return f"{self._site_url}/{key}"

    def _document(self, spec: FeedSpec, items: list[_Item], *, archive: bool, complete: bool) -> FeedDocument:
        entries = [item.rendered for item in items if item.rendered]
        return FeedDocument(
            title=spec.title,
            description=spec.description,
            home_url=self._site_url,
            author=self._site_title,
            # Newest first on every page, whatever order the articles came in.
            entries=tuple(
                sorted(
                    entries, key=lambda rendered: (rendered.entry.published, rendered.entry.article_id), reverse=True
                )
            ),
            hub_url=None if archive else self._hub_url,
            archive=archive,
            complete=complete,
        )

    def _links(self, spec: FeedSpec, file_name: str, page: int | None, prev_page: int | None) -> FeedLinks:
        self_key = spec.archive_key(page, file_name) if page else spec.current_key(file_name)
        return FeedLinks(
            self_url=self._url(self_key),
            prev_archive=self._url(spec.archive_key(prev_page, file_name)) if prev_page else None,
            current=self._url(spec.current_key(file_name)) if page else None,
        )

    def _fingerprint(self, spec: FeedSpec, page: object, prev_page: object, articles: list[Article]) -> str:
        return fingerprint(
            [
                renderer_version(),
                page_renderer_version(),  # a new page template rewrites the pages of the articles feeds show
                self._site_url,
                self._hub_url,
                self._limits,
                spec.title,
                page,
                prev_page,
                [(article.id, article.version, article.body_version) for article in articles],
            ]
        )

    def _warn(self, message: str, subject: str, error_type: str) -> None:
        """Logs the subject (an article id, a key) and the error's type, never its message (it may quote a body)."""
        if self._log is not None:
            self._log.warning(message, extra={"subject": subject, "error_type": error_type})
