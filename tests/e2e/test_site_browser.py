"""The readers' site of `make local` in real headless Chromium (selenium, Debian's chromium-driver):
followed as a reader follows it, checked with axe-core at desktop and phone widths and in dark
mode, parsed as strict HTML5, and photographed; with the welcome email a reader who subscribes to
the demo gets, and the subscription pages, which wear the site's theme.

The screenshots go to test-artifacts/screenshots/, or to $SYNDICATE_SCREENSHOTS (`make
screenshots` writes the ones the README shows into docs/screenshots/).
"""

from __future__ import annotations

import json
import os
import re
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

import pytest

from tests.e2e import flows
from tests.e2e.conftest import ARTIFACTS, REPO
from tests.support import browser as chromium
from tests.support import events
from tests.support.html import parse_strict, text
from tests.support.local_stack import LocalStackClient

pytestmark = pytest.mark.skipif(chromium.MISSING is not None, reason=chromium.MISSING or "")

SEED = events.article("photo-of-the-day")
SEED_CATEGORY = "Space/science journalism"
SCREENSHOTS = Path(os.environ.get("SYNDICATE_SCREENSHOTS") or ARTIFACTS / "screenshots")
MODES: dict[str, dict[str, Any]] = {
    "desktop": {"width": chromium.DESKTOP[0], "height": chromium.DESKTOP[1]},
    "phone": {"width": chromium.PHONE[0], "height": chromium.PHONE[1]},
    "dark": {"width": chromium.DESKTOP[0], "height": chromium.DESKTOP[1], "dark": True},
}


def fetch(url: str) -> tuple[int, str, bytes]:
    with urllib.request.urlopen(url, timeout=30) as answer:
        return answer.status, answer.headers.get("Content-Type", ""), answer.read()


@pytest.fixture(scope="module")
def site_pages(demo_stack) -> dict[str, str]:
    """The URL of each kind of page of the demo site: home, a category page, the seed's page."""
    with chromium.browser() as driver:
        driver.get(f"{demo_stack.base_url}/")
        article = driver.find_element("link text", SEED["title"]).get_attribute("href")
        category = driver.find_element("link text", SEED_CATEGORY).get_attribute("href")
    return {"home": f"{demo_stack.base_url}/", "category": category, "article": article}


@pytest.fixture(scope="module")
def demo_client(demo_stack) -> LocalStackClient:
    """The demo's API (its subscription routes need no key) and console."""
    description = json.loads(fetch(f"{demo_stack.base_url}/_local/stack.json")[2])
    return LocalStackClient(demo_stack.base_url, description["api_url"], "", description)


@pytest.fixture(scope="module")
def welcome_email(demo_client) -> str:
    """The HTML part of the welcome a reader gets who subscribes to the demo once it has articles."""
    reader = flows.new_reader()
    flows.subscribe_and_confirm(demo_client, reader)
    (welcome,) = [m for m in flows.emails_to(demo_client, reader) if m["subject"].startswith("Welcome")]
    return f"{demo_client.base_url}/_local/outbox/{welcome['id']}.html"


def seed_sections() -> tuple[list[str], list[str]]:
    blocks = [block.strip() for block in SEED["body"].split("\n\n") if block.strip()]
    return [b[3:] for b in blocks if b.startswith("## ")], [b for b in blocks if not b.startswith("#")]


def test_a_reader_opens_the_home_page_follows_the_seed_article_and_then_its_category(demo_stack):
    with chromium.browser() as driver:
        driver.get(f"{demo_stack.base_url}/")
        assert driver.find_element("css selector", "h1").text == "Latest articles"

        driver.find_element("link text", SEED["title"]).click()

        assert driver.current_url.startswith(f"{demo_stack.base_url}/articles/")
        assert driver.find_element("css selector", "article h1").text == SEED["title"]
        figure = driver.find_element("css selector", "article figure")
        image = figure.find_element("css selector", "img")
        assert (image.get_attribute("src"), image.get_attribute("alt")) == (SEED["image"]["url"], SEED["image"]["alt"])
        caption = figure.find_element("css selector", "figcaption").text
        assert SEED["image"]["caption"] in caption and SEED["image"]["credit"] in caption
        headings, paragraphs = seed_sections()
        assert [h.text for h in driver.find_elements("css selector", ".prose h2")] == headings
        assert [p.text for p in driver.find_elements("css selector", ".prose p")] == paragraphs
        assert len(headings) == 6

        driver.find_element("css selector", "article header .meta a").click()

        assert driver.find_element("css selector", "h1").text == SEED_CATEGORY
        assert SEED["title"] in [a.text for a in driver.find_elements("css selector", ".card h2 a")]
        ticked = driver.find_elements("css selector", "form.subscribe input[name=categories]:checked")
        assert [box.get_attribute("value") for box in ticked] == [SEED_CATEGORY]


