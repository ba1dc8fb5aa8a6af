"""A reader signs up in real headless Chromium with JavaScript off, from the hosted page and from
the README's snippet on a page of another origin: check your inbox, the confirmation email, its
button, the welcome email. Every subscription page passes axe-core (desktop light, phone dark).

Screenshots and axe's summary go to test-artifacts/subscription-pages/."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_string, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from tests.e2e import flows
from tests.e2e.conftest import ARTIFACTS, REPO
from tests.support import events
from tests.support.browser import MISSING, assert_accessible, full_page_screenshot
from tests.support.browser import browser as chromium

pytestmark = pytest.mark.skipif(MISSING is not None, reason=MISSING or "")
SHOTS = ARTIFACTS / "subscription-pages"
WELCOME = "Welcome to Syndicate: you are subscribed"
# An email's HTML has no landmarks by nature (no <main>, nothing in regions): axe's two moderate
# findings about that are expected of it, and of no page.
EMAIL_HAS_NO_LANDMARKS = {("landmark-one-main", "moderate"), ("region", "moderate")}


def readme_snippet() -> str:
    """The subscribe form the README tells publishers to paste into their site."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Subscribe forms (no JavaScript)", 1)[1]
    return re.search(r"```html\n(.*?)```", section, re.S).group(1)


