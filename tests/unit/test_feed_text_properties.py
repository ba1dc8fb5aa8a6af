"""Properties of the text every feed carries: XML-legal characters and category slugs."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from hypothesis import given
from hypothesis import strategies as st
from markupsafe import escape

from syndicate.articles.model import category_slug
from syndicate.feeds.entries import one_line, xml_text

XML_CHAR = re.compile("[\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]*")
# Text made only of characters XML 1.0 allows.
clean_text = st.text(
    alphabet=st.one_of(
        st.sampled_from("\t\n\r"),
        st.characters(min_codepoint=0x20, max_codepoint=0xD7FF),
        st.characters(min_codepoint=0xE000, max_codepoint=0xFFFD),
        st.characters(min_codepoint=0x10000),
    )
)
any_text = st.text(alphabet=st.characters(codec=None, min_codepoint=0))  # surrogates and controls included
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@given(any_text)
def test_xml_text_output_is_always_xml_legal_and_parses_back(value):
    cleaned = xml_text(value)

    assert XML_CHAR.fullmatch(cleaned)
    parsed = ET.fromstring(f"<t>{escape(cleaned)}</t>".encode()).text or ""
    assert parsed == cleaned.replace("\r\n", "\n").replace("\r", "\n")


@given(clean_text)
def test_clean_text_is_left_unchanged(value):
    assert xml_text(value) == value


@given(any_text)
def test_xml_text_only_removes_characters(value):
    cleaned = xml_text(value)

    assert xml_text(cleaned) == cleaned
    iterator = iter(value)
    assert all(character in iterator for character in cleaned)  # a subsequence of the input


@given(any_text, st.integers(min_value=2, max_value=500))
def test_one_line_text_has_no_line_break_and_keeps_its_limit(value, limit):
    line = one_line(value, limit)

    assert len(line) <= limit
    assert len(line.splitlines()) <= 1 and "\t" not in line
    assert XML_CHAR.fullmatch(line)


@given(st.text().filter(lambda name: re.search("[A-Za-z0-9]", name)))
def test_a_category_slug_is_url_safe_idempotent_and_never_empty(name):
    slug = category_slug(name)

    assert SLUG.fullmatch(slug)
    assert category_slug(slug) == slug


@given(st.text())
def test_a_category_slug_is_stable_across_case_and_surrounding_punctuation(name):
    assert category_slug(name) == category_slug(name.lower())
    assert category_slug(f"  {name} / ") == category_slug(name)


def test_category_slugs_keep_the_urls_already_published():
    assert category_slug("Space/science journalism") == "space-science-journalism"
    assert category_slug("Photo Essays & Galleries") == "photo-essays-galleries"
    assert category_slug("C++") == "c"
