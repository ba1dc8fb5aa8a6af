"""The id a Markdown file publishes under when its front matter names none, and the files found."""

from __future__ import annotations

import os
from pathlib import Path, PurePath

import pytest
from hypothesis import given
from hypothesis import strategies as st

from syndicate import contract
from syndicate_dev.publishing.folders import markdown_files
from syndicate_dev.publishing.ids import MAX_LENGTH, derived_id
from syndicate_dev.publishing.mapping import MarkdownArticle
from syndicate_dev.publishing.publisher import refuse_shared_ids


@pytest.mark.parametrize(
    ("relative", "article_id"),
    [
        ("soyuz.md", "soyuz"),
        ("2025/12/Soyuz MS-28.md", "2025-12-soyuz-ms-28"),
        ("trips/lisbon/index.md", "trips-lisbon"),
        ("index.md", "index"),
        ("Café & Crème (draft).md", "cafe-creme-draft"),
        ("_posts/2025-12-17-v1.2_release.md", "posts-2025-12-17-v1.2_release"),
    ],
)
def test_a_path_becomes_a_readable_id(relative, article_id):
    assert derived_id(PurePath(relative)) == article_id


def test_names_that_cannot_be_spelled_in_ascii_get_ids_kept_apart_by_a_hash():
    tokyo, beijing = derived_id(PurePath("日本/記事.md")), derived_id(PurePath("中国/記事.md"))

    assert tokyo != beijing
    assert tokyo.startswith("article-")


def test_a_long_path_is_cut_to_the_limit_and_kept_apart_by_a_hash():
    first = derived_id(PurePath("a" * 200 + "/one.md"))
    second = derived_id(PurePath("a" * 200 + "/two.md"))

    assert len(first) <= MAX_LENGTH
    assert first != second


path_parts = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="/\x00"), min_size=1, max_size=80)


@given(parts=st.lists(path_parts, min_size=1, max_size=4))
def test_every_derived_id_is_one_the_api_accepts_and_the_same_every_time(parts):
    relative = PurePath(*parts[:-1], parts[-1] + ".md")

    article_id = derived_id(relative)

    assert contract.violations("article-path", {"id": article_id}) == []
    assert derived_id(relative) == article_id


def article(path: str, article_id: str, id_line: int | None = None) -> MarkdownArticle:
    return MarkdownArticle(path, article_id, {"title": "T"}, (), id_line)


def test_files_that_would_publish_under_one_id_are_all_refused():
    checked = refuse_shared_ids([article("a/b.md", "a-b"), article("a-b.md", "A-B", id_line=2), article("c.md", "c")])

    assert [len(a.violations) for a in checked] == [1, 1, 0]
    assert "a-b.md" in checked[0].violations[0].message
    assert checked[1].violations[0].line == 2


def test_folders_are_searched_for_markdown_in_a_stable_order_skipping_hidden_ones(tmp_path: Path):
    for name in ("b.md", "a/z.md", "a/y.MD", ".obsidian/x.md", "a/.draft.md", "notes.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x", encoding="utf-8")

    found, problems = markdown_files([str(tmp_path)])

    assert [str(source.relative) for source in found] == ["b.md", "a/y.MD", "a/z.md"]
    assert problems == []


def test_a_file_named_twice_is_published_once_and_relative_to_the_folder_named_first(tmp_path: Path):
    (tmp_path / "posts").mkdir()
    (tmp_path / "posts" / "one.md").write_text("x", encoding="utf-8")

    found, _ = markdown_files([str(tmp_path), str(tmp_path / "posts" / "one.md")])

    assert [str(source.relative) for source in found] == ["posts/one.md"]


def test_a_file_given_by_name_is_relative_to_its_own_folder(tmp_path: Path):
    (tmp_path / "deep").mkdir()
    (tmp_path / "deep" / "one.md").write_text("x", encoding="utf-8")

    found, _ = markdown_files([str(tmp_path / "deep" / "one.md")])

    assert [str(source.relative) for source in found] == ["one.md"]


def test_what_cannot_be_published_is_named(tmp_path: Path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")

    found, problems = markdown_files([str(tmp_path / "missing"), str(tmp_path / "empty"), str(tmp_path / "notes.txt")])

    assert found == []
    assert [problem.split(": ", 1)[1] for problem in problems] == [
        "no such file or folder",
        "no .md files in this folder",
        "not a Markdown file (.md)",
    ]


def test_a_link_to_a_folder_is_not_followed(tmp_path: Path):
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.md").write_text("x", encoding="utf-8")
    (tmp_path / "posts").mkdir()
    (tmp_path / "posts" / "one.md").write_text("x", encoding="utf-8")
    os.symlink(tmp_path / "outside", tmp_path / "posts" / "link")

    found, _ = markdown_files([str(tmp_path / "posts")])

    assert [str(source.relative) for source in found] == ["one.md"]
