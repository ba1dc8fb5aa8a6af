"""A Markdown file as the article document the API accepts, with every violation on its line."""

from __future__ import annotations

import json
from datetime import UTC
from pathlib import Path, PurePath

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from syndicate.api.requests import MAX_BODY_BYTES as API_LIMIT
from syndicate.clock import isoformat
from syndicate_dev.publishing import frontmatter
from syndicate_dev.publishing.api import MAX_BODY_BYTES
from syndicate_dev.publishing.folders import SourceFile
from syndicate_dev.publishing.mapping import article_from, as_markdown, read_article
from tests.support import events
from tests.support.images import image_bytes

MARKDOWN = events.EVENTS / "markdown"
SAMPLES = sorted(MARKDOWN.rglob("*.md"))


def article_in(tmp_path: Path, text: str, *, name: str = "post.md", draft: bool = False):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return read_article(SourceFile(path, PurePath(name)), draft=draft)


def located(article) -> list[tuple[int | None, str]]:
    """(line, pointer) of each violation, in file order (a field may break several rules)."""
    return list(dict.fromkeys((v.line, v.pointer) for v in article.violations))


MINIMAL = "---\ntitle: T\ncategories: [News]\n{extra}---\n\nBody.\n"


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_each_markdown_sample_is_the_json_sample_of_the_same_name(path: Path):
    article = read_article(SourceFile(path, path.relative_to(MARKDOWN)))

    assert article.violations == ()
    assert article.document == events.article(path.stem)


def test_the_seed_article_keeps_its_explicit_id_and_the_others_take_their_path():
    ids = {path.stem: read_article(SourceFile(path, path.relative_to(MARKDOWN))).article_id for path in SAMPLES}

    assert ids["photo-of-the-day"] == "2025-12-17-soyuz-ms-28-meets-iss"
    assert ids["mars-sample-return-scheduled"] == "explainers-mars-sample-return-scheduled"
    assert ids["ocean-heatwave-explainer"] == "ocean-heatwave-explainer"


@pytest.mark.parametrize(
    ("written", "sent"),
    [
        ("date: 2025-12-17", {"published_at": "2025-12-17T00:00:00Z"}),
        ("date: 2025-12-17 09:30:00", {"published_at": "2025-12-17T09:30:00Z"}),
        ("date: 2025-12-17T09:30:00+01:00", {"published_at": "2025-12-17T09:30:00+01:00"}),
        ("published_at: 2025-12-17T09:30:00.250Z", {"published_at": "2025-12-17T09:30:00.250000Z"}),
        ("published_at: '2025-12-17T09:30:00Z'", {"published_at": "2025-12-17T09:30:00Z"}),
        ("draft: true", {"status": "draft"}),
        ("draft: false", {"status": "published"}),
        ("tags: ISS, Soyuz MS-28 ,, spaceflight", {"tags": ["ISS", "Soyuz MS-28", "spaceflight"]}),
        ("description: One line.", {"summary": "One line."}),
        ("author: Ana Ruiz", {"authors": [{"name": "Ana Ruiz"}]}),
        ("authors: [Ana Ruiz, {name: Kenji Mori, url: 'https://k.example'}]",
         {"authors": [{"name": "Ana Ruiz"}, {"name": "Kenji Mori", "url": "https://k.example"}]}),
        ("image: https://img.example/a.jpg", {"image": {"url": "https://img.example/a.jpg"}}),
        ("language: no", {"language": "no"}),
        ("summary:", {}),
    ],
)  # fmt: skip
def test_common_spellings_become_the_schemas_fields(tmp_path, written, sent):
    article = article_in(tmp_path, MINIMAL.format(extra=written + "\n"))

    assert article.document == {"title": "T", "categories": ["News"], "body": "Body.\n", **sent}


@pytest.mark.parametrize(
    ("written", "categories"),
    [("categories: Climate, Data", ["Climate", "Data"]), ("category: Space/science journalism, Mars", None)],
)
def test_categories_as_a_comma_string_are_split_but_one_category_is_kept_whole(tmp_path, written, categories):
    article = article_in(tmp_path, f"---\ntitle: T\n{written}\n---\nBody\n")

    assert article.document["categories"] == (categories or ["Space/science journalism, Mars"])


