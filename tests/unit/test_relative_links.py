"""Relative links and images in bodies are resolved against the article's URL in every feed format."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from hypothesis import given
from hypothesis import strategies as st

from syndicate.articles.links import absolute_links, resolve_all
from syndicate.articles.rendering import render_body, sanitize_html
from syndicate.feeds.documents import FORMATS, FeedDocument, FeedLinks, render_entry
from syndicate.feeds.entries import build_entry
from tests.support.feeds import article

SITE = "https://site.example"
PAGE = f"{SITE}/articles/{1:032x}.html"  # where article(1)'s entry links when it has no canonical URL
CANONICAL = "https://news.example/2025/12/story/"


class _Urls(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if (tag, name) in (("a", "href"), ("img", "src")):
                self.found.append((f"{tag}.{name}", value))
        if tag == "a" and "href" not in dict(attrs):
            self.found.append(("a.href", None))


def urls(html: str) -> list[tuple[str, str | None]]:
    parser = _Urls()
    parser.feed(html)
    return parser.found


def stored_body(html: str) -> str:
    return sanitize_html(html)  # what ingest stores


def entry_content(body_html: str, **extras: object) -> str:
    entry = build_entry(article(1, body_html=body_html, extras={"summary": "s", **extras}), SITE)
    assert entry.content_html is not None
    return entry.content_html


@pytest.mark.parametrize(
    ("written", "resolved"),
    [
        ("photo.jpg", f"{SITE}/articles/photo.jpg"),
        ("./notes/a.html", f"{SITE}/articles/notes/a.html"),
        ("../about", f"{SITE}/about"),
        ("../../../../../etc/x", f"{SITE}/etc/x"),  # above the root stays at the root
        ("/images/a%20b.png", f"{SITE}/images/a%20b.png"),
        ("/with space", f"{SITE}/with%20space"),
        ("?page=2&amp;sort=new", f"{PAGE}?page=2&sort=new"),  # an entity, decoded as a browser does
        ("#section-2", f"{PAGE}#section-2"),
        ("", PAGE),
        ("//cdn.example/x.png", "https://cdn.example/x.png"),  # protocol-relative: the article's scheme
        ("\\\\cdn.example/y", "https://cdn.example/y"),  # browsers read a backslash as a slash here
        ("&#46;&#46;/entities", f"{SITE}/entities"),
        ("  /padded  ", f"{SITE}/padded"),
    ],
)
def test_relative_references_resolve_against_the_article_page(written, resolved):
    content = entry_content(stored_body(f'<p><a href="{written}">a</a> <img src="{written}" alt="i"></p>'))

    assert urls(content) == [("a.href", resolved), ("img.src", resolved)]


def test_relative_references_resolve_against_the_canonical_url_when_the_publisher_set_one():
    content = entry_content(stored_body('<a href="../other/">o</a><img src="p.png">'), canonical_url=CANONICAL)

    assert urls(content) == [("a.href", "https://news.example/2025/12/other/"), ("img.src", f"{CANONICAL}p.png")]


@pytest.mark.parametrize(
    "hostile",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "&#106;avascript:alert(1)",
        "&#x6A;avascript&colon;alert(1)",
        "java\tscript:alert(1)",
        " javascript:alert(1)",
        "vbscript:msgbox(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    ],
)
def test_script_urls_stay_refused_however_they_are_spelled(hostile):
    # A stored body is sanitized already; this one is not, as if it had been stored some other way.
    content = entry_content(f'<a href="{hostile}">x</a><img src="{hostile}"><a href="rel">r</a>')

    assert ("a.href", None) in urls(content)
    assert all(value is None or value.startswith("https://site.example/") for _, value in urls(content))
    assert "script" not in content.lower()


def test_absolute_and_mail_links_are_left_exactly_as_they_were():
    body = stored_body('<a href="https://other.example/a?b=1&amp;c=2#d">a</a> <a href="mailto:desk@news.example">m</a>')

    assert entry_content(body) == body


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f.name)
def test_every_format_carries_the_resolved_links(fmt):
    entry = build_entry(article(1, body_html=stored_body('<p><a href="../more">m</a><img src="i.png"></p>')), SITE)
    document = FeedDocument("t", "d", SITE, (render_entry(entry, f"{SITE}/tags"),))

    body = fmt.render(document, FeedLinks(f"{SITE}/feeds/{fmt.file_name}"))

    if fmt.name == "json":
        content = json.loads(body)["items"][0]["content_html"]
    else:
        root = ET.fromstring(body)
        found = root.find(".//{http://purl.org/rss/1.0/modules/content/}encoded")
        found = found if found is not None else root.find(".//{http://www.w3.org/2005/Atom}content")
        assert found is not None
        content = found.text or ""
    assert urls(content) == [("a.href", f"{SITE}/more"), ("img.src", f"{SITE}/articles/i.png")]


# -- the scan that spares most bodies a parse never skips one the parse would change ------------

targets = st.one_of(
    st.sampled_from(
        [
            "",
            "#f",
            "?q=1&r=2",
            "../a",
            "/b",
            "//h.example/c",
            "c d",
            "https://x.example/y",
            "HTTPS://X.EXAMPLE/Y",
            "http:relative",
            "mailto:a@b.example",
            "javascript:alert(1)",
            "&#106;avascript:x",
            "&#104;ttps://x.example/",
            " /lead",
            "\\\\h.example",
        ]
    ),
    st.text(max_size=20),
)
quote = st.sampled_from(['"', "'", ""])
spacing = st.sampled_from(["", " ", "\n", "\t "])
name = st.sampled_from(["href", "HREF", "Href", "src", "SRC"])


@st.composite
def bodies(draw: st.DrawFn) -> str:
    parts = []
    for _ in range(draw(st.integers(min_value=0, max_value=4))):
        tag = draw(st.sampled_from(["a", "img", "A", "IMG", "p"]))
        q, gap = draw(quote), draw(spacing)
        parts.append(f"<{tag} {draw(name)}{gap}={gap}{q}{draw(targets)}{q}>{draw(st.text(max_size=10))}</{tag}>")
        parts.append(draw(st.text(max_size=30)))
    return "".join(parts)


@given(bodies(), st.sampled_from([PAGE, CANONICAL, "http://plain.example/a/b?c#d"]))
def test_the_scan_skips_a_stored_body_only_when_the_parse_would_leave_it_unchanged(raw, base):
    body = stored_body(raw)

    if absolute_links(body, base) is body:
        assert resolve_all(body, base) == body


SCHEME = re.compile(r"^(https?|mailto):", re.IGNORECASE)  # RFC 3986: with a scheme, a URI is not relative


@given(bodies(), st.sampled_from([PAGE, CANONICAL]))
def test_after_resolving_every_link_and_image_has_an_allowed_scheme(raw, base):
    for _, value in urls(absolute_links(stored_body(raw), base)):
        assert value is None or SCHEME.match(value)


def test_markdown_links_are_resolved_too():
    body = render_body("See [the archive](../archive/) and ![a chart](chart.svg 'Chart').")

    assert urls(entry_content(body)) == [("a.href", f"{SITE}/archive/"), ("img.src", f"{SITE}/articles/chart.svg")]
