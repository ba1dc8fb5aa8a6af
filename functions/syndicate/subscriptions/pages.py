"""The small HTML pages of the subscription links (Jinja2, autoescaped)."""

from __future__ import annotations

from typing import Any

from syndicate.mailing.templates import email_environment


def page(template: str, title: str, sender_name: str, **context: Any) -> str:
    env = email_environment("syndicate.subscriptions")
    return env.get_template(template).render(title=title, sender_name=sender_name, **context)


def message_page(title: str, message: str, sender_name: str, hint: str | None = None) -> str:
    return page("message.html.j2", title, sender_name, message=message, hint=hint)
