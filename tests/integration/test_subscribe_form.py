"""POST /subscriptions as a plain HTML form, the hosted subscribe page and CORS, on moto.

A form post is answered with a 303 to "check your inbox" (or to a return_to on a trusted origin),
a form with a mistake comes back as the form; bots (the honeypot, a form stamp that is too fresh,
too old or not ours) get the very same answer and nothing is queued."""

from __future__ import annotations

import base64
import hashlib
import re
from urllib.parse import urlencode

import html5lib
import pytest

from syndicate import theme
from tests.support import events
from tests.support.api import Answer
from tests.support.html import parse_strict, text

READER = "reader@example.com"
BLOG = "https://blog.example.com"
API_URL = "https://abc123defg.execute-api.us-east-1.amazonaws.com/dev"
CHECK_INBOX = f"{API_URL}/subscriptions/check-inbox"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
QUIET = {"Cache-Control", "Location", "Referrer-Policy", "Content-Type"}  # what a form answer is made of


@pytest.fixture
def trusting_blog(world):
    world.functions.configure("SubscriptionsApiFunction", ALLOWED_ORIGINS=BLOG)
    return world


def post_form(world, fields: dict, *, origin: str | None = BLOG) -> Answer:
    headers = {**FORM, **({"Origin": origin} if origin else {})}
    return world.api("POST", "/subscriptions", raw_body=urlencode(fields, doseq=True), headers=headers)


def reader_form(**changes) -> dict:
    return {"email": READER, "cadence": "weekly", "categories": ["Space/science journalism"], "website": ""} | changes


def stamp_of(page: Answer) -> str:
    return re.search(r'name="form_stamp" value="([^"]+)"', page.body).group(1)


def queued_sign_ups(world) -> list[dict]:
    return world.queued("ConfirmationQueue")


# -- a person's form post -------------------------------------------------------------------------


def test_a_form_post_is_answered_with_a_redirect_to_check_your_inbox_and_queues_the_sign_up(world):
    answer = world.api.send_event(events.load("api/subscribe-form.json"))

    assert answer.status == 303 and answer.header("Location") == CHECK_INBOX  # the blog is not trusted here
    assert answer.header("Cache-Control") == "no-store"
    world.deliver_sign_ups()
    [mail] = world.outbox.to(READER)
    assert mail["Subject"] == "Confirm your subscription to Syndicate"
    page = world.api("GET", "/subscriptions/check-inbox")
    assert page.status == 200 and "Check your inbox" in page.body and "confirmation email is on its way" in page.body


def test_the_form_carries_every_category_ticked_and_the_cadence_chosen(world):
    post_form(world, reader_form(categories=["Space/science journalism", "Climate", "Climate", ""]))
    world.deliver_sign_ups()

    page = world.follow(world.confirmation_link(READER))

    assert "weekly digest" in page.body and "Climate, Space/science journalism" in page.body


def test_a_return_to_on_a_trusted_origin_takes_the_reader_back_there(trusting_blog):
    answer = post_form(trusting_blog, reader_form(return_to=f"{BLOG}/thanks?from=digest"))

    assert answer.status == 303 and answer.header("Location") == f"{BLOG}/thanks?from=digest"
    assert len(queued_sign_ups(trusting_blog)) == 1


def test_the_sites_own_pages_are_trusted_without_configuration(world):
    site = world.functions._environments["SubscriptionsApiFunction"]["SITE_URL"]

    answer = post_form(world, reader_form(return_to=f"{site}/categories/climate.html"), origin=site)

    assert answer.header("Location") == f"{site}/categories/climate.html"


@pytest.mark.parametrize(
    "return_to",
    [
        "https://evil.example/phish",
        "//evil.example/",
        f"{BLOG}@evil.example/",
        f"{BLOG}.evil.example/",
        f"{BLOG}\\@evil.example/",
        "https://evil.example/?" + BLOG,
        "javascript:alert(document.domain)",
        f"{BLOG}/\r\nSet-Cookie: session=stolen",
        "http://blog.example.com/",
    ],
)
def test_a_return_to_anywhere_else_is_not_followed(trusting_blog, output, return_to):
    answer = post_form(trusting_blog, reader_form(return_to=return_to))

    assert answer.status == 303 and answer.header("Location") == CHECK_INBOX
    assert output.metric("ReturnToRefused") == [1.0]
    assert len(queued_sign_ups(trusting_blog)) == 1  # the reader still gets the confirmation


# -- bots: the same answer, nothing sent ----------------------------------------------------------


def genuine_answer(world) -> Answer:
    answer = post_form(world, reader_form(email="person@example.com"))
    assert len(queued_sign_ups(world)) == 1
    return answer


