"""The size check any email built from a MessageTemplate can use (digests, confirmations, welcomes)."""

from __future__ import annotations

from datetime import UTC, datetime

from syndicate.mailing.message import MessageTemplate, Personal, SenderProfile
from syndicate.mailing.size import CLIP_BYTES, LONGEST_ADDRESS, fits_unclipped, largest_size

SENDER = SenderProfile("digest@syndicate.example", "Syndicate", "Syndicate digest <digest.syndicate.example>")
READER = Personal(
    "reader@example.com",
    "edition.sub_1@syndicate.example",
    "https://api.example/dev/subscriptions/unsubscribe?token=abc.def",
    "https://api.example/dev/subscriptions/preferences?token=p.q",
)


def template(text: str) -> MessageTemplate:
    return MessageTemplate(SENDER, "Hello", (text,), None, datetime(2025, 12, 18, 7, tzinfo=UTC))


def test_the_longest_address_is_as_long_as_the_subscription_contract_allows():
    assert len(LONGEST_ADDRESS) == 254


def test_the_largest_size_is_the_message_for_the_longest_address():
    message = template("Welcome aboard.")

    largest = largest_size(message, READER)

    assert largest == len(message.personalise(READER)) + len(LONGEST_ADDRESS) - len(READER.to)


def test_a_message_fits_up_to_the_clipping_size_and_not_a_byte_more():
    assert fits_unclipped(CLIP_BYTES) and not fits_unclipped(CLIP_BYTES + 1)
    body = "x" * 70 + "\n"
    short, long = template(body * 100), template(body * 1500)
    assert fits_unclipped(largest_size(short, READER))
    assert not fits_unclipped(largest_size(long, READER))
