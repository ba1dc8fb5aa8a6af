"""The small HTML pages of the subscription links (Jinja2, autoescaped), and what they show."""

from __future__ import annotations

import re
from typing import Any

from syndicate.mailing.model import category_slugs
from syndicate.mailing.templates import email_environment

# Words, digits, spaces and a little punctuation, but no "." ":" "@": nothing a mail client links.
_PLAIN_CATEGORY = re.compile(r"[\w &/'’,()-]+")


def page(template: str, title: str, sender_name: str, **context: Any) -> str:
    env = email_environment("syndicate.subscriptions")
    return env.get_template(template).render(title=title, sender_name=sender_name, **context)


def message_page(title: str, message: str, sender_name: str, hint: str | None = None) -> str:
    return page("message.html.j2", title, sender_name, message=message, hint=hint)


def shown_categories(categories: tuple[str, ...]) -> list[str]:
    """Categories as the confirmation email and page show them: as typed when plain words, as
    their slug otherwise. Whoever signs an address up types them, and what reaches that inbox
    must not carry their link or address."""
    return [name if _PLAIN_CATEGORY.fullmatch(name) else (category_slugs([name]) or ("",))[0] for name in categories]
