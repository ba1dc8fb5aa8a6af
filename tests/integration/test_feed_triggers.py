"""Feeds fresh within seconds: a publish, an update or a retraction reaches the feeds through the
ArticlesTable stream and the render it triggers, with the template's own filter, batching and
partial-failure settings (delivered by the local stack's stream poller, on moto, with a clock the
test moves)."""

from __future__ import annotations

import json
from typing import Any, NamedTuple

import boto3
import pytest

from syndicate import dependencies
from syndicate.adapters.clients import client
from syndicate.adapters.site import SiteBucket
from syndicate_dev.local.runtime import FunctionFailed
from syndicate_dev.local.streams import StreamDelivery
from tests.support import events
from tests.support.api import ApiCaller

SITE_WIDE = "feeds/rss.xml"


class Ticks:
    """The stream poller's monotonic clock: seconds move only when the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class FreshFeeds:
    """The articles API, the stream, and RenderFeedsFunction wired as template.yaml wires them."""

    region = "us-east-1"

    def __init__(self, functions: Any, stack: Any, clock: Any) -> None:
        self.functions, self.stack, self.clock = functions, stack, clock
        self.ticks = Ticks()
        self.api = ApiCaller(functions.handler("ArticlesApiFunction"), publisher_id="pub_alice")
        self.renders: list[dict[str, Any]] = []
        self.batches: list[list[dict[str, Any]]] = []
        self.stream = StreamDelivery(
            stack.template,
            stack.resolver,
            self,
            boto3.client("dynamodbstreams"),
            boto3.client("sqs"),
            retry_delay=1,
            monotonic=self.ticks,
        )
        (self.source,) = self.stream.sources

    def invoke(self, function: str, event: dict[str, Any]) -> Any:
        """The local runtime's contract: the function's result, or FunctionFailed if it raised."""
        self.batches.append(event["Records"])
        try:
            result = self.functions.invoke(function, event)
        except Exception as error:
            raise FunctionFailed(function, error) from error
        self.renders.append(result)
        return result

    def publish(self, document: dict[str, Any]) -> Published:
        answer = self.api("POST", "/articles", body=document)
        assert answer.status == 201, answer.body
        return Published(str(answer.json["id"]), str(answer.json["public_id"]))

    def deliver(self) -> bool:
        """The poller reads what is new, then polls again once the batching window has passed;
        True if a batch went to the function."""
        read = self.stream.poll()
        self.ticks.now += self.source.window_seconds
        return self.stream.poll() or read

    def feed(self, key: str = SITE_WIDE) -> str:
        body = client("s3").get_object(Bucket=self.stack.name("SiteBucket"), Key=key)["Body"].read()
        return body.decode("utf-8")

    def site_keys(self) -> set[str]:
        listed = client("s3").list_objects_v2(Bucket=self.stack.name("SiteBucket"))
        return {item["Key"] for item in listed.get("Contents", [])}


class Published(NamedTuple):
    """An article as its publisher names it (``id``, in API paths) and as feeds do (``public_id``)."""

    id: str
    public_id: str

    @property
    def entry(self) -> str:
        return f"urn:syndicate:article:{self.public_id}"


@pytest.fixture
def fresh(functions, stack, clock) -> FreshFeeds:
    return FreshFeeds(functions, stack, clock)


def article(title: str, **changes: Any) -> dict[str, Any]:
    return {**events.article("ocean-heatwave-explainer"), "title": title, **changes}


def test_a_publish_reaches_the_feeds_through_the_render_it_triggers(fresh):
    article = fresh.publish(events.article("photo-of-the-day"))

    assert not fresh.stream.poll()  # within the batching window: nothing yet
    assert fresh.deliver()

    assert fresh.renders == [{**fresh.renders[0], "batchItemFailures": []}]
    assert article.entry in fresh.feed()
    assert article.entry in fresh.feed("feeds/categories/space-science-journalism/atom.xml")
    assert f"articles/{article.public_id}.html" in fresh.site_keys()


def test_an_update_reaches_the_feeds_through_the_render_it_triggers(fresh):
    published = fresh.publish(article("Marine heatwaves, in one table"))
    fresh.deliver()

    answer = fresh.api("PUT", f"/articles/{published.id}", body=article("Marine heatwaves, corrected"))
    assert answer.status == 200, answer.body
    assert fresh.deliver()

    assert "Marine heatwaves, corrected" in fresh.feed()
    assert "Marine heatwaves, in one table" not in fresh.feed()


def test_a_retraction_reaches_the_feeds_through_the_render_it_triggers(fresh):
    kept = fresh.publish(article("Kept"))
    retracted = fresh.publish(article("Retracted"))
    fresh.deliver()
    assert f"articles/{retracted.public_id}.html" in fresh.site_keys()

    assert fresh.api("DELETE", f"/articles/{retracted.id}").status == 204
    assert fresh.deliver()

    assert retracted.entry not in fresh.feed() and kept.entry in fresh.feed()
    assert f"articles/{retracted.public_id}.html" not in fresh.site_keys()
    assert fresh.batches[-1][0]["dynamodb"]["Keys"]["pk"]["S"] == "WITHDRAWALS"  # what the filter let through


def test_a_draft_or_a_scheduled_change_nobody_sees_triggers_no_render(fresh):
    draft = fresh.publish(article("Draft", status="draft"))
    fresh.api("PUT", f"/articles/{draft.id}", body=article("Draft, edited", status="draft"))

    assert not fresh.deliver()
    assert fresh.renders == []
    assert fresh.stream.stats["ArticleChanges"].filtered_out >= 2


def test_a_render_that_finds_the_lease_taken_gets_the_change_again_once_the_lease_is_free(fresh, stack):
    published = fresh.publish(article("Published while another render runs"))
    other = SiteBucket(stack.name("SiteBucket"))
    assert other.acquire("another-render", now="2025-12-17T10:00:00Z", expires_at="2025-12-17T10:02:00Z")

    assert fresh.deliver()
    first = fresh.batches[0][0]["dynamodb"]["SequenceNumber"]
    assert fresh.renders == [{"batchItemFailures": [{"itemIdentifier": first}]}]
    assert fresh.stream.waiting() == 1  # kept for the retry, not lost

    other.release("another-render", now="2025-12-17T10:00:00Z")  # the fixture clock's now
    fresh.ticks.now += 1  # the retry delay
    assert fresh.stream.poll()

    assert fresh.renders[-1]["batchItemFailures"] == []
    assert published.entry in fresh.feed()
    assert fresh.stream.waiting() == 0


def test_a_change_made_during_a_scheduled_render_is_rendered_after_it(fresh, stack, monkeypatch):
    # The schedule's render has read the site-wide feed when the article is published; the render
    # the stream triggers meanwhile finds the lease taken. Once the schedule's render is over, the
    # stream delivers the change again and it is rendered.
    fresh.publish(article("Before"))
    fresh.deliver()
    fresh.functions.activate("RenderFeedsFunction")
    scheduled = dependencies.feed_renderer()
    store = dependencies.article_store()
    queried = store.public_range
    during: list[Published] = []

    def query_then_publish(**arguments: Any) -> Any:
        found = queried(**arguments)
        if not during:
            during.append(fresh.publish(article("During")))
            fresh.deliver()  # the triggered render runs now, while the scheduled one holds the lease
        return found

    monkeypatch.setattr(store, "public_range", query_then_publish)
    scheduled.render()
    assert fresh.renders[-1]["batchItemFailures"]  # it found the lease taken
    assert during[0].entry not in fresh.feed()  # the scheduled render had read the feed before

    fresh.ticks.now += 1
    assert fresh.stream.poll()

    assert fresh.renders[-1]["batchItemFailures"] == []
    assert during[0].entry in fresh.feed()


def test_a_burst_of_publishes_causes_few_renders_and_every_article_is_in_the_feed(fresh, clock):
    published = []
    for number in range(30):  # one publish every 100 ms for 3 s; the poller reads 10 times a second
        published.append(fresh.publish(article(f"Burst {number}", published_at=f"2025-12-17T09:{number:02d}:00Z")))
        fresh.ticks.now += 0.1
        fresh.stream.poll()
    while fresh.stream.waiting():
        fresh.deliver()

    assert len(fresh.renders) <= 4  # about one per batching window, not one per publish
    assert sum(len(batch) for batch in fresh.batches) == 30
    feed = fresh.feed()
    assert all(article.entry in feed for article in published)


def test_the_recorded_stream_batch_renders_and_reports_no_failure(functions):
    answer = functions.invoke("RenderFeedsFunction", events.load("streams/article-changes.json"))

    assert answer["batchItemFailures"] == []
    assert answer["feeds"] >= 1


def test_the_recorded_stream_batch_is_reported_failed_from_its_first_record_when_the_lease_is_taken(functions, stack):
    other = SiteBucket(stack.name("SiteBucket"))
    assert other.acquire("another-render", now="2025-12-17T10:00:00Z", expires_at="2025-12-17T10:02:00Z")
    batch = events.load("streams/article-changes.json")

    answer = functions.invoke("RenderFeedsFunction", batch)

    assert answer == {"batchItemFailures": [{"itemIdentifier": batch["Records"][0]["dynamodb"]["SequenceNumber"]}]}


def test_the_schedule_still_renders_and_a_skipped_scheduled_render_just_ends(functions, stack):
    schedule = events.load("schedules/render-feeds.json")
    assert "batchItemFailures" not in functions.invoke("RenderFeedsFunction", schedule)

    other = SiteBucket(stack.name("SiteBucket"))
    assert other.acquire("another-render", now="2025-12-17T10:00:00Z", expires_at="2025-12-17T10:02:00Z")
    assert functions.invoke("RenderFeedsFunction", schedule) == {"skipped": True}


def test_changes_the_render_keeps_failing_on_go_to_the_dead_letter_queue_after_ten_minutes(fresh, stack):
    fresh.publish(article("Never rendered"))
    other = SiteBucket(stack.name("SiteBucket"))
    assert other.acquire("stuck", now="2025-12-17T10:00:00Z", expires_at="2025-12-17T11:00:00Z")

    fresh.deliver()
    while fresh.stream.waiting():
        fresh.ticks.now += 30
        fresh.stream.poll()

    assert fresh.ticks.now - 1000 >= fresh.source.max_record_age
    queue = stack.name("RenderFeedsDeadLetterQueue")
    (message,) = client("sqs").receive_message(QueueUrl=queue).get("Messages", [])
    assert json.loads(message["Body"])["requestContext"]["condition"] == "RecordAgeExceeded"
