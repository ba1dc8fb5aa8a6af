"""The HTML pages of the subscription routes (Jinja2, autoescaped), and what they show.

Every page wears the site's theme (``syndicate.theme``): its layout, its one stylesheet and its
subscribe form partial, so a reader moves from the site to these pages and back without a seam.
These pages are served by the API, not from the site bucket, and carry live link tokens: the
stylesheet is inlined and their Content-Security-Policy allows exactly it by hash, and nothing
else to load or run.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from typing import Any

from jinja2 import Environment

from syndicate import theme
from syndicate.mailing.model import category_slugs

PAGE_LANGUAGE = "en"
# Words, digits, spaces and a little punctuation, but no "." ":" "@": nothing a mail client links.
_PLAIN_CATEGORY = re.compile(r"[\w &/'’,()-]+")


def site_frame(site_title: str, site_url: str) -> theme.SiteFrame:
    """The site's header and footer around a subscription page, the stylesheet inlined."""
    return theme.SiteFrame(site_title, f"{site_url.rstrip('/')}/", stylesheet_url=None)


def content_security_policy(form_targets: Iterable[str] = ()) -> str:
    """Nothing loads or runs but the inlined stylesheet; forms post to this API (and, through its
    redirect, to ``form_targets``: the origins a ``return_to`` may lead to); no page is framed."""
    targets = " ".join(["'self'", *sorted(set(form_targets))])
    return (
        f"default-src 'none'; style-src {theme.inline_stylesheet_source()}; form-action {targets}; "
        "frame-ancestors 'none'; base-uri 'none'"
    )


@cache
def _environment() -> Environment:
    return theme.page_environment("syndicate.subscriptions", "templates")


def page(template: str, heading: str, site: theme.SiteFrame, **context: Any) -> str:
    """``template`` (extending ``page.html.j2``) under its ``heading``, in the site's frame."""
    body = (
        _environment()
        .get_template(template)
        .render(
            site=site,
            title=f"{heading} · {site.title}",
            heading=heading,
            lang=PAGE_LANGUAGE,
            description=None,
            **context,
        )
    )
    return theme.html_document(body)


def message_page(heading: str, message: str, site: theme.SiteFrame, hint: str | None = None) -> str:
    return page("message.html.j2", heading, site, message=message, hint=hint)


def shown_categories(categories: tuple[str, ...]) -> list[str]:
    """Categories as the confirmation email and page show them: as typed when plain words, as
    their slug otherwise. Whoever signs an address up types them, and what reaches that inbox
    must not carry their link or address."""
    return [name if _PLAIN_CATEGORY.fullmatch(name) else (category_slugs([name]) or ("",))[0] for name in categories]
