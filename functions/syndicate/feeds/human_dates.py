"""Dates for people, in the article's language: "17 December 2025", "17. Dezember 2025", "2025年12月17日".

Babel formats them from the Unicode CLDR data, the same data browsers and operating systems use:
month names, word order and punctuation for several hundred locales, which no hand-written table
would get right. It is imported on first use, so only a render that writes a page pays for it.

The stored moment is UTC (``syndicate.clock.isoformat``); the date shown is the UTC date, and
the exact instant is in the page's ``<time datetime>``. A language Babel does not know (or a tag
that is not one) falls back to English, so a page is always written.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from babel import Locale

FALLBACK = "en"


@lru_cache(maxsize=256)
def _locale(language: str | None) -> Locale:
    from babel import Locale, UnknownLocaleError

    if language:
        try:
            return Locale.parse(language, sep="-")
        except (UnknownLocaleError, ValueError, TypeError):
            pass
    return Locale.parse(FALLBACK)


def human_date(moment: str, language: str | None) -> str:
    """``moment`` (ISO 8601, UTC) as a long date in ``language`` (a BCP 47 tag), e.g. "17 December 2025"."""
    from babel.dates import format_date

    day = datetime.fromisoformat(moment.replace("Z", "+00:00")).astimezone(UTC).date()
    return str(format_date(day, format="long", locale=_locale(language)))


def same_day(first: str, second: str) -> bool:
    return first[:10] == second[:10]
