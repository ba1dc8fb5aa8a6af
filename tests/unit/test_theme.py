"""The one look of every page (syndicate.theme): one stylesheet, one layout, one subscribe form,
shared by the site's pages and the subscription pages, which inline the stylesheet under a CSP
that allows exactly its bytes."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from syndicate import theme
from syndicate.feeds import page_views
from syndicate.subscriptions import pages
from tests.support.html import parse_fragment_strict, parse_strict, text

PACKAGE = Path(theme.__file__).resolve().parents[1]  # functions/syndicate
FORM = "theme/subscribe_form.html.j2"


def render_form(form: theme.SubscribeForm) -> str:
    return page_views.render_page(FORM, form=form).decode("utf-8")


def by_id(dom, element_id: str):
    (found,) = [element for element in dom.iter() if element.get("id") == element_id]
    return found


def described_by(element) -> list[str]:
    return (element.get("aria-describedby") or "").split()


# -- one of each ----------------------------------------------------------------------------------


def test_the_package_holds_one_stylesheet_the_themes():
    stylesheets = sorted(path.relative_to(PACKAGE).as_posix() for path in PACKAGE.rglob("*.css"))

    assert stylesheets == ["theme/site.css"]


def test_one_template_holds_the_subscribe_forms_fields_the_themes_partial():
    fields = re.compile(r'name="(email|website|cadence)"')
    holding = sorted(
        path.relative_to(PACKAGE).as_posix() for path in PACKAGE.rglob("*.j2") if fields.search(path.read_text())
    )

    # The preferences form offers the cadence too, but never an address or the honeypot.
    assert holding == ["subscriptions/templates/preferences.html.j2", "theme/templates/subscribe_form.html.j2"]
    assert not re.search(r'name="(email|website)"', (PACKAGE / holding[0]).read_text())


# -- the stylesheet inlined ----------------------------------------------------------------------


def test_a_subscription_page_inlines_exactly_the_bytes_its_csp_allows():
    site = pages.site_frame("Syndicate", "https://site.example")

    body = pages.message_page("You are subscribed", "Thank you.", site)

    (style,) = re.findall(r"<style>(.*?)</style>", body, re.S)
    assert style.encode("utf-8") == theme.stylesheet()
    digest = base64.b64encode(hashlib.sha256(style.encode("utf-8")).digest()).decode()
    assert theme.inline_stylesheet_source() == f"'sha256-{digest}'"
    assert f"style-src 'sha256-{digest}';" in pages.content_security_policy()
    assert "<link" not in body  # nothing to load
    parse_strict(body)


def test_the_stylesheet_loads_nothing_and_cannot_end_its_style_element():
    rules = re.sub(r"/\*.*?\*/", "", theme.stylesheet().decode("utf-8"), flags=re.S)

    assert "url(" not in rules and "@import" not in rules  # the pages' CSP would block them
    assert "</" not in rules and "<!--" not in rules


def test_the_sites_pages_link_the_stylesheet_instead():
    site = theme.SiteFrame("Syndicate", "https://site.example/", "https://site.example/assets/site.css")

    body = page_views.render_page("theme/layout.html.j2", site=site, title="t", lang="en", description=None)

    dom = parse_strict(body)
    assert [link.get("href") for link in dom.iter("link") if link.get("rel") == "stylesheet"] == [site.stylesheet_url]
    assert list(dom.iter("style")) == []


def test_a_subscription_page_has_the_sites_header_skip_link_main_and_footer():
    dom = parse_strict(pages.message_page("Check", "Words.", pages.site_frame("Syndicate", "https://site.example/")))

    links = {a.get("class"): a for a in dom.iter("a") if a.get("class")}
    assert links["skip-link"].get("href") == "#content"
    assert (links["site-title"].get("href"), text(links["site-title"])) == ("https://site.example/", "Syndicate")
    assert [main.get("id") for main in dom.iter("main")] == ["content"]
    assert [text(h1) for h1 in dom.iter("h1")] == ["Check"]
    assert [meta.get("content") for meta in dom.iter("meta") if meta.get("name") == "robots"] == ["noindex"]


# -- the subscribe form shown again after a mistake -----------------------------------------------


def mistaken_form(**changes) -> theme.SubscribeForm:
    values = {
        "action": "https://api.example/dev/subscriptions",
        "categories": (theme.CategoryChoice("Climate", "climate", True),),
        "cadence": "weekly",
        "form_stamp": "1767225600.abc",
        "email": "reader@example",
        "errors": (
            theme.FieldError("email", "Email address must be a valid email address."),
            theme.FieldError("cadence", "How often is required."),
            theme.FieldError("categories", "Categories must be at most 100 characters long."),
            theme.FieldError("form", "Something in the form is not right; please send it again."),
        ),
    }
    return theme.SubscribeForm(**(values | changes))


def test_each_fields_message_shows_under_it_and_is_announced_with_it():
    dom = parse_fragment_strict(render_form(mistaken_form()))

    email = by_id(dom, "subscribe-email")
    assert (email.get("value"), email.get("aria-invalid")) == ("reader@example", "true")
    assert [text(by_id(dom, ref)) for ref in described_by(email)] == ["Email address must be a valid email address."]
    cadence = by_id(dom, "subscribe-cadence")
    assert [text(by_id(dom, ref)) for ref in described_by(cadence)] == ["How often is required."]
    categories = by_id(dom, "subscribe-categories")
    assert [text(by_id(dom, ref)) for ref in described_by(categories)] == [
        "Leave all unticked for every category.",
        "Categories must be at most 100 characters long.",
    ]
    ticked = [i.get("value") for i in dom.iter("input") if i.get("checked") is not None]
    assert ticked == ["weekly", "Climate"]
    assert "Something in the form" not in text(dom)  # the page's summary says that, not a field


def test_a_fresh_form_has_no_value_no_message_and_nothing_marked_invalid():
    html = render_form(mistaken_form(email="", errors=()))

    dom = parse_fragment_strict(html)
    assert by_id(dom, "subscribe-email").get("value") is None
    assert "aria-invalid" not in html and 'class="error"' not in html
    assert described_by(by_id(dom, "subscribe-cadence")) == []


def test_several_messages_about_one_field_are_all_shown():
    form = mistaken_form(errors=(theme.FieldError("email", "One."), theme.FieldError("email", "Two.")))

    assert form.error("email") == "One. Two."
    assert form.error("cadence") is None


# Characters a strict parser refuses; html5lib reads CR and CRLF as LF.
FORBIDDEN = re.compile(
    "[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef"
    + "".join(chr(plane * 0x10000 + low) for plane in range(17) for low in (0xFFFE, 0xFFFF))
    + "]"
)


@given(typed=st.text(max_size=40) | st.sampled_from(['a"><script>x</script>', "\x01@x", "\x85"]))
def test_whatever_was_typed_comes_back_only_as_the_fields_value_on_a_valid_page(typed):
    site = pages.site_frame("Syndicate", "https://site.example")

    body = pages.page("subscribe.html.j2", "Subscribe: check the form", site, form=mistaken_form(email=typed))

    dom = parse_strict(body)  # valid HTML whatever was typed
    named = [element for element in dom.iter("input") if element.get("name")]
    assert [i.get("name") for i in named] == ["email", "cadence", "cadence", "categories", "website", "form_stamp"]
    shown = FORBIDDEN.sub("", typed).replace("\r\n", "\n").replace("\r", "\n")
    assert named[0].get("value") == (shown if typed else None)
    assert list(dom.iter("script")) == []
