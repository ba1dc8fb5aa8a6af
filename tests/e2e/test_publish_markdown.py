"""A writer's folder of Markdown (the seed article among it) published to the local stack with
`syndicate publish`, over HTTP as a writer runs it: feeds and pages show the articles, publishing
again sends no write, an edited file updates one article, and a broken file is named by its line
and never sent."""

from __future__ import annotations

import re
import shutil
import uuid
from dataclasses import dataclass
from html import unescape
from pathlib import Path

import feedparser
import pytest

from syndicate_dev.cli import main
from tests.e2e import flows
from tests.support import events

MARKDOWN = events.EVENTS / "markdown"
SEED_TITLE = events.article("photo-of-the-day")["title"]
OCEAN_TITLE = events.article("ocean-heatwave-explainer")["title"]


@dataclass
class Desk:
    """One writer's copy of events/markdown/ and their own publisher key on the shared stack."""

    root: Path  # what the writer names on the command line
    folder: Path  # the copy of events/markdown/ inside it
    tag: str  # prefixes every id, and is an extra category of every public sample
    key: str

    def id_of(self, name: str) -> str:
        return {
            "photo-of-the-day": f"{self.tag}-2025-12-17-soyuz-ms-28-meets-iss",
            "ocean-heatwave-explainer": f"{self.tag}-ocean-heatwave-explainer",
            "lunar-gateway-draft": f"{self.tag}-lunar-gateway-draft",
            "mars-sample-return-scheduled": f"{self.tag}-explainers-mars-sample-return-scheduled",
        }[name]


@pytest.fixture
def desk(local_stack, tmp_path: Path, monkeypatch) -> Desk:
    """The samples copied under a folder named by a fresh tag: ids derived from paths relative to
    tmp_path start with it, explicit ids are given it too, and a category named by it gives these
    articles a feed of their own (the session's stack is shared with every other e2e test)."""
    tag = f"e2e{uuid.uuid4().hex[:10]}"
    folder = tmp_path / tag
    shutil.copytree(MARKDOWN, folder)
    for path in folder.rglob("*.md"):
        text = re.sub(r"^id: (.+)$", rf"id: {tag}-\1", path.read_text(encoding="utf-8"), flags=re.MULTILINE)
        path.write_text(text.replace("\ncategories:\n", f"\ncategories:\n  - {tag}\n", 1), encoding="utf-8")
    answer = local_stack.console("POST", "/publishers", body={"name": f"Desk {tag}"})
    assert answer.status in (200, 201), answer.body
    key = answer.json["api_key"]
    monkeypatch.setenv("SYNDICATE_API_URL", local_stack.api_url)
    monkeypatch.setenv("SYNDICATE_API_KEY", key)
    return Desk(tmp_path, folder, tag, key)


def syndicate(capsys, *arguments: str) -> tuple[int, list[str], list[str]]:
    capsys.readouterr()
    status = main(list(arguments))
    printed = capsys.readouterr()
    return status, printed.out.splitlines(), printed.err.splitlines()


def outcomes(lines: list[str]) -> dict[str, str]:
    """Each file's outcome from the progress lines, by the file's name."""
    found = {}
    for line in lines:
        match = re.match(r"^(created|updated|unchanged|invalid|failed|not sent)\s+(\S+)", line)
        if match:
            found[Path(match[2]).stem] = match[1]
    return found


def stored(local_stack, desk: Desk, name: str):
    return local_stack.call("GET", f"/articles/{desk.id_of(name)}", key=desk.key)


def site(local_stack, path: str):
    return local_stack.call("GET", f"{local_stack.description['site_url']}{path}", key=None)


def test_a_folder_of_markdown_appears_in_the_feeds_and_pages(local_stack, desk, capsys):
    status, out, err = syndicate(capsys, "publish", str(desk.root))

    assert (status, err) == (0, [])
    assert set(outcomes(out).values()) == {"created"}
    assert len(outcomes(out)) == 4
    assert out[-1] == "4 files: 4 created"

    flows.run_schedule(local_stack, "render-feeds")
    feed = site(local_stack, f"/feeds/categories/{desk.tag}/rss.xml")
    public_id = stored(local_stack, desk, "photo-of-the-day").json["public_id"]  # what pages are named by
    page = site(local_stack, f"/articles/{public_id}.html")

    assert feed.status == 200
    # The draft and the article scheduled for 2030 are published too, but not shown yet.
    assert sorted(entry.title for entry in feedparser.parse(feed.body).entries) == sorted([SEED_TITLE, OCEAN_TITLE])
    assert page.status == 200
    assert SEED_TITLE in unescape(page.body)
    assert stored(local_stack, desk, "lunar-gateway-draft").json["status"] == "draft"


