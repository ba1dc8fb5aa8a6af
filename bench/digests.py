"""Digest delivery for 10,000 recipients: renders, cost per recipient, AWS requests per recipient.

``main(quick=True)`` runs the same code on 60 recipients (CI runs it so the benchmark cannot
rot); its figures mean nothing.

Runs the real DigestScheduler and DigestDelivery on moto (in process). Prints:

* template renders against the number of editions (must be equal, whatever the recipients);
* time to build one recipient's final message, as a RATIO against building a bare
  ``email.message.EmailMessage`` of the same size with the same parts, measured in the same run;
* AWS requests per recipient on the sending side (target: <= 2 plus a per-batch constant).

SES's ``GetAccount`` (the reputation guard and pacing read it) is answered by
``syndicate_dev.moto_gaps``, as moto does not implement it; the senders' pacing is measured
by the tests, not here: the benchmark's pacer never sleeps.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from typing import Any

from bench._support import offline_aws_environment

RECIPIENTS = 10_000
CATEGORY_SETS = [(), ("Space/science journalism",), ("Climate",), ("Climate", "Data")]


class CountingClients:
    """Counts every AWS request the code makes, by service and operation."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}

    def __call__(self, event_name: str, **kwargs) -> None:
        operation = event_name.split(".", 2)[-1]
        self.counts[operation] = self.counts.get(operation, 0) + 1

    def total(self) -> int:
        return sum(self.counts.values())


def main(quick: bool = False) -> None:
    offline_aws_environment()
    from moto import mock_aws

    from syndicate_dev import moto_gaps

    with mock_aws():
        moto_gaps.ses.reset()
        moto_gaps.ses.install()
        try:
            _run(recipients=60 if quick else RECIPIENTS, articles=3 if quick else 12)
        finally:
            moto_gaps.ses.uninstall()


def _drain(sqs: Any, queue_url: str) -> list[dict[str, Any]]:
    """Every message body on the queue, as JSON."""
    import json

    bodies: list[dict[str, Any]] = []
    while True:
        messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages", [])
        if not messages:
            return bodies
        bodies.extend(json.loads(message["Body"]) for message in messages)


