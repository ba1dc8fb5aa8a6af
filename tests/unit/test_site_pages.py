"""The site's pages, rendered by the feed render on in-memory fakes: what each shows, that it is
valid HTML, and that a page is written only when what it shows changes."""

from __future__ import annotations

import json
import logging
import re

import feedparser
import pytest

from syndicate.articles.model import DRAFT, OPTIONAL_FIELDS, RETRACTED
from syndicate.articles.rendering import render_body
from syndicate.feeds import page_views, pages, render
from syndicate.feeds.render import FeedRenderer
from syndicate.theme import STYLESHEET_KEY, CategoryChoice, SubscribeForm
from tests.support import events
from tests.support.clock import FakeClock
from tests.support.feeds import MemorySite, MemorySource, article
from tests.support.html import alternates, json_ld, meta, parse_fragment_strict, parse_strict, text

SITE = "https://site.example"
API = "https://api.example/dev"
SEED_SLUG = "space-science-journalism"


def from_sample(number: int, name: str, **changes):
    """Sample article ``name`` of events/articles/ as the store holds it (id from ``number``)."""
    document = events.article(name)
    extras = {key: document[key] for key in OPTIONAL_FIELDS if key in document}
    return article(
        number,
        title=document["title"],
        categories=tuple(document["categories"]),
        published_at=document.get("published_at", "2025-12-17T09:00:00Z"),
        extras=extras,
        **changes,
    )


def seed_world():
    seed = from_sample(1, "photo-of-the-day")
    ocean = from_sample(2, "ocean-heatwave-explainer")
    body = {seed.id: render_body(events.article("photo-of-the-day")["body"])}
    return MemorySource([seed, ocean], bodies=body), seed, ocean


def renderer(source, site, **options) -> FeedRenderer:
    return FeedRenderer(
        source,
        site,
        FakeClock("2026-01-01T00:00:00Z"),
        site_url=SITE,
        api_url=API,
        item_count=5,
        logger=logging.getLogger("test"),
        **options,
    )


def page(site: MemorySite, key: str):
    assert site.types[key] == "text/html; charset=utf-8"
    return parse_strict(site.objects[key])


def seed_sections() -> tuple[list[str], list[str]]:
    """(headings, paragraphs) of the seed article's body, from its Markdown."""
    blocks = [block.strip() for block in events.article("photo-of-the-day")["body"].split("\n\n") if block.strip()]
    return [b[3:] for b in blocks if b.startswith("## ")], [b for b in blocks if not b.startswith("#")]


# -- the article page -------------------------------------------------------------------------


def test_the_seed_article_page_shows_its_photo_caption_credit_every_heading_and_paragraph():
    source, seed, _ = seed_world()
    site = MemorySite()
    renderer(source, site).render()

    dom = page(site, f"articles/{seed.id}.html")

    image = events.article("photo-of-the-day")["image"]
    (img,) = dom.iter("figure").__next__().iter("img")
    assert (img.get("src"), img.get("alt")) == (image["url"], image["alt"])
    caption = text(next(dom.iter("figcaption")))
    assert image["caption"] in caption and "NASA" in caption
    headings, paragraphs = seed_sections()
    prose = next(e for e in dom.iter("div") if e.get("class") == "prose")
    assert [text(h) for h in prose.iter("h2")] == headings and len(headings) == 6
    assert [text(p) for p in prose.iter("p")] == paragraphs
    assert text(next(dom.iter("h1"))) == seed.title


def test_dates_are_for_people_in_the_articles_language_inside_time_elements():
    english = from_sample(1, "photo-of-the-day")
    british = article(2, extras={"language": "en-GB"}, published_at="2025-12-17T09:00:00Z")
    german = article(3, extras={"language": "de"}, published_at="2025-12-17T09:00:00Z")
    unknown = article(4, extras={"language": "qaa"}, published_at="2025-12-17T09:00:00Z")
    site = MemorySite()
    renderer(MemorySource([english, british, german, unknown]), site).render()

    def published(item) -> tuple[str, str]:
        time = next(page(site, f"articles/{item.id}.html").iter("time"))
        return time.get("datetime"), text(time)

    assert published(english) == ("2025-12-17T09:00:00Z", "December 17, 2025")
    assert published(british) == ("2025-12-17T09:00:00Z", "17 December 2025")
    assert published(german) == ("2025-12-17T09:00:00Z", "17. Dezember 2025")
    assert published(unknown) == ("2025-12-17T09:00:00Z", "December 17, 2025")  # a language Babel lacks: English


