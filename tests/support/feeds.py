"""In-memory stand-ins for the feed renderer's source, site bucket and hub (no AWS)."""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from dataclasses import replace
from typing import Any

from syndicate.articles.model import PUBLISHED, Article, category_slug
from syndicate.articles.ports import Page
from syndicate.articles.rendering import render_body


def article(number: int, **changes: Any) -> Article:
    base = Article(
        id=f"{number:032x}",
        publisher_id="pub_alice",
        version=1,
        status=PUBLISHED,
        title=f"Article {number}",
        categories=("Climate",),
        published_at=f"2025-12-{1 + number // 60:02d}T{(number % 60) // 6:02d}:{number % 60:02d}:00Z",
        created_at="2025-12-01T00:00:00Z",
        updated_at="2025-12-01T00:00:00Z",
        content_hash="0" * 64,
        extras={"summary": f"Summary {number}"},
        body_version=f"v{number}",
    )
    return replace(base, **changes)


class MemorySource:
    def __init__(
        self,
        articles: list[Article],
        broken_bodies: AbstractSet[str] = frozenset(),
        bodies: dict[str, Any] | None = None,
    ) -> None:
        self.articles = articles
        self.broken_bodies = set(broken_bodies)
        self.bodies = bodies or {}  # article id -> the stored body HTML, whatever it is
        self.bodies_read = 0

    def public_range(self, *, category, after, before, limit, newest_first) -> Page:
        chosen = sorted(
            (a for a in self.articles if a.status == PUBLISHED and (category is None or category in a.category_slugs)),
            key=lambda a: a.position,
            reverse=newest_first,
        )
        chosen = [a for a in chosen if (after is None or a.position > after) and a.position < before]
        return Page(chosen[:limit], "more" if len(chosen) > limit else None)

    def with_body(self, article: Article) -> Article:
        if article.body_version is None:  # as ArticleStore: metadata only
            return article
        if article.id in self.broken_bodies:
            raise OSError("NoSuchVersion")
        self.bodies_read += 1
        if article.id in self.bodies:
            return article.with_changes(body_markdown="(stored)", body_html=self.bodies[article.id])
        title = str(article.title)[:80]  # a body of its own size, whatever the title (the API meters bodies)
        markdown = f"## About {title}\n\nThe body of {title}."
        return article.with_changes(body_markdown=markdown, body_html=render_body(markdown))

    def list_categories(self) -> list[tuple[str, str]]:
        names: dict[str, str] = {}
        for a in self.articles:
            for name in a.categories:
                names.setdefault(category_slug(name), name)
        return sorted(names.items())


class MemorySite:
    def __init__(self) -> None:
        self.objects: dict[str, bytes] = {}
        self.types: dict[str, str] = {}
        self.state: dict | None = None
        self.puts: list[str] = []

    def read_state(self):
        return self.state

    def write_state(self, state):
        self.state = state

    def put(self, key, body, *, content_type, cache_control, digest):
        self.objects[key] = body
        self.types[key] = content_type
        self.puts.append(key)

    def delete(self, key):
        self.objects.pop(key, None)


class RecordingPinger:
    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.pings: list[tuple[str, str]] = []

    def ping(self, hub_url: str, topic_url: str, *, timeout: float) -> None:
        self.pings.append((hub_url, topic_url))
        if self.fail:
            raise OSError("hub unreachable")


class FailingProbe:
    def __init__(self) -> None:
        self.calls = 0

    def describe(self, url: str, *, timeout: float) -> tuple[int, str]:
        self.calls += 1
        raise OSError(f"cannot resolve {url}")


class FixedProbe:
    def __init__(self) -> None:
        self.calls = 0
        self.timeouts: list[float] = []

    def describe(self, url: str, *, timeout: float) -> tuple[int, str]:
        self.calls += 1
        self.timeouts.append(timeout)
        return 12345, "image/webp"