@contextmanager
def page_of_another_origin(html: str) -> Iterator[str]:
    """``html`` served at / on another port of this machine: another origin than the stack's."""
    body = html.encode("utf-8")

    class Page(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def advance_clock(local_stack, seconds: int) -> None:
    """A person takes a moment to type (the hosted form refuses a post under 2 s, quietly)."""
    assert local_stack.console("POST", "/clock", body={"advance_seconds": seconds}).status == 200


def press(driver, selector: str = "form button[type=submit]") -> None:
    """Press a form's button and wait until the browser has left the page for the answer."""
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.wait import WebDriverWait

    page = driver.find_element("tag name", "html")
    button = driver.find_element("css selector", selector)
    # At once: the theme scrolls smoothly for readers who allow motion, and selenium would click
    # where the button is going to be while the page is still moving.
    driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", button)
    button.click()
    wait = WebDriverWait(driver, 60)
    wait.until(expected_conditions.staleness_of(page))
    # The answer's document, loaded: asked any sooner, Chromium may answer about nodes of neither.
    wait.until(lambda browser: browser.execute_script("return document.readyState") == "complete")


def fill_and_send(driver, address: str) -> None:
    driver.find_element("css selector", "input[name=email]").send_keys(address)
    driver.find_element("css selector", "input[name=cadence][value=weekly]").click()
    press(driver)


def confirm_in_the_browser(driver, local_stack, address: str) -> dict:
    """Open the confirmation email's link, press its button; return the welcome email."""
    (confirmation,) = flows.wait_for_email(local_stack, address)
    driver.get(flows.links(confirmation, "/subscriptions/confirm")[0])
    assert driver.find_element("tag name", "h1").text == "Confirm your subscription"
    press(driver)
    assert driver.find_element("tag name", "h1").text == "You are subscribed"
    emails = flows.wait_for_email(local_stack, address, count=2)
    assert [m["subject"] for m in emails] == ["Confirm your subscription to Syndicate", WELCOME]
    return emails[1]


def test_a_reader_subscribes_on_the_hosted_page_with_javascript_off_and_gets_the_welcome(local_stack):
    reader = flows.new_reader()
    with chromium(javascript=False) as driver:
        driver.get(f"{local_stack.api_url}/subscriptions/new")
        assert driver.title.startswith("Subscribe")
        advance_clock(local_stack, 3)
        fill_and_send(driver, reader)

        assert driver.current_url == f"{local_stack.api_url}/subscriptions/check-inbox"
        assert driver.find_element("tag name", "h1").text == "Check your inbox"
        welcome = confirm_in_the_browser(driver, local_stack, reader)

    parsed = message_from_string(welcome["raw"], policy=policy.default)
    assert "weekly" in parsed.get_body(preferencelist=("plain",)).get_content()
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_a_reader_subscribes_from_the_readme_snippet_on_a_page_of_another_origin(local_stack):
    reader = flows.new_reader()
    snippet = readme_snippet().replace(
        "https://abc123defg.execute-api.us-east-1.amazonaws.com/dev", local_stack.api_url
    )
    # A script would mark the page; with JavaScript off it must not run.
    page = (
        f'<!DOCTYPE html><html lang="en"><title>A blog</title><h1>A blog</h1>{snippet}'
        '<script>document.title = "ran"</script>'
    )
    with page_of_another_origin(page) as origin, chromium(javascript=False) as driver:
        driver.get(f"{origin}/")
        assert driver.title == "A blog"  # no script ran
        fill_and_send(driver, reader)

        # The blog's origin is not in AllowedOrigins here: its return_to is not followed.
        assert driver.current_url == f"{local_stack.api_url}/subscriptions/check-inbox"
        confirm_in_the_browser(driver, local_stack, reader)


def subscription_pages(local_stack, **screen: Any) -> Iterator[tuple[str, Any]]:
    """Each page a reader meets, opened in turn in a JavaScript-capable browser (axe needs it) of
    the given ``screen`` (width, height, dark)."""
    reader = flows.new_reader()
    api = local_stack.api_url

    with chromium(**screen) as driver:
        driver.get(f"{api}/subscriptions/new")
        yield "subscribe", driver
        fill_and_send(driver, "someone@localhost")  # the browser takes it, the contract does not
        assert driver.find_element("tag name", "h1").text == "Subscribe: check the form"
        yield "subscribe-mistake", driver
        driver.get(f"{api}/subscriptions/new")
        advance_clock(local_stack, 3)
        fill_and_send(driver, reader)
        yield "check-inbox", driver
        (confirmation,) = flows.wait_for_email(local_stack, reader)
        link = flows.links(confirmation, "/subscriptions/confirm")[0]
        driver.get(link)
        yield "confirm", driver
        press(driver)
        yield "subscribed", driver
        welcome = flows.wait_for_email(local_stack, reader, count=2)[1]
        driver.get(f"{local_stack.base_url}/_local/outbox/{welcome['id']}.html")
        yield "welcome-email", driver
        driver.get(flows.links(welcome, "/subscriptions/preferences")[0])
        yield "preferences", driver
        driver.get(flows.links(welcome, "/subscriptions/unsubscribe")[0])
        yield "unsubscribe", driver
        press(driver)
        yield "unsubscribed", driver
        driver.get(link.replace("token=", "token=forged"))
        yield "link-refused", driver


@pytest.mark.parametrize(
    ("width", "height", "dark"), [(1280, 900, False), (360, 740, True)], ids=["desktop", "phone-dark"]
)
def test_every_subscription_page_and_the_welcome_pass_axe(local_stack, width, height, dark):
    results = {}
    for name, driver in subscription_pages(local_stack, width=width, height=height, dark=dark):
        results[name] = assert_accessible(driver)
        expected = EMAIL_HAS_NO_LANDMARKS if name == "welcome-email" else set()
        assert set(results[name]["violations"]) <= expected, (name, results[name]["violations"])
        assert "color-contrast" in results[name]["passes"], name
        full_page_screenshot(driver, SHOTS / f"{name}-{width}{'-dark' if dark else ''}.png")
        wide = driver.execute_script("return document.documentElement.scrollWidth")
        assert wide <= width, f"{name} is {wide} px wide in a {width} px viewport"

    (SHOTS / f"axe-{width}{'-dark' if dark else ''}.json").write_text(json.dumps(results, indent=2))
    assert len(results) == 10


def test_the_keyboard_focus_is_visible_on_every_stop_of_the_hosted_form(local_stack):
    """Tab from the top of the page to the footer: each stop shows the theme's 3 px focus ring.
    (The form offers up to 60 categories, one stop each, whatever other tests published.)"""
    stops: list[dict] = []
    with chromium() as driver:
        driver.get(f"{local_stack.api_url}/subscriptions/new")
        while len(stops) < 150 and not (stops and stops[-1]["footer"]):
            driver.switch_to.active_element.send_keys("\ue004")  # Tab
            stops.append(
                driver.execute_script(
                    "const e = document.activeElement, s = getComputedStyle(e);"
                    "return {name: e.tagName.toLowerCase() + (e.name ? '[' + e.name + ']' : ''),"
                    " visible: e.matches(':focus-visible'), ring: s.outlineStyle + ' ' + s.outlineWidth,"
                    " footer: e.closest('footer') !== null};"
                )
            )

    names = [stop["name"] for stop in stops]
    assert names[:3] == ["a", "a", "input[email]"] and "button" in names and stops[-1]["footer"], names
    assert "input[website]" not in names  # the honeypot is out of the tab order
    assert all(stop["visible"] and stop["ring"] == "solid 3px" for stop in stops), stops


def test_a_category_name_wider_than_a_phone_breaks_inside_the_hosted_form(local_stack):
    """Category names come from publishers (100 characters, no space needed): the form's ticks
    must not make the page wider than a 360 px screen."""
    long_name = "Astrophotographyandspaceflightreportingfromeverylaunchsite"
    article = events.article("ocean-heatwave-explainer") | {
        "categories": [long_name]
    }  # dated in the past: in no digest
    assert local_stack.call("POST", "/articles", body=article).status == 201

    with chromium(width=360, height=740) as driver:
        driver.get(f"{local_stack.api_url}/subscriptions/new")
        labels = [label.text for label in driver.find_elements("css selector", "label.choice")]
        wide = driver.execute_script("return document.documentElement.scrollWidth")

    assert long_name in [label.replace("\n", "") for label in labels]
    assert wide <= 360, f"the hosted form is {wide} px wide on a 360 px phone"