def test_publishing_again_reads_each_article_once_and_writes_nothing(local_stack, desk, capsys, sent):
    syndicate(capsys, "publish", str(desk.root))
    before = {
        name: stored(local_stack, desk, name).header("ETag") for name in ("photo-of-the-day", "lunar-gateway-draft")
    }
    sent.clear()

    status, out, _ = syndicate(capsys, "publish", str(desk.root))

    assert status == 0
    assert set(outcomes(out).values()) == {"unchanged"}
    assert out[-1] == "4 files: 4 unchanged"
    assert [method for method, _ in sent] == ["GET"] * 4
    assert {name: stored(local_stack, desk, name).header("ETag") for name in before} == before


def test_an_edited_file_updates_its_article_alone(local_stack, desk, capsys, sent):
    syndicate(capsys, "publish", str(desk.root))
    ocean = desk.folder / "ocean-heatwave-explainer.md"
    ocean.write_text(ocean.read_text(encoding="utf-8").replace(OCEAN_TITLE, "Marine heatwaves, decade by decade"))
    sent.clear()

    status, out, _ = syndicate(capsys, "publish", str(desk.root))

    assert status == 0
    assert outcomes(out) == {
        "photo-of-the-day": "unchanged",
        "ocean-heatwave-explainer": "updated",
        "lunar-gateway-draft": "unchanged",
        "mars-sample-return-scheduled": "unchanged",
    }
    assert [(method, url.rsplit("/", 1)[1]) for method, url in sent if method != "GET"] == [
        ("PUT", desk.id_of("ocean-heatwave-explainer"))
    ]
    updated = stored(local_stack, desk, "ocean-heatwave-explainer").json
    assert (updated["title"], updated["version"]) == ("Marine heatwaves, decade by decade", 2)
    assert updated["published_at"] == "2025-12-16T07:30:00Z"
    assert stored(local_stack, desk, "photo-of-the-day").json["version"] == 1


def test_a_broken_file_is_named_by_its_line_and_never_sent(local_stack, desk, capsys, sent):
    broken = desk.folder / "broken.md"
    broken.write_text(
        "---\ntitle: A broken article\ncategories: [News]\ndate: next tuesday\n---\n\nText.\n", encoding="utf-8"
    )

    status, out, err = syndicate(capsys, "publish", str(desk.root))

    assert status == 1
    assert err == [
        f"{broken}:4: /published_at must be a valid RFC 3339 date-time with a time zone, e.g. 2025-12-17T09:30:00Z"
    ]
    assert outcomes(out)["broken"] == "invalid"
    assert out[-1] == "5 files: 4 created, 1 invalid"
    assert not [url for _, url in sent if url.endswith(f"{desk.tag}-broken")]
    assert local_stack.call("GET", f"/articles/{desk.tag}-broken", key=desk.key).status == 404


def test_a_publishers_day_list_show_retract_and_publish_again(local_stack, desk, capsys, tmp_path_factory):
    elsewhere = tmp_path_factory.mktemp("shown")  # outside the desk: the same id twice in one run is refused
    syndicate(capsys, "publish", str(desk.root))
    seed_id = desk.id_of("photo-of-the-day")

    _, listed, _ = syndicate(capsys, "articles", "list")
    _, shown, _ = syndicate(capsys, "articles", "show", seed_id, "--markdown")
    (elsewhere / "shown.md").write_text("\n".join(shown) + "\n", encoding="utf-8")
    _, again, _ = syndicate(capsys, "publish", str(elsewhere / "shown.md"))
    retracted = syndicate(capsys, "articles", "retract", seed_id)
    gone = stored(local_stack, desk, "photo-of-the-day").status
    _, restored, _ = syndicate(capsys, "publish", str(desk.root))

    assert {line.split("\t")[0] for line in listed} == {desk.id_of(name) for name in events.valid_article_names()}
    assert again == [f"unchanged     {elsewhere / 'shown.md'} -> {seed_id}", "1 file: 1 unchanged"]
    assert retracted[:2] == (0, [f"retracted  {seed_id}"])
    assert gone == 404
    assert outcomes(restored)["photo-of-the-day"] == "created"
