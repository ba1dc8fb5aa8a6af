"""Publisher text on the site's pages is only ever text: never markup, script, a JSON-LD break-out,
or a link a reader did not expect."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from syndicate.feeds.render import FeedRenderer
from tests.support.clock import FakeClock
from tests.support.feeds import MemorySite, MemorySource, article
from tests.support.html import json_ld, meta, parse_strict, text

SITE = "https://site.example"
API = "https://api.example/dev"
BREAK_OUT = "</script><script>alert(1)</script>\"'><!--"
HOSTILE = {
    "summary": "</title><img src=x onerror=alert(1)>" + BREAK_OUT,
    "tags": ["</script><script>alert(1)</script>", "javascript:alert(1)", "<b onmouseover=alert(1)>tag</b>"],
    "authors": [
        {"name": "<a href=javascript:alert(1)>Eve</a>", "url": 'https://eve.example/"><script>alert(1)</script>'}
    ],
    "image": {
        "url": 'https://img.example/x.jpg"onerror="alert(1)',
        "alt": '" onerror="alert(1)',
        "caption": '"><svg onload=alert(1)>',
        "credit": "</figcaption><script>alert(1)</script>",
    },
    "canonical_url": 'https://publisher.example/a"><script>alert(1)</script>',
    "language": 'en"><script>alert(1)</script>',
}
HOSTILE_BODY = (
    '<p><a href="javascript:alert(1)">click</a><script>alert(1)</script>'
    '<img src="x" onerror="alert(1)"><a href="JaVaScRiPt:alert(1)">again</a></p>'
)


def render(*articles, bodies=None) -> MemorySite:
    site = MemorySite()
    FeedRenderer(
        MemorySource(list(articles), bodies=bodies or {}),
        site,
        FakeClock("2026-01-01T00:00:00Z"),
        site_url=SITE,
        api_url=API,
        item_count=5,
        logger=logging.getLogger("test"),
    ).render()
    return site


def assert_only_text(page: bytes, title: str) -> None:
    dom = parse_strict(page)  # no HTML5 parse error at all
    scripts = list(dom.iter("script"))
    assert [script.get("type") for script in scripts] in ([], ["application/ld+json"])
    assert page.count(b"</script") == len(scripts)  # no text closed the JSON-LD early
    for document in json_ld(dom):
        assert document["headline"] == title
    for element in dom.iter():
        assert not [name for name in element.attrib if name.lower().startswith("on")], element.tag
        for name in ("href", "src", "action"):
            value = element.get(name)
            if value is not None:  # our links are absolute; a body may hold relative ones, never a script
                assert urlsplit(value).scheme in ("https", "http", ""), (element.tag, name, value)


def hostile_article(number: int = 1, title: str = BREAK_OUT, **extras):
    return article(
        number, title=title, categories=("Climate</a><script>alert(1)</script>",), extras={**HOSTILE, **extras}
    )


def test_hostile_text_in_every_field_stays_text_on_every_page():
    item = hostile_article()
    site = render(item, bodies={item.id: HOSTILE_BODY})

    for key in ("index.html", "categories/climate-a-script-alert-1-script.html", f"articles/{item.id}.html"):
        assert_only_text(site.objects[key], BREAK_OUT)


def test_hostile_text_reads_back_as_exactly_what_the_publisher_sent():
    item = hostile_article()
    site = render(item, bodies={item.id: HOSTILE_BODY})

    dom = parse_strict(site.objects[f"articles/{item.id}.html"])

    assert text(next(dom.iter("h1"))) == " ".join(BREAK_OUT.split())
    assert meta(dom)["og:title"] == [BREAK_OUT]
    assert next(next(dom.iter("figure")).iter("img")).get("alt") == HOSTILE["image"]["alt"]
    assert [text(li) for li in next(e for e in dom.iter("ul") if e.get("class") == "chips")] == [
        "</script><script>alert(1)</script>",
        "javascript:alert(1)",
        "<b onmouseover=alert(1)>tag</b>",
    ]
    (article_element,) = dom.iter("article")
    assert article_element.get("lang") is None  # not a language tag: no lang attribute at all


def test_links_in_the_body_to_scripts_lose_their_href():
    item = article(1)
    site = render(item, bodies={item.id: HOSTILE_BODY})

    dom = parse_strict(site.objects[f"articles/{item.id}.html"])

    prose = next(e for e in dom.iter("div") if e.get("class") == "prose")
    assert [a.get("href") for a in prose.iter("a")] == [None, None]
    assert list(prose.iter("script")) == []


def test_an_article_whose_canonical_url_is_a_script_gets_no_page_and_no_card():
    item = article(1, extras={"canonical_url": "javascript:alert(document.cookie)"})
    fine = article(2)

    site = render(item, fine)

    assert f"articles/{item.id}.html" not in site.objects
    assert b"javascript:" not in site.objects["index.html"]
    assert f"articles/{fine.id}.html".encode() in site.objects["index.html"]


TEXT = st.text(max_size=80)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=TEXT.filter(lambda value: value.strip()), summary=TEXT, caption=TEXT, tag=TEXT, name=TEXT)
def test_any_text_in_any_field_gives_a_valid_page_that_says_it(title, summary, caption, tag, name):
    extras = {
        "summary": summary,
        "tags": [tag] if tag else [],
        "authors": [{"name": name or "x"}],
        "image": {"url": "https://img.example/a.jpg", "alt": "alt", "caption": caption},
    }
    item = article(1, title=title, extras=extras)

    site = render(item)

    for key in ("index.html", "categories/climate.html", f"articles/{item.id}.html"):
        assert key in site.objects
        dom = parse_strict(site.objects[key])
        assert [script.get("type") for script in dom.iter("script")] in ([], ["application/ld+json"])
    dom = parse_strict(site.objects[f"articles/{item.id}.html"])
    (ld,) = json_ld(dom)
    assert " ".join(ld["headline"].split()) == text(next(dom.iter("h1")))
