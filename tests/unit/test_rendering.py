"""Publisher Markdown becomes CommonMark HTML with nothing dangerous left in it, at a bounded cost."""

from __future__ import annotations

import itertools

import pytest

from syndicate.articles import rendering
from syndicate.articles.rendering import BodyRefused, render_body
from tests.support import events


def test_headings_and_paragraphs_render_as_commonmark():
    html = render_body("## Crew and scientific goals\n\nThe MS-28 crew joined.\n")
    assert html == "<h2>Crew and scientific goals</h2>\n<p>The MS-28 crew joined.</p>\n"


def test_scripts_event_handlers_and_javascript_urls_are_removed():
    html = render_body(
        'Hi <script>alert(1)</script><img src="https://x.example/a.jpg" onerror="alert(2)">'
        " [x](javascript:alert(3)) <iframe src=https://evil.example></iframe>"
    )
    assert "<script" not in html and "alert(1)" not in html
    assert "onerror" not in html
    assert 'href="javascript' not in html  # left as inert text, never a link
    assert "<iframe" not in html
    assert '<img src="https://x.example/a.jpg">' in html


def test_links_are_kept_with_a_safe_rel():
    html = render_body("[notes](https://example.com/notes)")
    assert 'href="https://example.com/notes"' in html
    assert 'rel="noopener noreferrer nofollow"' in html


def test_tables_survive():
    html = render_body("| a | b |\n|---|---|\n| 1 | 2 |\n")
    assert "<table>" in html and "<td>2</td>" in html


# -- bounded work (issue 9, item 4) ---------------------------------------------------------------

BODY_LIMIT = 500_000  # characters, the contract's maxLength


def frozen() -> float:
    """A clock that never moves: only the units decide (the deadline is tested on its own)."""
    return 0.0


def repeated(text: str, size: int = BODY_LIMIT) -> str:
    return (text * (size // len(text) + 1))[:size]


@pytest.mark.parametrize("name", events.valid_article_names())
def test_real_articles_render_even_at_many_times_their_length(name):
    """150,000 characters of the densest sample (headings, lists, small tables every few lines)
    is ten times a long feature; prose-like ones render at the contract's limit."""
    assert render_body(repeated(events.article(name)["body"], 150_000), timer=frozen)


def test_a_prose_like_article_renders_at_the_largest_size_the_contract_allows():
    assert render_body(repeated(events.article("photo-of-the-day")["body"]), timer=frozen)


@pytest.mark.parametrize(
    "body",
    [
        "[" * 300_000,
        "![" * 200_000,
        "*_" * 200_000,
        "**a" * 150_000,
        ("*" * 1000 + "a") * 400,
        "1. a\n" * 90_000,
        "|a|b|\n|-|-|\n" + "|a|b|\n" * 80_000,
        "|" + "a|" * 100 + "\n|" + "-|" * 100 + "\n" + "|\n" * 200_000,
        "[a](https://example.com/x) " * 18_000,
        "".join(f"[r{i}]: https://x.example/{i}\n" for i in range(20_000)) + "[r1] " * 20_000,
    ],
    ids=[
        "open brackets",
        "image brackets",
        "emphasis alternation",
        "strong runs",
        "long delimiter runs",
        "tiny list items",
        "tiny table cells",
        "autocompleted rows",
        "links",
        "reference flood",
    ],
)
def test_markdown_denser_than_its_length_pays_for_is_refused_with_the_reason(body):
    with pytest.raises(BodyRefused, match="more Markdown structure than Syndicate renders"):
        render_body(body, timer=frozen)


def test_the_same_structure_is_accepted_in_a_body_that_is_mostly_prose():
    prose = repeated("The crew docked with the station after a two-day chase. ", 400_000)
    assert render_body("[a](https://example.com/x) " * 1_000 + "\n\n" + prose, timer=frozen)


def test_deep_nesting_stops_at_markdown_its_nesting_limit():
    html = render_body(">" * 10_000 + " deep\n\n" + "".join("  " * n + "- item\n" for n in range(300)))
    assert html.count("<blockquote>") <= 21
    assert html.count("<ul>") <= 21


def test_a_refusal_spends_no_more_than_the_budget_allows(monkeypatch):
    """However large the body, the parse stops as soon as its units are spent."""
    attempts = itertools.count()
    real = rendering._Work.spend

    def counted(self, units):
        next(attempts)
        real(self, units)

    monkeypatch.setattr(rendering._Work, "spend", counted)
    with pytest.raises(BodyRefused):
        render_body("[" * BODY_LIMIT, timer=frozen)
    budget = rendering.BASE_WORK + rendering.WORK_PER_CHARACTER * BODY_LIMIT
    assert next(attempts) <= budget  # every spend costs at least one unit


def test_a_table_is_held_to_the_rows_its_body_can_pay_for():
    body = "|" + "a|" * 100 + "\n|" + "-|" * 100 + "\n" + "|\n" * 5_000  # 10 KB asking for 500,000 cells
    with pytest.raises(BodyRefused, match="more Markdown structure"):
        render_body(body, timer=frozen)


def test_an_unforeseen_slow_render_stops_at_the_deadline():
    ticks = itertools.count(step=rendering.DEADLINE_SECONDS / 10)  # a clock that races ahead
    with pytest.raises(BodyRefused, match="takes longer than"):
        render_body(repeated("*a* ", 200_000), timer=lambda: next(ticks))


# -- raw HTML nesting ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "html",
    [
        "<div>\n" * 51,
        "<span>" * 51,
        "<b>" * 51,
        "<span></div>" * 60,  # an end tag that closes nothing opened closes nothing
        "<div><p>x" * 30,
        "<!-- --> <i>" * 51,
    ],
)
def test_raw_html_nested_too_deep_is_refused(html):
    with pytest.raises(BodyRefused, match="nests HTML elements more than 50 deep"):
        render_body(html)


@pytest.mark.parametrize(
    "html",
    [
        "<div>\n" * 50,
        "<div></div>\n" * 20_000,
        "<ul>" + "<li>item" * 2_000 + "</ul>",
        "<table>" + "<tr><td>a<td>b" * 2_000 + "</table>",
        "<p>one<p>two<p>three" * 1_000,
        "<figure><img src=https://i.example/a.jpg><figcaption>A</figcaption></figure>\n\n" * 1_000,
        "<!-- <div><div><div> -->\n" * 100,
    ],
)
def test_ordinary_raw_html_is_accepted(html):
    assert isinstance(render_body(html), str)


# -- output size -------------------------------------------------------------------------------


def test_html_past_the_cap_is_refused_with_its_size():
    with pytest.raises(BodyRefused, match=r"renders to [\d,]+ bytes of HTML, more than the 2,000,000 allowed"):
        render_body("    " + "<" * 499_996)  # a code block: each < becomes &lt;


def test_html_up_to_the_cap_is_kept():
    html = render_body("    " + "<" * 498_000)
    assert 1_990_000 < len(html.encode()) <= rendering.MAX_RENDERED_BYTES
