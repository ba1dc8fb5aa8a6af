"""Rendering every feed into the site bucket: what each feed shows, archives, writes, pings.

Feeds
    The site-wide feed and one per category in the store's category directory, each as
    RSS 2.0, Atom 1.0 and JSON Feed 1.1 (``documents.FORMATS``), under ``feeds/`` and
    ``feeds/categories/{slug}/``.

Archives (RFC 5005), built incrementally
    The subscription document (``feeds/rss.xml``) shows the newest N public articles. Older
    ones live in archive pages of N articles, ``.../archive/{n}/rss.xml``, numbered from the
    oldest (page 1) up. Page n holds the next N articles, in publication order, after page n-1;
    once it holds N it is *sealed* and never written again (``Cache-Control: immutable``).
    Between the newest sealed page and the subscription document sits at most one *open*
    page (fewer than N articles, rewritten while it fills, at the URL it keeps once sealed).
    ``prev-archive`` (JSON Feed: ``next_url``) links subscription -> open -> sealed n -> n-1 ...
    -> 1, so a reader walking back meets every article exactly once.

    A small render state (one JSON object in the site bucket, outside what CloudFront serves)
    remembers per feed only ``sealed_pages`` and ``sealed_through`` (the position of the last
    sealed article), plus fingerprints. A render therefore never reads below the watermark:

    1. Query the index, newest first, for at most 2N-1 articles above the watermark: the newest
       N are the feed, the rest (fewer than N) the open page. That is the steady state: one
       Query per feed, whether 20 or 10,000 articles are stored.
    2. Only when that Query finds more (N or more articles wait to be archived), Query oldest
       first from the watermark up to the oldest article of the feed, a bounded number.
    3. Seal every full run of N of them into a new page (bounded per render, so a large backlog
       is archived over several renders), advance the watermark, render the rest as the open page.

    The AWS requests of a render thus depend on the number of feeds and on the articles they
    show (feed + open page + pages being sealed), never on how many articles are stored.

Writes only on change
    Each document's *fingerprint* (renderer version, settings, links and the (id, version)
    of every article in it) is kept in the state: an unchanged feed costs its two Queries and
    nothing else (no body read, no rendering). A changed one is rendered; an object is put only
    when the SHA-256 of its bytes differs from the one recorded when it was last written.

Failures
    An article whose body cannot be read or whose entry cannot be built is logged and left
    out; the rest is published, and that document's fingerprint is not recorded so the next
    render tries again. An image whose size cannot be resolved only loses its enclosure.

Known limits
    Sealed pages are immutable by design: an article retracted (or back-dated below the
    watermark) after its page was sealed stays as it was in that page; feeds and open pages
    reflect it on the next render.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from syndicate.articles.model import Article, article_url
from syndicate.clock import Clock, isoformat
from syndicate.feeds.documents import FORMATS, FeedDocument, FeedLinks, render_article_page, renderer_version
from syndicate.feeds.entries import Entry, build_entry, xml_text
from syndicate.feeds.ports import ArticleSource, HubPinger, ImageProbe, SiteWriter

STATE_FORMAT = 1
SITE_TITLE = "Syndicate"
CURRENT_CACHE = "public, max-age=300"
OPEN_ARCHIVE_CACHE = "public, max-age=300"
SEALED_ARCHIVE_CACHE = "public, max-age=31536000, immutable"
ARTICLE_PAGE_CACHE = "public, max-age=300"
ARTICLE_PAGE_TYPE = "text/html; charset=utf-8"


@dataclass(frozen=True)
class FeedSpec:
    slug: str | None  # None: the site-wide feed
    name: str | None

    @property
    def key(self) -> str:
        return self.slug or ""

    @property
    def prefix(self) -> str:
        return f"feeds/categories/{self.slug}" if self.slug else "feeds"

    @property
    def title(self) -> str:
        return xml_text(f"{SITE_TITLE}: {self.name}") if self.name else SITE_TITLE

    @property
    def description(self) -> str:
        return xml_text(f"Articles in {self.name}") if self.name else "Every article published on Syndicate"

    def current_key(self, file_name: str) -> str:
        return f"{self.prefix}/{file_name}"

    def archive_key(self, page: int, file_name: str) -> str:
        return f"{self.prefix}/archive/{page}/{file_name}"


@dataclass
class RenderReport:
    feeds: int = 0
    written: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    unchanged_documents: int = 0
    sealed_pages: int = 0
    skipped_articles: list[str] = field(default_factory=list)
    pinged: list[str] = field(default_factory=list)
    ping_failures: list[str] = field(default_factory=list)


@dataclass
class _Run:
    now: str
    state: dict[str, Any]
    report: RenderReport
    bodies: dict[tuple[str, str | None], Article] = field(default_factory=dict)
    entries: dict[str, tuple[int, Entry]] = field(default_factory=dict)  # article id -> (version, entry)
    shown: dict[str, int] = field(default_factory=dict)  # in a feed or an open page now
    sealed: set[str] = field(default_factory=set)
    changed_feeds: list[str] = field(default_factory=list)  # subscription document URLs


class FeedRenderer:
    def __init__(
        self,
        source: ArticleSource,
        site: SiteWriter,
        clock: Clock,
        *,
        site_url: str,
        item_count: int = 50,
        hub_url: str | None = None,
        pinger: HubPinger | None = None,
        image_probe: ImageProbe | None = None,
        max_sealed_pages_per_feed: int = 50,
        logger: Any = None,
    ) -> None:
        if item_count < 1:
            raise ValueError("item_count must be at least 1")
        self._source = source
        self._site = site
        self._clock = clock
        self._site_url = site_url.rstrip("/")
        self._count = item_count
        self._hub_url = hub_url or None
        self._pinger = pinger
        self._probe = _RememberingProbe(image_probe) if image_probe else None
        self._max_sealed = max_sealed_pages_per_feed
        self._log = logger

    # -- the render -----------------------------------------------------------------------

    def render(self) -> RenderReport:
        previous = self._site.read_state() or {}
        if previous.get("format") != STATE_FORMAT:
            previous = {}
        state = json.loads(json.dumps(previous)) or {"format": STATE_FORMAT, "feeds": {}, "objects": {}, "shown": {}}
        run = _Run(now=isoformat(self._clock()), state=state, report=RenderReport())

        specs = [FeedSpec(None, None)] + [FeedSpec(slug, name) for slug, name in self._source.list_categories()]
        for spec in specs:
            self._render_feed(spec, run)
        run.report.feeds = len(specs)
        self._publish_article_pages(run)

        if state != previous:
            self._site.write_state(state)
        self._ping(run)
        return run.report

    def _render_feed(self, spec: FeedSpec, run: _Run) -> None:
        feed_state = run.state["feeds"].setdefault(spec.key, {"sealed_pages": 0, "sealed_through": None})
        watermark = feed_state["sealed_through"]
        cutoff = f"{run.now}#~"  # after every position published at or before now
        # One Query answers the steady state: the feed (newest N) and the open page (fewer than N).
        found = self._source.public_range(
            category=spec.slug, after=watermark, before=cutoff, limit=2 * self._count - 1, newest_first=True
        )
        newest = found.articles[: self._count]
        unsealed = list(reversed(found.articles[self._count :]))  # oldest first
        backlog = False
        if found.cursor is not None:
            # N or more articles wait to be archived: read them oldest first, a bounded number.
            page = self._source.public_range(
                category=spec.slug,
                after=watermark,
                before=newest[-1].position,
                limit=self._max_sealed * self._count + self._count - 1,
                newest_first=False,
            )
            unsealed, backlog = page.articles, page.cursor is not None

        while len(unsealed) >= self._count:
            chunk, unsealed = unsealed[: self._count], unsealed[self._count :]
            self._seal(spec, feed_state, chunk, run)
        open_articles = [] if backlog else unsealed

        sealed_pages = feed_state["sealed_pages"]
        open_page = sealed_pages + 1
        if open_articles:
            self._publish(
                spec,
                run,
                slot="open",
                articles=open_articles,
                page=open_page,
                prev_page=sealed_pages or None,
                cache_control=OPEN_ARCHIVE_CACHE,
            )
            feed_state["open_page"] = open_page
        elif feed_state.get("open_page") == open_page and not backlog:
            # Its articles were retracted: the page must not stay reachable by its URL.
            self._forget_open_page(spec, feed_state, run)

        self._publish(
            spec,
            run,
            slot="current",
            articles=newest,
            page=None,
            prev_page=open_page if open_articles else (sealed_pages or None),
            cache_control=CURRENT_CACHE,
        )
        for article in (*newest, *open_articles):
            run.shown[article.id] = article.version

    def _seal(self, spec: FeedSpec, feed_state: dict[str, Any], chunk: list[Article], run: _Run) -> None:
        page = feed_state["sealed_pages"] + 1
        entries = self._entries(chunk, run)
        document = self._document(spec, entries, archive=True, complete=True)
        for fmt in FORMATS:
            key = spec.archive_key(page, fmt.file_name)
            body = fmt.render(document, self._links(spec, fmt.file_name, page, page - 1 or None), self._tag_domain)
            self._site.put(
                key, body, content_type=fmt.content_type, cache_control=SEALED_ARCHIVE_CACHE, digest=_sha256(body)
            )
            run.state["objects"].pop(key, None)  # sealed: never compared again
            run.report.written.append(key)
        feed_state["sealed_pages"] = page
        feed_state["sealed_through"] = chunk[-1].position
        if feed_state.get("open_page") == page:
            feed_state.pop("open_page")
            feed_state.pop("open", None)
        run.sealed.update(article.id for article in chunk)
        run.report.sealed_pages += 1

    def _publish(
        self,
        spec: FeedSpec,
        run: _Run,
        *,
        slot: str,
        articles: list[Article],
        page: int | None,
        prev_page: int | None,
        cache_control: str,
    ) -> None:
        feed_state = run.state["feeds"][spec.key]
        fingerprint = self._fingerprint(spec, page, prev_page, articles)
        if feed_state.get(slot) == fingerprint:
            run.report.unchanged_documents += 1
            return
        entries = self._entries(articles, run)
        all_rendered = len(entries) == len(articles)
        document = self._document(spec, entries, archive=page is not None, complete=False)
        for fmt in FORMATS:
            key = spec.archive_key(page, fmt.file_name) if page else spec.current_key(fmt.file_name)
            body = fmt.render(document, self._links(spec, fmt.file_name, page, prev_page), self._tag_domain)
            digest = _sha256(body)
            if run.state["objects"].get(key) == digest:
                continue
            self._site.put(key, body, content_type=fmt.content_type, cache_control=cache_control, digest=digest)
            run.state["objects"][key] = digest
            run.report.written.append(key)
            if page is None:
                run.changed_feeds.append(self._url(key))
        feed_state[slot] = fingerprint if all_rendered else None

    def _forget_open_page(self, spec: FeedSpec, feed_state: dict[str, Any], run: _Run) -> None:
        page = feed_state.pop("open_page")
        feed_state.pop("open", None)
        for fmt in FORMATS:
            key = spec.archive_key(page, fmt.file_name)
            self._site.delete(key)
            run.state["objects"].pop(key, None)
            run.report.deleted.append(key)

    # -- entries --------------------------------------------------------------------------

    def _entries(self, articles: list[Article], run: _Run) -> tuple[Entry, ...]:
        """Entries for the articles that can be rendered; a bad one is logged and left out."""
        entries = []
        for article in articles:
            remembered = run.entries.get(article.id)
            if remembered and remembered[0] == article.version:
                entries.append(remembered[1])
                continue
            entry = self._entry(article, run)
            if entry is None:
                if article.id not in run.report.skipped_articles:
                    run.report.skipped_articles.append(article.id)
                continue
            run.entries[article.id] = (article.version, entry)
            entries.append(entry)
        # Newest first on every page, whatever order the articles came in.
        return tuple(sorted(entries, key=lambda entry: (entry.published, entry.article_id), reverse=True))

    def _entry(self, article: Article, run: _Run) -> Entry | None:
        try:
            loaded = self._body(article, run)
        except Exception as error:  # one article never breaks the render
            self._warn("article body could not be read; article left out", article.id, error)
            return None
        try:
            return build_entry(loaded, self._site_url, self._probe)
        except Exception as error:
            self._warn("article image could not be resolved; rendered without its enclosure", article.id, error)
        try:
            return build_entry(loaded, self._site_url, None)
        except Exception as error:
            self._warn("article could not be rendered; article left out", article.id, error)
            return None

    def _body(self, article: Article, run: _Run) -> Article:
        cache_key = (article.id, article.body_version)
        loaded = run.bodies.get(cache_key)
        if loaded is None:
            loaded = run.bodies[cache_key] = self._source.with_body(article)
        return loaded

    # -- article pages --------------------------------------------------------------------

    def _publish_article_pages(self, run: _Run) -> None:
        """``articles/{id}.html`` for each article newly shown (or changed); deleted when it is gone.

        The state remembers the (id, version) of the articles shown in feeds and open pages whose
        page was written, so the work is bounded by what the feeds show, like everything else.
        """
        previous: dict[str, int] = run.state.get("shown", {})
        current = {
            article_id: version for article_id, version in run.shown.items() if previous.get(article_id) == version
        }
        feed_url = self._url("feeds/rss.xml")
        for article_id, (version, entry) in run.entries.items():
            if previous.get(article_id) == version:
                continue
            key = f"articles/{article_id}.html"
            body = render_article_page(
                entry, page_url=article_url(self._site_url, article_id), feed_url=feed_url, site_title=SITE_TITLE
            )
            self._site.put(
                key, body, content_type=ARTICLE_PAGE_TYPE, cache_control=ARTICLE_PAGE_CACHE, digest=_sha256(body)
            )
            run.report.written.append(key)
            if article_id in run.shown:
                current[article_id] = version
        for article_id in previous:
            if article_id not in run.shown and article_id not in run.sealed:
                key = f"articles/{article_id}.html"  # retracted, unpublished: its page goes too
                self._site.delete(key)
                run.report.deleted.append(key)
        run.state["shown"] = current

    # -- WebSub ---------------------------------------------------------------------------

    def _ping(self, run: _Run) -> None:
        if not self._hub_url or self._pinger is None:
            return
        for topic in run.changed_feeds:
            try:
                self._pinger.ping(self._hub_url, topic)
                run.report.pinged.append(topic)
            except Exception as error:  # a hub being down never fails the render
                run.report.ping_failures.append(topic)
                self._warn("WebSub hub ping failed", topic, error)

    # -- small pieces ---------------------------------------------------------------------

    @property
    def _tag_domain(self) -> str:
        return f"{self._site_url}/tags"

    def _url(self, key: str) -> str:
        return f"{self._site_url}/{key}"

    def _document(self, spec: FeedSpec, entries: tuple[Entry, ...], *, archive: bool, complete: bool) -> FeedDocument:
        return FeedDocument(
            title=spec.title,
            description=spec.description,
            home_url=self._site_url,
            entries=entries,
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

    def _fingerprint(self, spec: FeedSpec, page: int | None, prev_page: int | None, articles: list[Article]) -> str:
        material = [
            renderer_version(),
            self._site_url,
            self._hub_url,
            spec.title,
            page,
            prev_page,
            [(article.id, article.version, article.body_version) for article in articles],
        ]
        return _sha256(json.dumps(material, separators=(",", ":")).encode("utf-8"))

    def _warn(self, message: str, subject: str, error: Exception) -> None:
        if self._log is not None:
            self._log.warning(message, extra={"subject": subject, "error": f"{type(error).__name__}: {error}"})


class _RememberingProbe:
    """Image sizes found once per container: a probe per render would cost a request per image."""

    def __init__(self, probe: ImageProbe) -> None:
        self._probe = probe
        self._known: dict[str, tuple[int, str]] = {}

    def describe(self, url: str) -> tuple[int, str]:
        if url not in self._known:
            self._known[url] = self._probe.describe(url)
        return self._known[url]


def _sha256(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()