def test_every_link_to_the_site_on_its_pages_works_when_followed(demo_stack, site_pages):
    site = urlsplit(demo_stack.base_url).netloc
    links: set[str] = set()
    for url in site_pages.values():
        dom = parse_strict(fetch(url)[2])
        for element in dom.iter():
            for name in ("href", "src"):
                target = element.get(name)
                if target and urlsplit(urljoin(url, target)).netloc == site:
                    links.add(urljoin(url, target).split("#")[0])

    answers = {link: fetch(link)[:2] for link in sorted(links)}

    assert all(status == 200 for status, _ in answers.values()), answers
    kinds = {link.rsplit(".", 1)[-1] for link in answers}
    assert {"html", "xml", "json", "css"} <= kinds  # pages, feeds and the stylesheet


@pytest.mark.parametrize("page", ["home", "category", "article"])
def test_every_page_is_valid_html5_served_as_html(site_pages, page):
    status, content_type, body = fetch(site_pages[page])

    assert (status, content_type) == (200, "text/html; charset=utf-8")
    parse_strict(body)  # raises on any HTML5 parse error


@pytest.mark.parametrize("mode", list(MODES))
def test_axe_finds_no_serious_or_critical_violation_on_any_page(site_pages, mode):
    summaries = []
    with chromium.browser(**MODES[mode]) as driver:
        for page, url in site_pages.items():
            driver.get(url)
            summary = chromium.assert_accessible(driver)
            summaries.append({"page": page, "mode": mode, **summary})
            assert "color-contrast" in summary["passes"]

    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"axe-{mode}.json").write_text(json.dumps(summaries, indent=2), encoding="utf-8")


def test_the_axe_check_does_catch_unreadable_text():
    page = "<!doctype html><html lang=en><title>t</title><main><p style='color:#999;background:#aaa'>faint</p></main>"
    with chromium.browser() as driver:
        driver.get("data:text/html;charset=utf-8," + quote(page))

        with pytest.raises(AssertionError, match="color-contrast"):
            chromium.assert_accessible(driver)


@pytest.mark.parametrize("page", ["home", "category", "article"])
def test_nothing_is_wider_than_a_360_px_phone(site_pages, page):
    with chromium.browser(**MODES["phone"]) as driver:
        driver.get(site_pages[page])
        # Unstyled, the photo keeps its natural width: say so rather than report a layout fault.
        styled = driver.execute_script(
            "return [...document.styleSheets].map(sheet => [sheet.href, sheet.cssRules.length])"
            ".concat(performance.getEntriesByType('resource').filter(r => r.initiatorType === 'link')"
            ".map(r => [r.name, r.responseStatus, Math.round(r.duration)]))"
        )
        assert styled and all(rules for _, rules in styled[:1]), f"the stylesheet did not load: {styled}"
        viewport = driver.execute_script("return [window.innerWidth, document.documentElement.clientWidth]")

        width = driver.execute_script("return document.documentElement.scrollWidth")
        wider = driver.execute_script(
            "return [...document.querySelectorAll('body *')]"
            ".filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)"
            ".map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"
        )

    assert viewport == [chromium.PHONE[0], chromium.PHONE[0]]
    assert width <= chromium.PHONE[0], wider[:10]