def test_draft_publishes_every_file_as_a_draft_whatever_its_front_matter_says(tmp_path):
    article = article_in(tmp_path, MINIMAL.format(extra="status: published\n"), draft=True)

    assert article.document["status"] == "draft"


def test_a_violation_is_placed_on_the_line_of_its_front_matter_key(tmp_path):
    text = (
        "---\n"  # 1
        "title: T\n"  # 2
        "categories: [News]\n"  # 3
        "authors:\n"  # 4
        "  - name: Ana\n"  # 5
        "    email: not-an-address\n"  # 6
        "date: yesterday\n"  # 7
        "colour: blue\n"  # 8
        "---\n"  # 9
        "\n"  # 10
        "Body.\n"  # 11
    )
    article = article_in(tmp_path, text)

    assert located(article) == [(6, "/authors/0/email"), (7, "/published_at"), (8, "/colour")]


def test_a_missing_field_is_placed_on_the_bodys_first_line(tmp_path):
    article = article_in(tmp_path, "---\ntitle: T\n---\n\n\nBody.\n")

    assert located(article) == [(6, "/categories")]
    assert article.violations[0].message == "is required"


def test_an_empty_body_is_placed_on_the_line_after_the_front_matter(tmp_path):
    article = article_in(tmp_path, "---\ntitle: T\ncategories: [News]\n---\n")

    assert located(article) == [(5, "/body")]


def test_an_empty_key_that_is_required_is_placed_on_its_own_line(tmp_path):
    article = article_in(tmp_path, "---\ntitle:\ncategories: [News]\n---\nBody\n")

    assert located(article) == [(2, "/title")]


def test_an_item_of_a_comma_string_is_placed_on_the_line_of_its_key(tmp_path):
    article = article_in(tmp_path, MINIMAL.format(extra="tags: a, " + "b" * 61 + "\n"))

    assert located(article) == [(4, "/tags/1")]


def test_two_spellings_of_one_field_are_refused_on_the_line_of_the_second_spelling(tmp_path):
    article = article_in(tmp_path, MINIMAL.format(extra="published_at: 2025-12-17\ndate: 2025-12-18\n"))

    assert located(article) == [(5, "/date")]
    assert "keep one" in article.violations[0].message


def test_draft_must_say_true_or_false(tmp_path):
    article = article_in(tmp_path, MINIMAL.format(extra="draft: maybe\n"))

    assert located(article) == [(4, "/draft")]


def test_a_missing_local_image_is_refused_on_its_line_with_that_reason_alone(tmp_path):
    article = article_in(tmp_path, MINIMAL.format(extra="image:\n  url: ./photo.jpg\n  alt: A photo\n"))

    assert located(article) == [(5, "/image/url")]
    assert article.violations[0].message == "./photo.jpg: cannot be read: No such file or directory"


def test_a_local_image_file_is_checked_by_the_services_rules_before_anything_is_sent(tmp_path):
    (tmp_path / "photo.jpg").write_text("<html>not a photo</html>")
    text = "---\ntitle: T\ncategories: [News]\n---\n\nIntro.\n\n![a chart](./photo.jpg)\n"

    article = article_in(tmp_path, text)

    assert located(article) == [(8, "/body")]
    assert "./photo.jpg: is not an image of a type hosted here" in article.violations[0].message


def test_local_images_in_the_front_matter_and_the_body_are_read_once_each_with_their_lines(tmp_path):
    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "photo one.png").write_bytes(image_bytes("image/png", 30, 20))
    (tmp_path / "chart.jpg").write_bytes(image_bytes("image/jpeg"))
    body = 'Intro.\n\n![one](<img/photo one.png>) and ![c](chart.jpg "t")\n\n![remote](https://x.example/a.png)\n'
    front = "image:\n  url: img/photo%20one.png\n  alt: One\n"

    article = article_in(tmp_path, "---\ntitle: T\ncategories: [News]\n" + front + "---\n\n" + body)

    assert article.violations == ()
    assert [(image.written, image.pointer, image.line, image.media_type) for image in article.images] == [
        ("img/photo%20one.png", "/image/url", 5, "image/png"),
        ("<img/photo one.png>", "/body", 11, "image/png"),
        ("chart.jpg", "/body", 11, "image/jpeg"),
    ]
    assert article.document["image"]["url"] == "img/photo%20one.png"  # rewritten when it is uploaded