def form_answer(answer: Answer) -> tuple:
    return answer.status, answer.body, {k: v for k, v in answer.headers.items() if k in QUIET}


@pytest.mark.parametrize(
    ("refusal", "metric"),
    [
        ("honeypot", "SignUpsRefusedHoneypot"),
        ("too fast", "SignUpsRefusedTooFast"),
        ("too old", "SignUpsRefusedTooOld"),
        ("forged", "SignUpsRefusedForgedStamp"),
    ],
)
def test_a_bots_form_post_queues_nothing_and_is_answered_like_a_persons(world, clock, output, refusal, metric):
    genuine = genuine_answer(world)
    stamp = stamp_of(world.api("GET", "/subscriptions/new"))
    fields = reader_form(form_stamp=stamp)
    if refusal == "honeypot":
        clock.advance(seconds=30)
        fields["website"] = "https://cheap-pills.example"
    elif refusal == "too old":
        clock.advance(hours=25)
    elif refusal == "forged":
        clock.advance(seconds=30)
        fields["form_stamp"] = stamp[:-4] + ("AAAA" if not stamp.endswith("AAAA") else "BBBB")

    answer = post_form(world, fields)

    assert form_answer(answer) == form_answer(genuine)
    assert len(queued_sign_ups(world)) == 1  # the genuine one only
    assert output.metric(metric) == [1.0]


def test_a_stamped_form_sent_after_a_moment_is_queued(world, clock):
    stamp = stamp_of(world.api("GET", "/subscriptions/new"))
    clock.advance(seconds=3)

    answer = post_form(world, reader_form(form_stamp=stamp))

    assert answer.header("Location") == CHECK_INBOX and len(queued_sign_ups(world)) == 1


def test_a_script_filling_the_honeypot_gets_202_and_nothing_is_queued(world, output):
    genuine = world.api("POST", "/subscriptions", body=events.subscription())

    answer = world.api(
        "POST", "/subscriptions", body=events.subscription() | {"email": "x@example.com", "website": "x"}
    )

    assert (answer.status, answer.body) == (genuine.status, genuine.body) == (202, genuine.body)
    assert len(queued_sign_ups(world)) == 1 and output.metric("SignUpsRefusedHoneypot") == [1.0]


# -- a person's mistake ---------------------------------------------------------------------------


def test_a_form_with_a_mistake_comes_back_as_the_form_with_what_is_wrong(trusting_blog, clock):
    typed = 'reader@example"><script>alert(1)</script>'

    answer = post_form(trusting_blog, reader_form(email=typed, cadence="", return_to=f"{BLOG}/thanks"))

    assert answer.status == 422 and answer.header("Content-Type").startswith("text/html")
    assert "Email address must be a valid email address." in answer.body
    assert "How often is required." in answer.body
    assert 'value="reader@example&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in answer.body
    assert "<script>" not in answer.body
    assert 'aria-invalid="true"' in answer.body and f'name="return_to" value="{BLOG}/thanks"' in answer.body
    assert 'value="Space/science journalism" checked' in answer.body  # what was ticked stays ticked
    assert queued_sign_ups(trusting_blog) == []
    clock.advance(seconds=5)  # the form again carries a fresh stamp: sending it fixed goes through
    fixed = post_form(trusting_blog, reader_form(form_stamp=stamp_of(answer), return_to=f"{BLOG}/thanks"))
    assert fixed.header("Location") == f"{BLOG}/thanks" and len(queued_sign_ups(trusting_blog)) == 1


def test_text_a_hostile_form_sends_is_shown_on_our_page_only_as_harmless_words(world):
    answer = post_form(world, reader_form(email="nope", categories=["Win! Visit https://evil.example/prize now"]))

    assert answer.status == 422 and "evil.example" not in answer.body
    assert "win-visit-https-evil-example-prize-now" in answer.body


# -- the hosted page ------------------------------------------------------------------------------


def test_the_subscribe_page_offers_the_directory_categories_and_ticks_the_ones_asked_for(world, trusting_blog):
    world.publish()  # Space/science journalism
    world.publish(events.article("ocean-heatwave-explainer"))

    page = world.api(
        "GET",
        "/subscriptions/new",
        query={"categories": ["Climate", "Not a category"], "cadence": "weekly", "return_to": f"{BLOG}/x"},
    )

    assert page.status == 200 and page.header("Cache-Control") == "no-store"
    assert 'value="Climate" checked' in page.body and 'value="Space/science journalism">' in page.body
    assert "Not a category" not in page.body
    assert 'value="weekly" checked' in page.body and f'value="{BLOG}/x"' in page.body
    assert f'action="{API_URL}/subscriptions"' in page.body
    assert re.search(r'name="form_stamp" value="v1\.p\.\d+\.[\w-]+"', page.body)