def test_dark_mode_follows_the_readers_setting(site_pages):
    colours = {}
    for mode in ("desktop", "dark"):
        with chromium.browser(**MODES[mode]) as driver:
            driver.get(site_pages["home"])
            colours[mode] = driver.execute_script("return getComputedStyle(document.body).backgroundColor")

    assert colours == {"desktop": "rgb(255, 255, 255)", "dark": "rgb(19, 19, 22)"}


def test_the_keyboard_focus_is_visible(site_pages):
    with chromium.browser() as driver:
        driver.get(site_pages["home"])
        body = driver.find_element("css selector", "body")

        body.send_keys("\ue004")  # Tab: the skip link, shown only while focused
        skip = driver.switch_to.active_element
        style = driver.execute_script(
            "const s = getComputedStyle(arguments[0]); return [s.outlineStyle, s.outlineWidth, s.width];", skip
        )
        label = skip.text

    assert label == "Skip to content"
    assert style[0] == "solid" and style[1] == "3px" and style[2] != "1px"


def test_the_subscription_pages_wear_the_stylesheet_and_the_header_the_site_serves(demo_stack, demo_client):
    stylesheet = fetch(f"{demo_stack.base_url}/assets/site.css")[2]
    home = parse_strict(fetch(f"{demo_stack.base_url}/")[2])
    hosted = fetch(f"{demo_client.api_url}/subscriptions/new")[2]

    (inlined,) = re.findall(rb"<style>(.*?)</style>", hosted, re.S)
    assert inlined == stylesheet  # one stylesheet, byte for byte
    titles = [
        (a.get("href"), text(a))
        for dom in (home, parse_strict(hosted))
        for a in dom.iter("a")
        if a.get("class") == "site-title"
    ]
    assert titles == [(f"{demo_stack.base_url}/", "Syndicate")] * 2


# An email's HTML has no landmarks by nature (no <main>, nothing in regions): axe's two moderate
# findings about that are expected of it, and of no page.
EMAIL_HAS_NO_LANDMARKS = {("landmark-one-main", "moderate"), ("region", "moderate")}


@pytest.mark.parametrize("mode", list(MODES))
def test_the_welcome_email_passes_axe_but_for_the_landmarks_an_email_has_none_of(welcome_email, mode):
    with chromium.browser(**MODES[mode]) as driver:
        driver.get(welcome_email)
        summary = chromium.assert_accessible(driver)
        width = driver.execute_script("return document.documentElement.scrollWidth")

    assert set(summary["violations"]) <= EMAIL_HAS_NO_LANDMARKS, summary["violations"]
    assert "color-contrast" in summary["passes"]
    assert width <= MODES[mode]["width"]
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"axe-welcome-email-{mode}.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")


def test_the_welcome_email_shows_the_latest_articles_of_the_home_page(welcome_email, site_pages):
    home = parse_strict(fetch(site_pages["home"])[2])
    latest = [text(a) for card in home.iter("li") if card.get("class") == "card" for a in card.iter("h2")]
    with chromium.browser() as driver:
        driver.get(welcome_email)
        titles = [a.text for a in driver.find_elements("css selector", ".article h2 a")]

    assert titles == latest[:3] and SEED["title"] in titles


SHOTS = [
    ("home", "home", "desktop"),
    ("home-phone", "home", "phone"),
    ("article", "article", "desktop"),
    ("article-phone", "article", "phone"),
    ("welcome-email", "welcome", "desktop"),
    ("welcome-email-phone", "welcome", "phone"),
]


@pytest.mark.parametrize(("name", "page", "mode"), SHOTS)
def test_screenshots(request, name, page, mode):
    url = request.getfixturevalue("welcome_email") if page == "welcome" else request.getfixturevalue("site_pages")[page]
    with chromium.browser(**MODES[mode]) as driver:
        driver.get(url)
        shot = chromium.full_page_screenshot(driver, SCREENSHOTS / f"{name}.png")

    assert shot.stat().st_size > 10_000
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_screenshots_the_readme_shows_are_committed():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for name, _, _ in SHOTS:
        assert f"docs/screenshots/{name}.png" in readme
        assert (REPO / "docs" / "screenshots" / f"{name}.png").is_file()
