"""Whatever one stored article holds, every feed is still rendered and published.

The API refuses most of this at the door; the renderer must not rely on it (articles stored
before a rule existed, a rule with a gap). A bad article is left out, logged by id and error
type only (never its text: it may hold a body or an address) and counted; the rest is published.
"""

from __future__ import annotations

import json
import logging
import xml.etree.ElementTree as ET

import feedparser
import pytest

from syndicate.feeds.render import FeedRenderer
from tests.support.clock import FakeClock
from tests.support.feeds import MemorySite, MemorySource, article

SITE = "https://site.example"
SECRET = "what-the-body-said"
EMAIL = "reporter@example.org"
IMAGE = {"url": "https://img.example/a.jpg", "alt": "a photo", "length": 10, "type": "image/jpeg"}

# Rendered, with the offending characters normalised or the field cut to its limit.
NORMALISED = {
    "line and paragraph separators in single-line fields": article(
        1,
        title="Breaking\u2028news\u0085today\r\nnow\u2029",
        categories=("Climate", "Cli\nmate\u2028desk"),
        extras={"tags": ["a\u2028b"], "authors": [{"name": "Jane\nDoe"}], "image": IMAGE | {"alt": "one\u2029two"}},
    ),
    "control characters everywhere": article(
        2,
        title="Title\x00\x1b[31m red\x7f",
        extras={"summary": "s\x07s", "tags": ["t\x0c"], "authors": [{"name": "n\x01", "email": EMAIL}]},
    ),
    "a megabyte title": article(3, title="x" * 1_000_000),
    "a thousand tags": article(4, extras={"tags": [f"tag {n}" for n in range(1000)]}),
}
# Left out: nothing sensible can be shown for them.
LEFT_OUT = {
    "authors that are not a list": article(10, extras={"authors": "Jane Doe"}),
    "an image that is a list": article(11, extras={"image": ["https://img.example/a.jpg"]}),
    "an image size that is text": article(12, extras={"image": IMAGE | {"width": "wide"}}),
    "a date that is no date": article(13, published_at="2025-12-01T25:99:00Z yesterday"),
    "a link that is a script": article(14, extras={"canonical_url": f"javascript:alert('{SECRET}')"}),
    "a body that cannot be read": article(15),
    "a body that is not text": article(16),
    "a title that is not text": article(17, title=None),
}
BODIES = {LEFT_OUT["a body that is not text"].id: {"html": SECRET}}


def render_hostile(caplog):
    good = article(0)
    articles = [good, *NORMALISED.values(), *LEFT_OUT.values()]
    source = MemorySource(articles, broken_bodies={LEFT_OUT["a body that cannot be read"].id}, bodies=BODIES)
    site = MemorySite()
    renderer = FeedRenderer(
        source, site, FakeClock("2026-01-01T00:00:00Z"), site_url=SITE, item_count=50, logger=logging.getLogger("t")
    )
    with caplog.at_level(logging.WARNING):
        report = renderer.render()
    return report, site


@pytest.mark.parametrize("key", ["feeds/rss.xml", "feeds/atom.xml", "feeds/categories/climate/rss.xml"])
def test_every_xml_feed_is_published_well_formed_with_every_renderable_article(caplog, key):
    _report, site = render_hostile(caplog)

    ET.fromstring(site.objects[key])
    parsed = feedparser.parse(site.objects[key])
    assert not parsed.bozo, parsed.get("bozo_exception")
    shown = {entry.id.rsplit(":", 1)[1] for entry in parsed.entries}
    assert shown == {article(0).id, *(hostile.id for hostile in NORMALISED.values())}


def test_the_json_feed_is_published_with_every_renderable_article(caplog):
    _report, site = render_hostile(caplog)

    items = json.loads(site.objects["feeds/feed.json"])["items"]
    assert len(items) == 1 + len(NORMALISED)


def test_single_line_fields_come_out_on_one_line_and_within_their_limits(caplog):
    _report, site = render_hostile(caplog)

    entries = {entry.id.rsplit(":", 1)[1]: entry for entry in feedparser.parse(site.objects["feeds/atom.xml"]).entries}
    separated = entries[NORMALISED["line and paragraph separators in single-line fields"].id]
    assert separated.title == "Breaking news today now"
    assert separated.author == "Jane Doe"
    assert {tag.term for tag in separated.tags} >= {"Cli mate desk", "a b"}
    assert len(entries[NORMALISED["a megabyte title"].id].title) == 300
    assert len(entries[NORMALISED["a thousand tags"].id].tags) <= 31


def test_each_bad_article_is_left_out_and_counted_once(caplog):
    report, _site = render_hostile(caplog)

    assert sorted(report.skipped_articles) == sorted(hostile.id for hostile in LEFT_OUT.values())


def test_a_bad_article_is_logged_by_id_and_error_type_without_its_text(caplog):
    render_hostile(caplog)

    logged = " ".join(f"{record.getMessage()} {record.__dict__}" for record in caplog.records)
    for hostile in LEFT_OUT.values():
        assert hostile.id in logged
    assert SECRET not in logged and EMAIL not in logged and "yesterday" not in logged
    assert all(getattr(record, "error_type", None) for record in caplog.records)