def test_the_article_page_has_open_graph_twitter_and_news_article_metadata():
    source, seed, _ = seed_world()
    site = MemorySite()
    renderer(source, site).render()

    dom = page(site, f"articles/{seed.id}.html")

    document = events.article("photo-of-the-day")
    tags = meta(dom)
    assert tags["og:type"] == ["article"] and tags["og:title"] == [seed.title]
    assert tags["og:url"] == [document["canonical_url"]]
    assert tags["og:image"] == [document["image"]["url"]] and tags["og:image:alt"] == [document["image"]["alt"]]
    assert tags["article:tag"] == document["tags"]
    assert tags["twitter:card"] == ["summary_large_image"]
    (ld,) = json_ld(dom)
    assert ld["@type"] == "NewsArticle" and ld["headline"] == seed.title
    assert ld["datePublished"] == "2025-12-17T09:00:00Z" and ld["image"] == [document["image"]["url"]]
    assert ld["author"] == [{"@type": "Person", **document["authors"][0]}]
    canonical = [link.get("href") for link in dom.iter("link") if link.get("rel") == "canonical"]
    assert canonical == [document["canonical_url"]]
    visible = [a for a in dom.iter("a") if a.get("href") == document["canonical_url"]]
    assert [text(a) for a in visible] == ["news.syndicate.example"]


def test_the_article_page_links_its_categories_and_lists_its_tags():
    source, seed, _ = seed_world()
    site = MemorySite()
    renderer(source, site).render()

    dom = page(site, f"articles/{seed.id}.html")

    hrefs = {a.get("href"): text(a) for a in dom.iter("a")}
    assert hrefs[f"{SITE}/categories/{SEED_SLUG}.html"] == "Space/science journalism"
    chips = next(e for e in dom.iter("ul") if e.get("class") == "chips")
    assert [text(li) for li in chips] == events.article("photo-of-the-day")["tags"]


@pytest.mark.parametrize("key", ["index.html", f"categories/{SEED_SLUG}.html", "articles/{seed}.html"])
def test_every_page_is_valid_html_with_feed_autodiscovery_and_the_stylesheet(key):
    source, seed, _ = seed_world()
    site = MemorySite()
    renderer(source, site).render()

    dom = page(site, key.format(seed=seed.id))  # parse_strict raises on any HTML5 parse error

    found = alternates(dom)
    assert set(found) == {"application/rss+xml", "application/atom+xml", "application/feed+json"}
    stylesheets = [link.get("href") for link in dom.iter("link") if link.get("rel") == "stylesheet"]
    assert stylesheets == [f"{SITE}/assets/site.css"]
    assert dom.get("lang") == "en"


def test_the_stylesheet_is_published_once_and_not_again_while_unchanged():
    source, _, _ = seed_world()
    site = MemorySite()
    feeds = renderer(source, site)
    feeds.render()
    site.puts.clear()

    feeds.render()

    assert site.types[STYLESHEET_KEY] == "text/css; charset=utf-8"
    assert b"prefers-color-scheme: dark" in site.objects[STYLESHEET_KEY]
    assert site.puts == []


# -- home and category pages ------------------------------------------------------------------


def test_the_home_page_lists_the_latest_articles_with_what_a_reader_scans_for():
    source, seed, ocean = seed_world()
    site = MemorySite()
    renderer(source, site).render()

    dom = page(site, "index.html")

    cards = [e for e in dom.iter("li") if e.get("class") == "card"]
    titles = [text(next(card.iter("h2"))) for card in cards]
    assert titles == [seed.title, ocean.title]  # newest first
    first = cards[0]
    assert next(first.iter("img")).get("src") == seed.extras["image"]["url"]
    assert next(first.iter("time")).get("datetime") == seed.published_at
    assert "Syndicate Space Desk" in text(first) and seed.extras["summary"] in text(first)
    links = {a.get("href") for a in first.iter("a")}
    assert {f"{SITE}/articles/{seed.id}.html", f"{SITE}/categories/{SEED_SLUG}.html"} <= links


def test_the_home_page_links_every_feed_of_every_category():
    source, _, _ = seed_world()
    site = MemorySite()
    renderer(source, site).render()

    hrefs = {a.get("href") for a in page(site, "index.html").iter("a")}

    for prefix in ("feeds", *(f"feeds/categories/{slug}" for slug in ("climate", "data", SEED_SLUG))):
        for name in ("rss.xml", "atom.xml", "feed.json"):
            assert f"{SITE}/{prefix}/{name}" in hrefs


