"""Where a sign-up form may send the reader back (return_to) and which pages' scripts may read
the answer (CORS): only trusted origins, whatever a hostile form or page puts in."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from syndicate.origins import TrustedOrigins, origin_of

TRUSTED = TrustedOrigins(["https://blog.example.com", "http://127.0.0.1:8080", "https://site.example/with/a/path"])


@pytest.mark.parametrize(
    "url",
    [
        "https://blog.example.com",
        "https://blog.example.com/thanks?from=form#top",
        "HTTPS://BLOG.EXAMPLE.COM/Thanks",
        "https://blog.example.com:443/thanks",
        "http://127.0.0.1:8080/subscribed.html",
        "https://site.example/",
    ],
)
def test_a_return_to_on_a_trusted_origin_is_followed_as_given(url):
    assert TRUSTED.return_to(url) == url


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/",
        "//evil.example/",
        "/subscriptions/check-inbox",
        "https:evil.example",
        "https:/blog.example.com/",
        "https://blog.example.com.evil.example/",
        "https://evil.example/?https://blog.example.com",
        "https://blog.example.com@evil.example/",
        "https://blog.example.com:443@evil.example/",
        "https://blog.example.com\\@evil.example/",
        "https://blog.example.com\\.evil.example/",
        "https://blog.example.com%2f@evil.example/",
        "https://blog.example.com%40evil.example/",
        "https://blog.exa\tmple.com/",
        "https://blog.example.com/\r\nSet-Cookie: x=1",
        " https://blog.example.com/",
        "http://blog.example.com/",  # another scheme is another origin
        "https://blog.example.com:8443/",
        "https://blog.example.com./",
        "https://blog..example.com/",
        "https://xn--blog-example.com/",
        "https://bløg.example.com/",
        "javascript:alert(1)//https://blog.example.com/",
        "data:text/html,https://blog.example.com/",
        "http://127.0.0.1:80/",
        "http://127.0.0.1:08080.evil.example/",
        "https://blog.example.com/" + "a" * 2000,
        "",
    ],
)
def test_a_hostile_or_foreign_return_to_is_never_followed(url):
    assert TRUSTED.return_to(url) is None


URLISH = st.text(alphabet=st.sampled_from([*list("https:/\\@.%?#;:-_ \t\r\n0123456789blogexamplcomvi"), "ø", "\x00"]))


@given(st.one_of(URLISH, st.builds("https://blog.example.com{}".format, URLISH), st.text()))
def test_whatever_is_followed_is_read_as_a_trusted_origin_by_pythons_url_parser(url):
    followed = TRUSTED.return_to(url)
    if followed is not None:
        parts = urlsplit(followed)
        assert parts.username is None and parts.password is None
        assert (
            f"{parts.scheme.lower()}://{parts.hostname}"
            + (f":{parts.port}" if parts.port not in (None, 80, 443) else "")
            in TRUSTED.origins
        )
        assert followed.isprintable() and " " not in followed and "\\" not in followed


def test_origins_are_scheme_host_and_port_only():
    assert origin_of("https://Blog.Example.com:443/x") == "https://blog.example.com"
    assert origin_of("http://127.0.0.1:8080") == "http://127.0.0.1:8080"
    assert origin_of("ftp://blog.example.com/") is None
    assert origin_of("https://blog.example.com:99999/") is None


def test_a_trusted_page_may_read_the_answer_and_its_preflight_allows_posting_json():
    answer = TRUSTED.cors_headers("https://blog.example.com")
    preflight = TRUSTED.cors_headers("https://blog.example.com", preflight=True)

    assert answer == {"Vary": "Origin", "Access-Control-Allow-Origin": "https://blog.example.com"}
    assert preflight["Access-Control-Allow-Methods"] == "POST"
    assert preflight["Access-Control-Allow-Headers"] == "Content-Type"
    assert "Access-Control-Allow-Credentials" not in preflight


@pytest.mark.parametrize(
    "origin",
    [None, "null", "https://evil.example", "https://blog.example.com.evil.example", "https://blog.example.com/x", "*"],
)
def test_any_other_page_gets_no_cors_header_but_vary(origin):
    assert TRUSTED.cors_headers(origin, preflight=True) == {"Vary": "Origin"}
