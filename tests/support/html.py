"""Pages read back the way a browser does: html5lib, strict (any parse error fails the test)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Any

import html5lib


def parse_strict(page: bytes | str) -> ET.Element:
    """The page's DOM (elements without a namespace); ``html5lib.html5parser.ParseError`` on any error."""
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    return parser.parse(page)


def text(element: ET.Element) -> str:
    return " ".join("".join(element.itertext()).split())


def meta(dom: ET.Element) -> dict[str, list[str]]:
    """Every <meta property|name content> of the page, by property or name."""
    found: dict[str, list[str]] = {}
    for element in dom.iter("meta"):
        key = element.get("property") or element.get("name")
        if key:
            found.setdefault(key, []).append(element.get("content", ""))
    return found


def json_ld(dom: ET.Element) -> list[Any]:
    return [
        json.loads(script.text or "") for script in dom.iter("script") if script.get("type") == "application/ld+json"
    ]


def alternates(dom: ET.Element) -> dict[str, str]:
    """Feed autodiscovery: media type -> the first <link rel=alternate> of that type."""
    found: dict[str, str] = {}
    for link in dom.iter("link"):
        if link.get("rel") == "alternate":
            found.setdefault(link.get("type", ""), link.get("href", ""))
    return found


def parse_fragment_strict(fragment: str) -> ET.Element:
    """A fragment (a partial template's output) inside a <div>, strictly."""
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    return parser.parse(f"<!doctype html><html lang=en><title>t</title><div>{fragment}</div>")