def subscribe_form(dom):
    (form,) = [f for f in dom.iter("form") if "subscribe" in (f.get("class") or "").split()]
    return form


def test_the_subscribe_form_posts_the_contracts_fields_without_javascript():
    source, _, _ = seed_world()
    site = MemorySite()
    renderer(source, site).render()

    dom = page(site, "index.html")
    form = subscribe_form(dom)

    assert (form.get("method"), form.get("action")) == ("post", f"{API}/subscriptions")
    assert list(dom.iter("script")) == []  # no JavaScript on the page at all
    inputs = {(i.get("name"), i.get("type"), i.get("value")): i for i in form.iter("input")}
    email = inputs[("email", "email", None)]
    assert email.get("required") is not None and email.get("autocomplete") == "email"
    assert {("cadence", "radio", "daily"), ("cadence", "radio", "weekly")} <= set(inputs)
    categories = [i.get("value") for i in form.iter("input") if i.get("name") == "categories"]
    assert categories == ["Climate", "Data", "Space/science journalism"]  # display names, none ticked
    assert [i for i in form.iter("input") if i.get("name") == "categories" and i.get("checked") is not None] == []
    honeypot = inputs[("website", "text", "")]
    assert (honeypot.get("tabindex"), honeypot.get("autocomplete")) == ("-1", "off")
    (trap,) = [div for div in form.iter("div") if div.get("class") == "hp"]
    assert trap.get("aria-hidden") == "true" and honeypot in list(trap.iter("input"))
    labels = {label.get("for") for label in form.iter("label")}
    assert {i.get("id") for i in form.iter("input") if i.get("id")} <= labels


def test_the_form_carries_return_to_and_a_form_stamp_when_given():
    form = SubscribeForm(
        f"{API}/subscriptions",
        (CategoryChoice("Climate", "climate"),),
        return_to="https://x.example/",
        form_stamp="1767225600.abc",
    )

    html = page_views.render_page("theme/subscribe_form.html.j2", form=form).decode()

    hidden = {
        i.get("name"): i.get("value") for i in parse_fragment_strict(html).iter("input") if i.get("type") == "hidden"
    }
    assert hidden == {"return_to": "https://x.example/", "form_stamp": "1767225600.abc"}


def test_a_category_page_lists_its_articles_its_feeds_and_ticks_itself_in_the_form():
    source, _, ocean = seed_world()
    site = MemorySite()
    renderer(source, site).render()

    dom = page(site, "categories/climate.html")

    assert text(next(dom.iter("h1"))) == "Climate"
    titles = [text(next(card.iter("h2"))) for card in dom.iter("li") if card.get("class") == "card"]
    assert titles == [ocean.title]
    assert alternates(dom)["application/rss+xml"] == f"{SITE}/feeds/categories/climate/rss.xml"
    ticked = [i.get("value") for i in subscribe_form(dom).iter("input") if i.get("checked") is not None]
    assert ticked == ["daily", "Climate"]
    current = [a for a in dom.iter("a") if a.get("aria-current") == "page"]
    assert [text(a) for a in current] == ["Climate"]


def test_a_page_without_an_api_url_has_no_form_rather_than_a_broken_one():
    source, _, _ = seed_world()
    site = MemorySite()
    FeedRenderer(source, site, FakeClock("2026-01-01T00:00:00Z"), site_url=SITE, item_count=5).render()

    assert list(page(site, "index.html").iter("form")) == []


# -- what changes, and what is written ----------------------------------------------------------


def test_a_render_with_nothing_new_writes_no_page():
    source, _, _ = seed_world()
    site = MemorySite()
    feeds = renderer(source, site)
    feeds.render()
    site.puts.clear()

    report = feeds.render()

    assert site.puts == [] and report.written == []


