"""The readers' look, shared by every HTML page Syndicate serves: site pages, subscription pages.

Package resources, so any domain package can use them without importing another one:

``site.css``
    The one stylesheet of every page (hand-written, no framework); no package holds another. The
    feed render publishes it at ``STYLESHEET_KEY`` in the site bucket (a stable URL,
    ``{SITE_URL}/assets/site.css``) and the site's pages link it; a page served from elsewhere
    (the API's subscription pages) inlines it (a ``SiteFrame`` without ``stylesheet_url``) and
    allows exactly it in its Content-Security-Policy with ``inline_stylesheet_source()``. What it
    guarantees is stated at its top.
``templates/layout.html.j2``
    The page skeleton: head (charset, viewport, title, description, stylesheet, feed
    autodiscovery links, a ``head`` block), a skip link, the site header with its navigation, a
    ``content`` block in ``<main id="content">`` and the footer. Context: ``site`` (``SiteFrame``),
    ``title``, ``lang``, ``description`` (None for none).
``templates/subscribe_form.html.j2``
    The one subscribe form, plain HTML, no JavaScript, wherever it is shown (site pages, the
    hosted page, the hosted page again after a mistake); include it with ``form``
    (``SubscribeForm``) in the context.

``loader()`` serves both templates under the ``theme/`` prefix, for a Jinja ``ChoiceLoader``
beside a package's own templates (``{% extends "theme/layout.html.j2" %}``); ``page_environment``
is that environment, with the options every page is rendered with. Templates must be
rendered with autoescaping on: every value they print is text; and a rendered page goes through
``html_document()``, since text from outside may hold characters no HTML document may.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from jinja2 import BaseLoader, ChoiceLoader, Environment, PackageLoader, PrefixLoader, StrictUndefined

STYLESHEET_KEY = "assets/site.css"
STYLESHEET_TYPE = "text/css; charset=utf-8"
# What HTML forbids in a document and text may hold: the C0 controls but tab, line feed, form feed
# and carriage return; DEL and the C1 controls; the noncharacters U+FDD0-U+FDEF and U+xFFFE/U+xFFFF
# of every plane.
_NOT_HTML_CHAR = re.compile(
    "[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef"
    + "".join(f"\\U{plane:04x}fffe\\U{plane:04x}ffff" for plane in range(17))
    + "]"
)


@cache
def stylesheet() -> bytes:
    return (resources.files("syndicate.theme") / "site.css").read_bytes()


@cache
def inline_stylesheet_source() -> str:
    """The CSP source expression (``'sha256-…'``) that allows the stylesheet as a page inlines it
    (``<style>`` holding exactly ``stylesheet()``) and nothing else."""
    digest = base64.b64encode(hashlib.sha256(stylesheet()).digest()).decode("ascii")
    return f"'sha256-{digest}'"


def html_document(page: str) -> str:
    """``page`` without the characters HTML forbids (the templates hold none: they come from the text
    a page shows, such as what a reader typed, and would make the page invalid)."""
    return _NOT_HTML_CHAR.sub("", page)


def loader() -> BaseLoader:
    return PrefixLoader({"theme": PackageLoader("syndicate.theme", "templates")})


def page_environment(package: str, folder: str) -> Environment:
    """A new Jinja environment for HTML pages: ``package``'s ``folder`` beside the theme's templates,
    autoescaped, undefined names an error. Callers keep their own (adding filters) and cache it."""
    return Environment(
        loader=ChoiceLoader([PackageLoader(package, folder), loader()]),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


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
    stylesheet_url: str | None  # None: the page inlines the stylesheet (see inline_stylesheet_source)
    feeds: tuple[FeedLink, ...] = ()  # autodiscovery, most specific first
    nav: tuple[NavLink, ...] = ()

    @property
    def inline_stylesheet(self) -> str:
        """The stylesheet's text, for ``<style>`` (printed unescaped: escaping would change the
        bytes its CSP hash allows; it is our own file, and holds no ``</style``)."""
        return stylesheet().decode("utf-8")


@dataclass(frozen=True)
class CategoryChoice:
    name: str  # the display name, sent as a ``categories`` value
    slug: str
    checked: bool = False


@dataclass(frozen=True)
class FieldError:
    """What is wrong with one field of a form, in a person's words."""

    field: str  # the form field (email, cadence, categories), or "form" for the form as a whole
    message: str


@dataclass(frozen=True)
class SubscribeForm:
    """The subscribe form's context.

    ``action``: ``{API_URL}/subscriptions``; the form posts ``email``, ``cadence`` (daily or
    weekly), ``categories`` (one value per checked box, the category's display name; none means
    every category), the honeypot ``website`` (always empty from a person), and, when set,
    ``return_to`` and ``form_stamp`` (hidden: a signed timestamp the API may ask for).
    ``id``: prefix of the form's element ids, so two forms can share a page; a field's id is
    ``{id}-{field}`` (what an error summary links to).
    ``email`` and ``errors``: when the form is shown again after a mistake, what was typed and
    what is wrong; each field's messages show under it.
    """

    action: str
    categories: tuple[CategoryChoice, ...] = ()
    cadence: str = "daily"
    return_to: str | None = None
    form_stamp: str | None = None
    id: str = "subscribe"
    heading: str = "Get the digest by email"
    email: str = ""
    errors: tuple[FieldError, ...] = ()

    def error(self, field: str) -> str | None:
        """The messages about ``field``, one sentence after another; None when it is fine."""
        return " ".join(error.message for error in self.errors if error.field == field) or None
