"""Local images in Markdown files: uploaded once per run, waited for within a bound, rewritten to
their hosted URL with the facts the service recorded; refused ones stop their file on its line."""

from __future__ import annotations

import copy
from pathlib import Path, PurePath
from typing import Any

from syndicate_dev.publishing.api import StoredArticle
from syndicate_dev.publishing.folders import SourceFile
from syndicate_dev.publishing.images import ImageHost
from syndicate_dev.publishing.mapping import read_article
from syndicate_dev.publishing.publisher import Outcome, publish_articles
from syndicate_dev.publishing.report import problem_lines
from tests.support.images import image_bytes, sha256

SITE = "https://news.example"
FILE = "---\ntitle: {title}\ncategories: [News]\nimage:\n  url: ./photo.jpg\n  alt: A photo\n---\n\nSee ![it](photo.jpg).\n"  # noqa: E501


class FakeApi:
    """The publisher API as the CLI sees it; an upload is checked after ``checks`` state polls."""

    def __init__(self, *, verdict: str = "verified", checks: int = 2) -> None:
        self.articles: dict[str, dict[str, Any]] = {}
        self.states: dict[str, dict[str, Any]] = {}
        self.uploads: list[str] = []
        self.puts: list[dict[str, Any]] = []
        self.polls: dict[str, int] = {}
        self.verdict, self.checks = verdict, checks
        self.pending: dict[str, tuple[bytes, str]] = {}

    def get(self, article_id: str) -> StoredArticle | None:
        found = self.articles.get(article_id)
        return StoredArticle(copy.deepcopy(found), f'"{len(self.puts)}"') if found else None

    def put(self, article_id: str, document: dict[str, Any], *, if_match: Any, if_none_match: Any) -> int:
        created = article_id not in self.articles
        self.puts.append(document)
        self.articles[article_id] = {**copy.deepcopy(document), "status": document.get("status", "published")}
        return 201 if created else 200

    def request_upload(self, media_type: str, length: int, digest: str) -> dict[str, Any]:
        url = f"{SITE}/media/{digest}.jpg"
        state = self.states.get(digest)
        if state and state["state"] == "verified":
            return state
        return {"sha256": digest, "url": url, "state": "pending", "upload": {"url": "https://s3/", "fields": {}}}

    def upload(self, form: dict[str, Any], data: bytes, media_type: str) -> None:
        self.uploads.append(sha256(data))
        self.pending[sha256(data)] = (data, media_type)

    def upload_state(self, digest: str) -> dict[str, Any] | None:
        self.polls[digest] = self.polls.get(digest, 0) + 1
        if digest in self.pending and self.polls[digest] >= self.checks:
            data, media_type = self.pending.pop(digest)
            facts = {"type": media_type, "length": len(data), "width": 64, "height": 48}
            url = f"{SITE}/media/{digest}.jpg"
            verified = {"sha256": digest, "url": url, "state": "verified", **facts}
            refused = {"sha256": digest, "url": url, "state": "refused", "reason": "The upload is too odd."}
            self.states[digest] = verified if self.verdict == "verified" else refused
        return self.states.get(digest)


class Clock:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def desk(tmp_path: Path, *titles: str) -> list:
    (tmp_path / "photo.jpg").write_bytes(image_bytes())
    articles = []
    for title in titles:
        path = tmp_path / f"{title}.md"
        path.write_text(FILE.format(title=title), encoding="utf-8")
        articles.append(read_article(SourceFile(path, PurePath(path.name))))
    return articles


def publish(articles: list, api: FakeApi, *, dry_run: bool = False, clock: Clock | None = None) -> list:
    clock = clock or Clock()
    host = ImageHost(api, wait_seconds=10, sleep=clock.sleep, monotonic=lambda: clock.now)  # type: ignore[arg-type]
    return publish_articles(articles, api, dry_run=dry_run, report=lambda result: None, images=host)  # type: ignore[arg-type]


def test_an_image_named_by_two_files_is_uploaded_once_and_both_point_at_its_hosted_url(tmp_path):
    api = FakeApi()

    results = publish(desk(tmp_path, "one", "two"), api)

    digest = sha256(image_bytes())
    url = f"{SITE}/media/{digest}.jpg"
    assert [result.outcome for result in results] == [Outcome.CREATED, Outcome.CREATED]
    assert api.uploads == [digest]
    for document in api.puts:
        assert document["image"] == {
            "url": url,
            "alt": "A photo",
            "type": "image/jpeg",
            "length": len(image_bytes()),
            "width": 64,
            "height": 48,
        }
        assert document["body"] == f"See ![it]({url}).\n"


def test_publishing_again_uploads_nothing_and_changes_nothing(tmp_path):
    api = FakeApi()
    publish(desk(tmp_path, "one"), api)
    api.uploads.clear()

    [again] = publish(desk(tmp_path, "one"), api)

    assert again.outcome is Outcome.UNCHANGED
    assert api.uploads == []
    assert len(api.puts) == 1


def test_a_refused_image_stops_its_file_on_the_images_line_and_nothing_is_sent(tmp_path):
    api = FakeApi(verdict="refused")

    [result] = publish(desk(tmp_path, "one"), api)

    assert result.outcome is Outcome.INVALID
    assert problem_lines(result) == [f"{tmp_path / 'one.md'}:5: /image/url ./photo.jpg: The upload is too odd."]
    assert api.puts == []


def test_an_upload_never_checked_fails_its_file_after_a_bounded_wait(tmp_path):
    api, clock = FakeApi(checks=10**9), Clock()

    [result] = publish(desk(tmp_path, "one"), api, clock=clock)

    assert result.outcome is Outcome.FAILED
    assert "not checked within 10 s" in result.problem.detail
    assert sum(clock.slept) <= 10
    assert api.puts == []


def test_a_dry_run_uploads_nothing_and_names_the_file_it_would_upload(tmp_path):
    api = FakeApi()

    [result] = publish(desk(tmp_path, "one"), api, dry_run=True)

    assert result.outcome is Outcome.WOULD_CREATE
    assert api.uploads == [] and api.puts == []
    assert result.article.document["image"]["url"] == "(to upload) ./photo.jpg"
