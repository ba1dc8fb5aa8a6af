"""Reading a Markdown file's front matter with the line of every key, and its body."""

from __future__ import annotations

import pytest

from syndicate_dev.publishing.frontmatter import MAX_VALUES, FrontMatterError, parse


def never_text(_path) -> bool:
    return False


def test_keys_and_list_items_carry_the_line_they_are_written_on():
    source = parse("---\ntitle: Hello\ntags:\n  - a\n  - b\nauthors:\n  - name: Ana\n---\n\nBody\n", never_text)

    assert source.front_matter == {"title": "Hello", "tags": ["a", "b"], "authors": [{"name": "Ana"}]}
    assert source.lines == {
        ("title",): 2,
        ("tags",): 3,
        ("tags", 0): 4,
        ("tags", 1): 5,
        ("authors",): 6,
        ("authors", 0): 7,
        ("authors", 0, "name"): 7,
    }


def test_the_body_starts_at_its_first_written_line_and_ends_with_one_newline():
    source = parse("---\ntitle: T\n---\n\n\n# Heading\n\ntext  \n\n\n", never_text)

    assert source.body == "# Heading\n\ntext\n"
    assert source.body_line == 6


def test_a_file_without_front_matter_is_all_body():
    source = parse("\n# Just Markdown\n", never_text)

    assert (source.front_matter, source.body, source.body_line) == ({}, "# Just Markdown\n", 2)


def test_an_empty_body_is_placed_on_the_line_after_the_front_matter():
    source = parse("---\ntitle: T\n---\n", never_text)

    assert (source.body, source.body_line) == ("", 4)


def test_windows_line_endings_and_a_byte_order_mark_read_as_the_same_file():
    unix = parse("---\ntitle: T\n---\n\nline one\nline two\n", never_text)
    windows = parse("\ufeff---\r\ntitle: T\r\n---\r\n\r\nline one\r\nline two\r\n", never_text)

    assert windows == unix


def test_a_line_of_three_dashes_in_the_body_stays_in_the_body():
    source = parse("---\ntitle: T\n---\nabove\n\n---\n\nbelow\n", never_text)

    assert source.body == "above\n\n---\n\nbelow\n"


def test_yaml_document_end_marker_also_closes_the_front_matter():
    assert parse("---\ntitle: T\n...\nbody\n", never_text).body == "body\n"


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("---\ntitle: T\n\nbody\n", 1, "never closed"),
        ("+++\ntitle = 'T'\n+++\n", 1, "TOML"),
        ("---\ntitle: T\ntags: [a, b\n---\n", 3, "not valid YAML"),
        ("---\ntitle: T\nsummary: one\ntitle: again\n---\n", 4, "`title` is set twice (first on line 2)"),
        ("---\n- a\n- b\n---\n", 2, "`key: value` lines"),
        ("---\ntitle: T\n[a]: b\n---\n", 3, "plain name"),
        ("---\ntags: &x [a, *x]\n---\n", 2, "contains itself"),
        ("---\ntitle: !python/object:os.system echo\n---\n", 2, "not valid YAML"),
    ],
)
def test_a_file_that_is_not_front_matter_and_markdown_names_the_line(text, line, words):
    with pytest.raises(FrontMatterError) as refused:
        parse(text, never_text)

    assert refused.value.line == line
    assert words in refused.value.message


def test_aliases_that_stand_for_billions_of_values_are_refused_before_they_are_walked():
    rows = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    rows += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]" for n in range(1, 9)]
    text = "---\n" + "\n".join(rows) + "\n---\nbody\n"

    with pytest.raises(FrontMatterError) as refused:
        parse(text, never_text)

    assert str(MAX_VALUES) in refused.value.message


def test_where_the_contract_wants_text_a_plain_scalar_keeps_the_characters_typed():
    def text_fields(path) -> bool:
        return path[0] in ("language", "title", "tags")

    source = parse(
        "---\nlanguage: no\ntitle: 1984\ntags: [2025, 1.10, yes]\ndraft: yes\nwidth: 1920\n---\n", text_fields
    )

    assert source.front_matter == {
        "language": "no",
        "title": "1984",
        "tags": ["2025", "1.10", "yes"],
        "draft": True,
        "width": 1920,
    }


def test_a_quoted_scalar_is_text_whatever_the_field():
    assert parse('---\nwidth: "1920"\n---\n', never_text).front_matter == {"width": "1920"}
