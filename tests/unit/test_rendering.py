"""Publisher Markdown becomes CommonMark HTML with nothing dangerous left in it."""

from __future__ import annotations

from syndicate.articles.rendering import render_body


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
