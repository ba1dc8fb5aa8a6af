"""A queued digest batch names subscribers by id: the queue never holds an address."""

from __future__ import annotations

import json

from syndicate.digests.delivery import DigestBatch
from tests.support import events


def test_a_batch_round_trips_through_its_queue_body_without_any_address():
    batch = DigestBatch("daily-2025-12-18-abc", "daily", ("sub_1", "sub_2"))

    body = batch.as_body()

    assert DigestBatch.from_body(json.loads(json.dumps(body))) == batch
    assert "@" not in json.dumps(body)


def test_a_body_naming_recipients_with_their_addresses_is_read_for_the_ids():
    body = {"edition": "e", "cadence": "weekly", "recipients": [{"id": "sub_1", "email": "a@example.com"}]}

    assert DigestBatch.from_body(body) == DigestBatch("e", "weekly", ("sub_1",))


def test_the_sample_sqs_event_is_a_batch_body():
    [record] = events.load("sqs/digest-batch.json")["Records"]

    assert DigestBatch.from_body(json.loads(record["body"])).subscriber_ids == ("sub_0123456789abcdef0123456789abcdef",)