def test_server_owned_fields_and_a_body_key_are_refused(tmp_path):
    article = article_in(tmp_path, MINIMAL.format(extra="version: 3\nbody: inline\n"))

    assert located(article) == [(4, "/version"), (5, "/body")]


def test_an_explicit_id_is_the_articles_id_and_is_checked_on_its_line(tmp_path):
    assert article_in(tmp_path, MINIMAL.format(extra="id: soyuz-2025\n")).article_id == "soyuz-2025"
    bad = article_in(tmp_path, MINIMAL.format(extra="id: ../etc/passwd\n"))

    assert located(bad) == [(4, "/id")]


def test_a_year_the_api_cannot_hold_in_utc_is_refused_before_sending(tmp_path):
    article = article_in(tmp_path, MINIMAL.format(extra="published_at: '0001-01-01T00:30:00+01:00'\n"))

    assert located(article) == [(4, "/published_at")]


def test_half_a_surrogate_pair_from_a_yaml_escape_is_refused(tmp_path):
    article = article_in(tmp_path, MINIMAL.format(extra='summary: "broken \\ud800 text"\n'))

    assert located(article) == [(4, "/summary")]


def test_an_article_over_the_apis_body_limit_is_refused_on_the_bodys_line(tmp_path):
    body = ("é" * 999 + "\n") * 300  # 300,000 characters, under the schema's 500,000; 600 kB of UTF-8
    article = article_in(tmp_path, MINIMAL.format(extra="").replace("Body.\n", body * 2))

    assert located(article) == [(6, "/body")]


def test_the_local_body_limit_is_the_apis():
    assert MAX_BODY_BYTES == API_LIMIT


def test_a_file_that_is_not_utf8_names_the_line_of_the_first_bad_byte(tmp_path):
    path = tmp_path / "latin1.md"
    path.write_bytes(b"---\ntitle: T\n---\ncaf\xe9\n")

    article = read_article(SourceFile(path, PurePath("latin1.md")))

    assert located(article) == [(4, "")]


# -- what `syndicate articles show --markdown` prints reads back as the same article --------------

# What the contract accepts: single-line text has no control characters nor line or paragraph
# separators; multi-line text (the summary) may also hold tabs and line breaks.
text = st.text(st.characters(exclude_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=40).filter(str.strip)
multi_line_text = st.text(st.characters(exclude_categories=("Cs", "Cc"), include_characters="\t\n\r"), max_size=80)
schema_valid_resources = st.fixed_dictionaries(
    {
        "title": text,
        "body": text,
        "categories": st.lists(st.from_regex(r"[A-Za-z0-9][A-Za-z0-9 /,.-]{0,20}", fullmatch=True), min_size=1,
                               max_size=3, unique=True),
        "status": st.sampled_from(["published", "draft"]),
    },
    optional={
        "summary": multi_line_text,
        "tags": st.lists(text, max_size=4, unique=True),
        "authors": st.lists(st.fixed_dictionaries({"name": text}), max_size=2),
        "published_at": st.datetimes(timezones=st.just(UTC)).map(isoformat),
        "language": st.sampled_from(["en", "no", "pt-BR", "zh-Hant"]),
    },
)  # fmt: skip


def normalised_body(body: str) -> str:
    return frontmatter.parse("---\n---\n" + body, lambda _: False).body


@settings(max_examples=150, deadline=None)
@given(resource=schema_valid_resources)
@example(resource={"title": "0", "body": "0", "categories": ["0"], "status": "published", "summary": "\u2028"})
def test_an_article_shown_as_markdown_reads_back_as_the_same_document(resource):
    article = article_from(
        frontmatter.parse(as_markdown("an-id", resource), lambda _: False), "shown.md", "fallback", draft=False
    )
    expected = {**resource, "body": normalised_body(resource["body"])}

    assert article.violations == ()
    assert article.article_id == "an-id"
    assert article.document == expected
    assert json.loads(json.dumps(article.document)) == article.document  # plain JSON values, no dates
