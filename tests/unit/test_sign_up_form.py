"""A posted subscribe form read as the sign-up document the contract checks, and its problems
put in a person's words."""

from __future__ import annotations

from syndicate.errors import Violation
from syndicate.subscriptions.forms import field_errors, sign_up_document
from syndicate.theme import FieldError


def test_empty_fields_are_absent_categories_are_a_list_each_once_and_other_fields_are_ignored():
    fields = {
        "email": [" reader@example.com "],
        "cadence": [""],
        "categories": ["Climate", " ", "Data", "Climate"],
        "website": [""],
        "subscribe": ["Subscribe"],  # a named submit button
        "return_to": ["https://blog.example.com/"],
    }

    assert sign_up_document(fields) == {"email": "reader@example.com", "categories": ["Climate", "Data"]}


def test_a_field_sent_twice_counts_once_as_its_last_value():
    assert sign_up_document({"cadence": ["daily", "weekly"]}) == {"cadence": "weekly"}


def test_problems_name_the_field_a_person_sees_and_a_bots_fields_say_nothing_of_themselves():
    found = field_errors(
        [
            Violation("/email", "must be a valid email address"),
            Violation("/categories/3", "must be at most 100 characters long"),
            Violation("/website", "must be at most 2048 characters long"),
            Violation("/form_stamp", "must be at most 64 characters long"),
        ]
    )

    assert found == (
        FieldError("email", "Email address must be a valid email address."),
        FieldError("categories", "Categories must be at most 100 characters long."),
        FieldError("form", "Something in the form is not right; please send it again."),
    )
