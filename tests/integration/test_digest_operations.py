"""What an operator reads and does about digests, on moto: the report adds up, a redrive is safe."""

from __future__ import annotations

import json
from collections import Counter

from syndicate.adapters.clients import client
from syndicate_dev.delivery import adds_up
from tests.support import events
from tests.support.digests import SesFaults

SPACE = events.article("photo-of-the-day")
SANDBOX = "Email address is not verified. The following identities failed the check in region US-EAST-1: x@example.com"
RUN = "2025-12-18T07:00:00Z"


def readers_and_an_article(world, clock, count=6):
    readers = world.readers(count)
    clock.set("2025-12-17T10:00:00Z")
    world.publish(SPACE)
    world.outbox.clear()
    clock.set(RUN)
    return readers


def unsubscribe(world, clock, address):
    from syndicate import dependencies
    from syndicate.clock import isoformat
    from syndicate.mailing.model import subscriber_id

    world.functions.activate("SubscriptionsApiFunction")
    reader = subscriber_id(dependencies.token_secret(), address)
    assert dependencies.subscriber_store().unsubscribe(reader, isoformat(clock()))


def edition(world) -> dict:
    [found] = world.report()["editions"]
    assert adds_up(found), found
    return found


def counts(found: dict) -> dict:
    names = ("recipients", "sent", "already_sent", "rejected", "skipped", "pending", "paused", "bounced", "complained")
    return {name: found[name] for name in names}


def test_the_reports_counts_add_up_to_the_recipients_queued_at_every_step(world, clock, monkeypatch):
    readers = readers_and_an_article(world, clock)
    SesFaults(refuse={2: ("MessageRejected", SANDBOX, 400)}).install(monkeypatch)
    world.run_schedule("daily", at=RUN)
    queued = edition(world)
    unsubscribe(world, clock, readers[5])

    world.deliver()
    delivered = edition(world)
    sent = list(world.outbox.recipients())
    world.feedback("bounce", sent[0], delivered["edition_id"], "2025-12-18T07:00:01.000Z")
    world.feedback("complaint", sent[1], delivered["edition_id"], "2025-12-18T07:00:01.000Z")
    world.run_schedule("daily", at=RUN)  # retried after 3 readers left (unsubscribed, bounced, complained)
    world.deliver()
    finished = edition(world)

    assert counts(queued) == dict.fromkeys(counts(queued), 0) | {"recipients": 6, "pending": 6}
    assert counts(delivered) == counts(queued) | {"sent": 4, "rejected": 1, "skipped": 1, "pending": 0}
    assert len(sent) == 4
    # The retry queued a batch of the 3 readers left, each of whom had it from the first batch.
    assert counts(finished) == counts(delivered) | {"recipients": 9, "already_sent": 3, "bounced": 1, "complained": 1}
    assert Counter(world.outbox.recipients()) == Counter(sent)  # and nobody got a second copy


def test_a_duplicate_message_and_a_retry_after_a_crash_count_nobody_twice(world, clock, monkeypatch):
    readers_and_an_article(world, clock, count=5)
    SesFaults(crash_after={3}).install(monkeypatch)
    world.run_schedule("daily", at=RUN)
    [message] = world.queued()
    client("sqs").send_message(QueueUrl=world.stack.name("DigestQueue"), MessageBody=message["Body"])

    world.deliver()

    found = edition(world)
    assert len(world.outbox.recipients()) == 5
    # The crashed recipient's claim stands: counted sent (at most once), never pending for ever.
    assert counts(found) | {"already_sent": 0} == {
        "recipients": 5,
        "sent": 5,
        "already_sent": 0,
        "rejected": 0,
        "skipped": 0,
        "pending": 0,
        "paused": 0,
        "bounced": 0,
        "complained": 0,
    }


def test_redrive_sends_a_dead_lettered_edition_only_to_the_readers_who_missed_it(world, clock, monkeypatch):
    readers = readers_and_an_article(world, clock, count=5)
    receives = int(world.stack.template["Resources"]["DigestQueue"]["Properties"]["RedrivePolicy"]["maxReceiveCount"])
    refused = ("AccessDeniedException", "User is not authorized to perform ses:SendEmail", 400)
    # The third reader's send is refused on every receive until SQS dead-letters the batch.
    faults = SesFaults(refuse={n: refused for n in range(3, 3 + receives)}).install(monkeypatch)
    world.run_schedule("daily", at=RUN)
    world.deliver(rounds=receives + 1)
    dead = world.queued("DigestDeadLetterQueue")
    before = edition(world)

    faults.refuse.clear()  # the operator fixed the permission
    status, printed = world.syndicate("digests", "redrive")
    world.deliver()

    assert len(dead) == 1 and json.loads(dead[0]["Body"])["edition"] == before["edition_id"]
    assert before["sent"] == 2 and before["pending"] == 3
    assert status == 0 and "1 batches moved" in printed
    assert world.queued("DigestDeadLetterQueue") == []
    assert Counter(world.outbox.recipients()) == Counter(readers)  # readers 1 and 2 once, the rest once
    assert counts(edition(world)) == counts(before) | {"sent": 5, "pending": 0}


def test_the_report_prints_one_line_per_edition_for_people(world, clock):
    readers_and_an_article(world, clock, count=2)
    world.digest("daily", at=RUN)

    status, printed = world.syndicate("digests", "report")

    lines = printed.splitlines()
    assert status == 0 and lines[0] == "Sending: active"
    [row] = [line for line in lines if line.startswith("daily-2025-12-18-")]
    assert row.split()[1:] == ["2", "2", "0", "0", "0", "0", "0", "0", "0"]
