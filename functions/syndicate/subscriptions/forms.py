"""The subscribe form: what a posted form asks for, and what the hosted form shows.

The form posts ``email``, ``cadence``, ``categories`` (one value per category), the honeypot
``website``, and optionally ``form_stamp`` and ``return_to`` (both hidden). The hosted page
(``GET /subscriptions/new``) and the form shown again after a mistake carry a fresh ``page``
stamp (``syndicate.subscriptions.stamps``) and offer the categories of the article directory.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from syndicate.clock import Clock
from syndicate.errors import Violation
from syndicate.mailing.model import CADENCES, DAILY, category_slugs
from syndicate.subscriptions.pages import shown_categories
from syndicate.subscriptions.ports import PublicArticles
from syndicate.subscriptions.stamps import PAGE, FormStamps
from syndicate.theme import CategoryChoice, FieldError, SubscribeForm

SIGN_UP_FIELDS = ("email", "cadence", "website", "form_stamp")
MAX_CHOICES = 60  # categories offered on the hosted form (the contract takes 20 at most)
LABELS = {"email": "Email address", "cadence": "How often", "categories": "Categories"}


def sign_up_document(fields: Mapping[str, Sequence[str]]) -> dict[str, Any]:
    """A posted form as the sign-up document the contract checks: empty fields count as absent,
    repeated categories are one list (each once), and fields of other names are left out."""
    document: dict[str, Any] = {}
    for name in SIGN_UP_FIELDS:
        values = [value.strip() for value in fields.get(name, ()) if value.strip()]
        if values:
            document[name] = values[-1]
    categories = [value.strip() for value in fields.get("categories", ()) if value.strip()]
    if categories:
        document["categories"] = list(dict.fromkeys(categories))
    return document


def field_errors(violations: Sequence[Violation]) -> tuple[FieldError, ...]:
    """The contract's violations in a person's words, one per field and message."""
    found: dict[tuple[str, str], FieldError] = {}
    for violation in violations:
        field = violation.pointer.split("/")[1] if violation.pointer.count("/") else "form"
        if field not in LABELS:
            field, message = "form", "Something in the form is not right; please send it again."
        else:
            message = f"{LABELS[field]} {violation.message}."
        found.setdefault((field, message), FieldError(field, message))
    return tuple(found.values())


class SignUpForms:
    """The hosted subscribe form (the theme's partial), posting to ``action`` (``{API_URL}/subscriptions``)."""

    def __init__(self, articles: PublicArticles, stamps: FormStamps, clock: Clock, action: str) -> None:
        self._articles = articles
        self._stamps = stamps
        self._clock = clock
        self._action = action

    def blank(self, categories: Sequence[str], cadence: str | None, return_to: str | None) -> SubscribeForm:
        """The hosted form; ``categories`` of the directory are ticked (others are ignored)."""
        return SubscribeForm(
            action=self._action,
            categories=self._choices(set(category_slugs(list(categories))), ()),
            cadence=cadence if cadence in CADENCES else DAILY,
            return_to=return_to,
            form_stamp=self._stamps.issue(PAGE, self._clock()),
        )

    def again(
        self, document: Mapping[str, Any], violations: Sequence[Violation], return_to: str | None
    ) -> SubscribeForm:
        """The form as it was sent, with what is wrong, and a fresh stamp (the reader is on our page now)."""
        sent = [name for name in document.get("categories", []) if isinstance(name, str)]
        cadence = document.get("cadence")
        email = document.get("email")
        return SubscribeForm(
            action=self._action,
            # What was sent stays ticked, shown as the confirmation email would show it.
            categories=self._choices(set(category_slugs(sent)), tuple(shown_categories(tuple(sent)))),
            cadence=cadence if cadence in CADENCES else DAILY,
            return_to=return_to,
            form_stamp=self._stamps.issue(PAGE, self._clock()),
            email=email if isinstance(email, str) else "",
            errors=field_errors(violations),
        )

    def _choices(self, ticked: set[str], sent: tuple[str, ...]) -> tuple[CategoryChoice, ...]:
        choices = {slug: CategoryChoice(name, slug, slug in ticked) for slug, name in self._articles.list_categories()}
        for name in sent:  # categories with no article yet (a pasted form may name one)
            slug = (category_slugs([name]) or ("",))[0]
            if slug and slug not in choices:
                choices[slug] = CategoryChoice(name, slug, True)
        ordered = sorted(choices.values(), key=lambda choice: (not choice.checked, choice.name.casefold()))
        return tuple(ordered[:MAX_CHOICES])