def _run(recipients: int, articles: int) -> None:

    from syndicate.adapters import clients
    from syndicate.adapters.articles import ArticleStore
    from syndicate.adapters.delivery_records import DeliveryRecordStore
    from syndicate.adapters.editions import EditionStore
    from syndicate.adapters.queues import QueueWriter
    from syndicate.adapters.ses import Backoff, SesAccount, SesTransport
    from syndicate.adapters.subscribers import DeliveryLedger, SubscriberStore
    from syndicate.articles.model import Article
    from syndicate.digests.delivery import DigestBatch, DigestDelivery, DigestMessages
    from syndicate.digests.guard import ReputationGuard
    from syndicate.digests.pacing import Pacer
    from syndicate.digests.rendering import EditionRenderer
    from syndicate.digests.schedule import DigestScheduler
    from syndicate.mailing.links import SubscriptionLinks
    from syndicate.mailing.message import SenderProfile
    from syndicate.mailing.model import SUBSCRIBED, Subscriber, subscriber_id
    from syndicate.mailing.tokens import TokenSigner
    from syndicate_dev import template as tpl
    from syndicate_dev.provision import create_resources

    clients.forget_clients()
    resolver = create_resources(tpl.load(), prefix="bench")
    names = resolver.names
    now = datetime(2025, 12, 18, 7, tzinfo=UTC)

    def clock() -> datetime:
        return now

    secret = b"bench-secret-bench-secret-bench-secret"

    # Articles: a day's worth in a few categories.
    store_of_articles = ArticleStore(names["ArticlesTable"], names["ArticleBucket"])
    for n in range(articles):
        categories = (
            ("Space/science journalism",) if n % 3 == 0 else ("Climate", "Data") if n % 3 == 1 else ("Climate",)
        )
        stamp = f"2025-12-17T{8 + n:02d}:00:00Z"
        store_of_articles.save(
            Article(
                id=f"{n:032x}",
                publisher_id="pub_bench",
                version=1,
                status="published",
                title=f"Article number {n} of the day",
                categories=categories,
                published_at=stamp,
                created_at=stamp,
                updated_at=stamp,
                content_hash="0" * 64,
                extras={
                    "summary": "A one-paragraph summary of the article, long enough to look real. " * 3,
                    "image": {"url": f"https://images.example/{n}.jpg", "alt": "A picture"},
                    "canonical_url": f"https://news.example/articles/{n}",
                },
                body_markdown="Body.",
                body_html="<p>Body.</p>",
            ),
            None,
        )

    # Subscribers, written straight into the table (the sign-up path is not what is measured).
    store = SubscriberStore(names["SubscribersTable"])
    dynamodb = clients.client("dynamodb")
    from syndicate.adapters.dynamodb import marshal
    from syndicate.adapters.subscribers import _item_from_subscriber

    for start in range(0, recipients, 25):
        requests = []
        for n in range(start, min(start + 25, recipients)):
            email = f"reader{n}@example.com"
            subscriber = Subscriber(
                id=subscriber_id(secret, email),
                email=email,
                status=SUBSCRIBED,
                cadence="daily",
                categories=CATEGORY_SETS[n % len(CATEGORY_SETS)],
                created_at="2025-12-01T00:00:00Z",
                updated_at="2025-12-01T00:00:00Z",
                confirmed_at="2025-12-01T00:00:00Z",
                since="2025-12-01T00:00:00Z",
            )
            requests.append({"PutRequest": {"Item": marshal(_item_from_subscriber(subscriber))}})
        dynamodb.batch_write_item(RequestItems={names["SubscribersTable"]: requests})

    counter = CountingClients()
    for service in ("dynamodb", "s3", "sqs", "sesv2"):
        clients.client(service).meta.events.register("before-call.*.*", counter)
    clients.client("sesv2", max_attempts=1).meta.events.register("before-call.*.*", counter)

    # Schedule: plan, render once per edition, queue.
    renderer = EditionRenderer("https://site.example", "Syndicate")
    records = DeliveryRecordStore(names["SubscribersTable"])
    account = SesAccount()
    guard = ReputationGuard(account, records, clock)
    scheduler = DigestScheduler(
        store,
        store_of_articles,
        renderer,
        EditionStore(names["DigestBucket"]),
        QueueWriter(names["DigestQueue"]),
        guard,
        records,
        clock,
    )
    started = time.perf_counter()
    report = scheduler.run("daily", now)
    schedule_seconds = time.perf_counter() - started
    schedule_requests = counter.total()

    # Send: every queued batch through the real sender.
    messages = DigestMessages(
        EditionStore(names["DigestBucket"]),
        TokenSigner(secret, clock),
        SubscriptionLinks("https://api.example/dev"),
        SenderProfile("digest@syndicate.example", "Syndicate", "Syndicate digest <digest.syndicate.example>"),
        clock,
    )
    sender = DigestDelivery(
        store,
        DeliveryLedger(names["DeliveryLedgerTable"]),
        SesTransport(names["DigestConfigurationSet"], backoff=Backoff(attempts=1)),
        messages,
        guard,
        records,
        records,
        Pacer(account, 1, time.monotonic, lambda seconds: None),
        clock,
    )
    batches = [DigestBatch.from_body(body) for body in _drain(clients.client("sqs"), names["DigestQueue"])]
    before_send = dict(counter.counts)
    sent = 0
    for batch in batches:
        sent += sender.deliver(batch).sent
    send_counts = {op: counter.counts.get(op, 0) - before_send.get(op, 0) for op in counter.counts}
    send_requests = sum(send_counts.values())

    # Message building: ours per recipient vs a bare EmailMessage of the same size and parts.
    sample = batches[0]
    edition_of = {i: b.edition_id for b in batches for i in b.subscriber_ids}
    readers = list(store.get_many(list(edition_of)[:2000]).values())
    messages.template(sample.edition_id)
    started = time.perf_counter()
    sizes = 0
    for reader in readers:
        sizes += len(messages.message(edition_of[reader.id], reader))
    ours = (time.perf_counter() - started) / len(readers)

    from syndicate.digests.rendering import RenderedEdition

    rendered = RenderedEdition.from_document(EditionStore(names["DigestBucket"]).get(sample.edition_id))
    links = {"unsubscribe_url": "https://api.example/dev/subscriptions/unsubscribe?token=t", "preferences_url": "p"}
    text = "".join(p if isinstance(p, str) else links[p.value] for p in rendered.text)
    html = "".join(p if isinstance(p, str) else links[p.value] for p in rendered.html)
    started = time.perf_counter()
    for reader in readers:
        bare = EmailMessage(policy=policy.SMTP)
        bare["From"] = "Syndicate <digest@syndicate.example>"
        bare["To"] = reader.email
        bare["Subject"] = rendered.subject
        bare.set_content(text, cte="quoted-printable")
        bare.add_alternative(html, subtype="html", cte="quoted-printable")
        bare.as_bytes()
    baseline = (time.perf_counter() - started) / len(readers)

    per_batch = len(batches)
    print(f"recipients                     {report.recipients:>8}")
    print(f"editions (cadence x categories){report.editions:>8}")
    print(f"template renders               {renderer.renders:>8}   (= editions: {renderer.renders == report.editions})")
    print(f"queued batches (SQS messages)  {report.batches:>8}")
    print(f"messages sent                  {sent:>8}")
    per_recipient_scheduled = schedule_requests / report.recipients
    print(
        f"schedule: AWS requests         {schedule_requests:>8}   ({per_recipient_scheduled:.3f} per recipient), "
        f"{schedule_seconds:.1f} s on moto"
    )
    print(f"send: AWS requests             {send_requests:>8}   {dict(sorted(send_counts.items()))}")
    per_recipient = (send_counts.get("PutItem", 0) + send_counts.get("SendEmail", 0)) / sent
    constant = (send_requests - send_counts.get("PutItem", 0) - send_counts.get("SendEmail", 0)) / per_batch
    print(
        f"send: requests per recipient   {per_recipient:>8.2f}   "
        f"+ {constant:.2f} per batch of {report.recipients // per_batch}"
        f"  (overall {send_requests / sent:.3f} per recipient)"
    )
    print(
        f"build one message: ours / bare email.message   {ours / baseline:.2f}x"
        f"   ({ours * 1e6:.0f} us vs {baseline * 1e6:.0f} us; avg message {sizes // len(readers)} bytes)"
    )


if __name__ == "__main__":
    main()
