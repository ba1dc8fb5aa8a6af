"""The Jinja2 environment of email bodies and subscription pages: HTML autoescaped, text not."""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape


@cache
def email_environment(package: str) -> Environment:
    """Templates of ``package``'s ``templates/`` folder; ``*.html.j2`` are autoescaped."""
    return Environment(
        loader=PackageLoader(package, "templates"),
        autoescape=select_autoescape(enabled_extensions=("html.j2",), default_for_string=True, default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