def test_the_subscribe_page_keeps_an_untrusted_return_to_out(world):
    page = world.api("GET", "/subscriptions/new", query={"return_to": "https://evil.example/"})

    assert "evil.example" not in page.body and 'name="return_to"' not in page.body


# -- CORS for scripts on trusted pages ------------------------------------------------------------


def test_a_preflight_from_a_trusted_page_allows_posting_json(trusting_blog):
    answer = trusting_blog.api.send_event(events.load("api/subscribe-preflight.json"))

    assert answer.status == 204
    assert answer.header("Access-Control-Allow-Origin") == BLOG and answer.header("Vary") == "Origin"
    assert answer.header("Access-Control-Allow-Methods") == "POST"
    assert answer.header("Access-Control-Allow-Headers") == "Content-Type"


def test_a_preflight_from_any_other_page_allows_nothing(world):
    answer = world.api.send_event(events.load("api/subscribe-preflight.json"))  # the blog, not trusted here

    assert answer.status == 204 and answer.header("Access-Control-Allow-Origin") is None
    assert answer.header("Vary") == "Origin"


@pytest.mark.parametrize(
    ("document", "status"), [(events.subscription(), 202), ({"email": "nope", "cadence": "daily"}, 422)]
)
def test_json_answers_and_problems_are_readable_by_trusted_pages_only(trusting_blog, document, status):
    trusted = trusting_blog.api("POST", "/subscriptions", body=document, headers={"Origin": BLOG})
    other = trusting_blog.api("POST", "/subscriptions", body=document, headers={"Origin": "https://evil.example"})

    assert trusted.status == other.status == status
    assert trusted.header("Access-Control-Allow-Origin") == BLOG
    assert other.header("Access-Control-Allow-Origin") is None
    assert trusted.header("Vary") == other.header("Vary") == "Origin"


# -- every page: the site's theme, its one stylesheet inlined and nothing else, valid HTML ---------


def every_page(world, clock) -> dict[str, Answer]:
    from tests.support.mail import link_to

    world.subscribe(READER)
    confirm = world.confirmation_link(READER)
    pages = {
        "subscribe": world.api("GET", "/subscriptions/new"),
        "subscribe again": post_form(world, reader_form(email="nope")),
        "check your inbox": world.api("GET", "/subscriptions/check-inbox"),
        "confirm": world.follow(confirm),
        "you are subscribed": world.follow(confirm, "POST", form=""),
        "link refused": world.follow(confirm[:-3] + "AAA"),
    }
    world.deliver_sign_ups()
    [welcome] = [m for m in world.outbox.to(READER) if "Welcome" in m["Subject"]]
    pages["preferences"] = world.follow(link_to(welcome, "/subscriptions/preferences"))
    pages["unsubscribe"] = world.follow(link_to(welcome, "/subscriptions/unsubscribe"))
    pages["unsubscribed"] = world.follow(link_to(welcome, "/subscriptions/unsubscribe"), "POST", form="")
    return pages


def test_every_page_loads_exactly_the_sites_stylesheet_and_is_valid_html(world, clock):
    for name, page in every_page(world, clock).items():
        policy = page.header("Content-Security-Policy") or ""
        styles = re.findall(r"<style>(.*?)</style>", page.body, re.S)
        hashes = {"'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'" for s in styles}
        assert len(styles) == 1 and f"style-src {hashes.pop()};" in policy, name
        # The site's one stylesheet, byte for byte: no second stylesheet can come back unnoticed.
        assert styles[0].encode("utf-8") == theme.stylesheet(), name
        assert policy.startswith("default-src 'none';") and "frame-ancestors 'none'" in policy, name
        assert " style=" not in page.body and "<script" not in page.body, name  # a hash allows no attribute styles
        html5lib.HTMLParser(strict=True).parse(page.body)  # raises on any parse error


def test_every_page_wears_the_sites_frame_with_its_name_linking_home(world, clock):
    home = world.stack.environment("SubscriptionsApiFunction")["SITE_URL"].rstrip("/") + "/"
    for name, page in every_page(world, clock).items():
        dom = parse_strict(page.body)
        (skip,) = [a for a in dom.iter("a") if a.get("class") == "skip-link"]
        (header,) = [e for e in dom.iter("header") if e.get("class") == "site-header"]
        (title,) = [a for a in header.iter("a") if a.get("class") == "site-title"]
        (main,) = dom.iter("main")
        (footer,) = [e for e in dom.iter("footer") if e.get("class") == "site-footer"]

        assert skip.get("href") == "#content" and main.get("id") == "content", name
        assert (title.get("href"), text(title)) == (home, "Syndicate"), name
        assert len(list(main.iter("h1"))) == 1, name
        assert home in [a.get("href") for a in footer.iter("a")], name