def test_the_publications_name_titles_every_page_and_every_feed():
    source, seed, _ = seed_world()
    site = MemorySite()
    renderer(source, site, site_title="Orbital Daily").render()

    home, article = page(site, "index.html"), page(site, f"articles/{seed.id}.html")
    rss = feedparser.parse(site.objects["feeds/rss.xml"])
    atom = feedparser.parse(site.objects["feeds/atom.xml"])
    json_feed = json.loads(site.objects["feeds/feed.json"])

    assert text(home.find(".//title")) == "Orbital Daily"
    assert text(article.find(".//title")).endswith(" · Orbital Daily")
    assert "Orbital Daily" in text(home.find(".//header")) and "Syndicate" not in text(home.find(".//header"))
    assert [document["publisher"]["name"] for document in json_ld(article)] == ["Orbital Daily"]
    assert rss.feed.title == atom.feed.title == json_feed["title"] == "Orbital Daily"
    assert atom.feed.author == json_feed["authors"][0]["name"] == "Orbital Daily"
    assert feedparser.parse(site.objects[f"feeds/categories/{SEED_SLUG}/rss.xml"]).feed.title == (
        "Orbital Daily: Space/science journalism"
    )


def test_a_renamed_publication_rewrites_every_page_and_feed():
    source, _, _ = seed_world()
    site = MemorySite()
    renderer(source, site).render()
    before = set(site.objects)
    site.puts.clear()

    renderer(source, site, site_title="Orbital Daily").render()

    rewritten = {key for key in site.puts if key.endswith((".html", ".xml", ".json")) and not key.startswith("_")}
    assert {key for key in before if key.endswith((".html", ".xml", ".json")) and not key.startswith("_")} <= rewritten


def test_a_new_article_rewrites_the_home_page_and_its_categorys_page_only():
    source, _, _ = seed_world()
    site = MemorySite()
    feeds = renderer(source, site)
    feeds.render()
    site.puts.clear()

    fresh = article(9, categories=("Climate",), published_at="2025-12-18T00:00:00Z")
    source.articles.append(fresh)
    feeds.render()

    html_puts = sorted(key for key in site.puts if key.endswith(".html"))
    assert html_puts == sorted(["index.html", "categories/climate.html", f"articles/{fresh.id}.html"])


def test_retracted_and_draft_articles_leave_the_home_and_category_pages_on_the_next_render():
    source, seed, ocean = seed_world()
    site = MemorySite()
    feeds = renderer(source, site)
    feeds.render()

    source.articles[0] = seed.with_changes(status=RETRACTED, version=2)
    source.articles[1] = ocean.with_changes(status=DRAFT, version=2)
    feeds.render()

    for key in ("index.html", f"categories/{SEED_SLUG}.html", "categories/climate.html"):
        assert [li for li in page(site, key).iter("li") if li.get("class") == "card"] == []
    assert f"articles/{seed.id}.html" not in site.objects
    assert f"articles/{ocean.id}.html" not in site.objects


def test_a_new_page_renderer_rewrites_the_pages_of_articles_the_feeds_show(monkeypatch):
    source, seed, _ = seed_world()
    site = MemorySite()
    renderer(source, site).render()
    site.puts.clear()

    monkeypatch.setattr(pages, "page_renderer_version", lambda: "a-new-template")
    monkeypatch.setattr(render, "page_renderer_version", lambda: "a-new-template")
    new_template = page_views.render_page
    monkeypatch.setattr(pages, "render_page", lambda *a, **k: new_template(*a, **k) + b"<!-- redesigned -->")
    renderer(source, site).render()  # a new container, as after a deployment

    assert f"articles/{seed.id}.html" in site.puts and "index.html" in site.puts


def test_a_new_version_that_renders_the_same_page_is_not_put_again():
    source, seed, _ = seed_world()
    site = MemorySite()
    feeds = renderer(source, site)
    feeds.render()
    site.puts.clear()

    source.articles[0] = seed.with_changes(version=2, content_hash="1" * 64)  # e.g. a field no page shows
    feeds.render()

    assert f"articles/{seed.id}.html" not in site.puts


def test_the_render_state_keeps_page_fingerprints_only_for_articles_the_feeds_show():
    articles = [article(n) for n in range(30)]
    site = MemorySite()
    renderer(MemorySource(articles), site).render()

    recorded = site.state["site"]["articles"]

    assert set(recorded) == set(site.state["shown"])
    assert len(recorded) < len(articles)


def test_the_home_page_shows_at_most_the_listed_count():
    articles = [article(n, published_at=f"2025-12-01T00:{n:02d}:00Z") for n in range(30)]
    site = MemorySite()
    FeedRenderer(
        MemorySource(articles), site, FakeClock("2026-01-01T00:00:00Z"), site_url=SITE, api_url=API, item_count=50
    ).render()

    cards = [li for li in page(site, "index.html").iter("li") if li.get("class") == "card"]

    assert len(cards) == pages.LISTED
    assert re.search(r"Article 29\b", text(cards[0]))
