"""What an SES v2 refusal means for a send, and that its message never keeps an address."""

from __future__ import annotations

import pytest

from syndicate.adapters.ses import redact_addresses, refusal
from syndicate.mailing.ports import RecipientRejected, SendingRefused

SENDER = "digest@syndicate.example"


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("MessageRejected", "Email address is not verified. ... US-EAST-1: <recipient>"),
        ("MessageRejected", "Message contains a virus."),
        ("BadRequestException", "Illegal address"),
        ("BadRequestException", "Missing final '@domain'"),
    ],
)
def test_refusals_about_one_recipient_are_final_for_that_recipient(code, message):
    assert isinstance(refusal(code, message), RecipientRejected)


@pytest.mark.parametrize(
    "code",
    [
        "SendingPausedException",
        "AccountSuspendedException",
        "MailFromDomainNotVerifiedException",
        "NotFoundException",
        "LimitExceededException",
        "AccessDeniedException",
        "AccessDenied",
        "UnrecognizedClientException",
        "InternalFailure",
        "",
    ],
)
def test_refusals_about_the_account_or_unknown_ones_are_retried(code):
    assert isinstance(refusal(code, "whatever SES says"), SendingRefused)


def test_an_unverified_sender_is_the_accounts_problem_even_as_message_rejected():
    message = redact_addresses(f"Email address is not verified. ... US-EAST-1: {SENDER}, r@example.com", SENDER)

    assert message == "Email address is not verified. ... US-EAST-1: <sender>, <recipient>"
    assert isinstance(refusal("MessageRejected", message), SendingRefused)


@pytest.mark.parametrize(
    "text",
    [
        "identities failed the check in region US-EAST-1: Reader+tag@Example.com.",
        "failed: <a.b@c.example>, x_y@sub.example.org; and 'q@r.example'",
        "Address blacklisted: rené@exämple.com",
    ],
)
def test_every_address_in_an_ses_message_is_replaced(text):
    redacted = redact_addresses(text, SENDER)

    assert "@" not in redacted.replace("<sender>", "").replace("<recipient>", "")
    assert "<recipient>" in redacted
