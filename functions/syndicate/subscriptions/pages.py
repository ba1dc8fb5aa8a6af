"""The HTML pages of the subscription routes (Jinja2, autoescaped), their look, and what they show.

Every page extends ``page.html.j2`` and inlines one stylesheet (``templates/pages.css``); its
Content-Security-Policy allows that stylesheet by hash and nothing else to load or run.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from syndicate.mailing.model import category_slugs
from syndicate.mailing.templates import email_environment

# Words, digits, spaces and a little punctuation, but no "." ":" "@": nothing a mail client links.
_PLAIN_CATEGORY = re.compile(r"[\w &/'’,()-]+")


@dataclass(frozen=True)
class PageFrame:
    """What every page shows around its content: the site's name and home page."""

    site_title: str
    home_url: str  # without a trailing slash


@cache
def stylesheet() -> str:
    return (resources.files("syndicate.subscriptions") / "templates" / "pages.css").read_text(encoding="utf-8")


def content_security_policy(form_targets: Iterable[str] = ()) -> str:
    """Nothing loads or runs but the inlined stylesheet; forms post to this API (and, through its
    redirect, to ``form_targets``: the origins a ``return_to`` may lead to); no page is framed."""
    digest = base64.b64encode(hashlib.sha256(stylesheet().encode("utf-8")).digest()).decode("ascii")
    targets = " ".join(["'self'", *sorted(set(form_targets))])
    return (
        f"default-src 'none'; style-src 'sha256-{digest}'; form-action {targets}; "
        "frame-ancestors 'none'; base-uri 'none'"
    )


def page(template: str, title: str, frame: PageFrame, **context: Any) -> str:
    env = email_environment("syndicate.subscriptions")
    return env.get_template(template).render(title=title, frame=frame, stylesheet=stylesheet(), **context)


def message_page(title: str, message: str, frame: PageFrame, hint: str | None = None) -> str:
    return page("message.html.j2", title, frame, message=message, hint=hint)


def shown_categories(categories: tuple[str, ...]) -> list[str]:
    """Categories as the confirmation email and page show them: as typed when plain words, as
    their slug otherwise. Whoever signs an address up types them, and what reaches that inbox
    must not carry their link or address."""
    return [name if _PLAIN_CATEGORY.fullmatch(name) else (category_slugs([name]) or ("",))[0] for name in categories]
