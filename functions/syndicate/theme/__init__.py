"""The readers' look, shared by every HTML page Syndicate serves: site pages, subscription pages.

Package resources, so any domain package can use them without importing another one:

``site.css``
    The one stylesheet (hand-written, no framework). The feed render publishes it at
    ``STYLESHEET_KEY`` in the site bucket (a stable URL, ``{SITE_URL}/assets/site.css``); a page
    served from elsewhere (the API's subscription pages) may link that URL or inline
    ``stylesheet()``. What it guarantees is stated at its top.
``templates/layout.html.j2``
    The page skeleton: head (charset, viewport, title, description, stylesheet, feed
    autodiscovery links, a ``head`` block), a skip link, the site header with its navigation, a
    ``content`` block in ``<main id="content">`` and the footer. Context: ``site`` (``SiteFrame``),
    ``title``, ``lang``, optionally ``description``.
``templates/subscribe_form.html.j2``
    The subscribe form, plain HTML, no JavaScript; include it with ``form`` (``SubscribeForm``) in
    the context.

``loader()`` serves both templates under the ``theme/`` prefix, for a Jinja ``ChoiceLoader``
beside a package's own templates (``{% extends "theme/layout.html.j2" %}``). Templates must be
rendered with autoescaping on: every value they print is text.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from jinja2 import BaseLoader, PackageLoader, PrefixLoader

STYLESHEET_KEY = "assets/site.css"
STYLESHEET_TYPE = "text/css; charset=utf-8"


@cache
def stylesheet() -> bytes:
    return (resources.files("syndicate.theme") / "site.css").read_bytes()


def loader() -> BaseLoader:
    return PrefixLoader({"theme": PackageLoader("syndicate.theme", "templates")})


@cache
def theme_version() -> str:
    """Changes whenever the stylesheet or a theme template changes (for the pages' fingerprints)."""
    digest = hashlib.sha256(stylesheet())
    templates = resources.files("syndicate.theme") / "templates"
    for name in sorted(item.name for item in templates.iterdir() if item.name.endswith(".j2")):
        digest.update(name.encode())
        digest.update((templates / name).read_bytes())
    return digest.hexdigest()[:16]


@dataclass(frozen=True)
class FeedLink:
    """One feed, for an autodiscovery ``<link rel="alternate">`` and a visible link."""

    title: str
    url: str
    media_type: str  # application/rss+xml, application/atom+xml, application/feed+json
    label: str  # "RSS", "Atom", "JSON Feed"


@dataclass(frozen=True)
class NavLink:
    label: str
    url: str
    current: bool = False


@dataclass(frozen=True)
class SiteFrame:
    """What the layout shows around every page."""

    title: str
    home_url: str
    stylesheet_url: str
    feeds: tuple[FeedLink, ...] = ()  # autodiscovery, most specific first
    nav: tuple[NavLink, ...] = ()


@dataclass(frozen=True)
class CategoryChoice:
    name: str  # the display name, sent as a ``categories`` value
    slug: str
    checked: bool = False


@dataclass(frozen=True)
class SubscribeForm:
    """The subscribe form's context.

    ``action``: ``{API_URL}/subscriptions``; the form posts ``email``, ``cadence`` (daily or
    weekly), ``categories`` (one value per checked box, the category's display name; none means
    every category), the honeypot ``website`` (always empty from a person), and, when set,
    ``return_to`` and ``form_stamp`` (hidden: a signed timestamp the API may ask for).
    ``id``: prefix of the form's element ids, so two forms can share a page.
    """

    action: str
    categories: tuple[CategoryChoice, ...] = ()
    cadence: str = "daily"
    return_to: str | None = None
    form_stamp: str | None = None
    id: str = "subscribe"
    heading: str = "Get the digest by email"
