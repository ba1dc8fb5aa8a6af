"""Only one render at a time: a lease taken with an S3 conditional write, which expires on its own."""

from __future__ import annotations

import json

import pytest

from syndicate import dependencies
from syndicate.adapters.clients import client
from tests.support import events
from tests.support.stack import invoke


@pytest.fixture
def render(stack, articles_api, monkeypatch):
    stack.use("RenderFeedsFunction", monkeypatch)
    from syndicate.handlers import render_feeds

    return lambda: invoke(render_feeds.handler, events.load("schedules/render-feeds.json"))


def metrics_emitted(output: str) -> dict[str, float]:
    """Every metric of the Embedded Metric Format lines printed, summed by name."""
    found: dict[str, float] = {}
    for line in output.splitlines():
        if '"_aws"' not in line:
            continue
        record = json.loads(line)
        for directive in record["_aws"]["CloudWatchMetrics"]:
            for metric in directive["Metrics"]:
                values = record[metric["Name"]]
                found[metric["Name"]] = found.get(metric["Name"], 0) + sum(
                    values if isinstance(values, list) else [values]
                )
    return found


def test_a_render_that_starts_while_another_runs_ends_cleanly_and_is_counted(render, articles_api, monkeypatch, capsys):
    articles_api("POST", "/articles", body=events.article("photo-of-the-day"))
    first = dependencies.feed_renderer()
    store = dependencies.article_store()
    overlapping: list[dict] = []
    list_categories = store.list_categories

    def meanwhile():
        # The next schedule fires in another container while this render runs.
        dependencies.feed_renderer.cache_clear()
        overlapping.append(render())
        return list_categories()

    monkeypatch.setattr(store, "list_categories", meanwhile)
    capsys.readouterr()
    report = first.render()

    assert overlapping == [{"skipped": True}]
    assert not report.skipped and report.written
    assert metrics_emitted(capsys.readouterr().out).get("FeedRenderSkipped") == 1
    monkeypatch.setattr(store, "list_categories", list_categories)
    assert "skipped" not in render()  # the lease was given back


def test_a_crashed_render_blocks_the_next_only_until_its_lease_expires(render, stack, clock):
    lease = {"holder": "a-render-that-crashed", "expires_at": "2025-12-17T10:03:00Z"}
    client("s3").put_object(Bucket=stack.name("SiteBucket"), Key="_render/lease.json", Body=json.dumps(lease).encode())
    clock.set("2025-12-17T10:02:00Z")
    assert render() == {"skipped": True}

    clock.set("2025-12-17T10:03:01Z")

    assert render()["feeds"] == 1


def test_each_render_that_completes_says_so_for_the_staleness_alarm(render, capsys):
    capsys.readouterr()
    render()
    render()

    emitted = metrics_emitted(capsys.readouterr().out)
    assert emitted["FeedRenderSucceeded"] == 2
    assert emitted["ArticlesSkipped"] == 0
    assert "FeedRenderSkipped" not in emitted


def test_of_two_containers_racing_for_a_free_lease_exactly_one_gets_it(stack, monkeypatch):
    from syndicate.adapters.site import LEASE_KEY, SiteBucket

    bucket = stack.name("SiteBucket")
    one, other = SiteBucket(bucket), SiteBucket(bucket)
    assert one.acquire("one", now="2025-12-17T10:00:00Z", expires_at="2025-12-17T10:03:00Z")
    one.release("one", now="2025-12-17T10:01:00Z")
    free = other._read_json(LEASE_KEY)  # both containers see the same free lease ...
    monkeypatch.setattr(other, "_read_json", lambda key: free)

    won = one.acquire("one-again", now="2025-12-17T10:02:00Z", expires_at="2025-12-17T10:05:00Z")
    lost = other.acquire("other", now="2025-12-17T10:02:00Z", expires_at="2025-12-17T10:05:00Z")

    assert (won, lost) == (True, False)  # ... and only the first conditional write on its ETag lands
    other.release("other", now="2025-12-17T10:02:00Z")  # not its lease: nothing changes
    assert not SiteBucket(bucket).acquire("third", now="2025-12-17T10:04:00Z", expires_at="2025-12-17T10:07:00Z")
