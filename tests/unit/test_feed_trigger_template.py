"""What template.yaml lets through from the ArticlesTable stream to RenderFeedsFunction: changes that
show in feeds, and nothing else."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from moto.events.models import EventPattern

from syndicate_dev import template as tpl
from syndicate_dev.local.streams import StreamSource, stream_sources
from tests.support import events


@pytest.fixture(scope="module")
def source() -> StreamSource:
    (found,) = [each for each in stream_sources(tpl.load()) if each.function == "RenderFeedsFunction"]
    return found


def passes(source: StreamSource, record: dict[str, Any]) -> bool:
    return any(EventPattern.load(pattern).matches_event(record) for pattern in source.patterns)  # type: ignore[arg-type]


def recorded(index: int) -> dict[str, Any]:
    return copy.deepcopy(events.load("streams/article-changes.json")["Records"][index])


def test_the_render_reads_the_articles_stream_one_batch_at_most_a_second_late(source):
    assert source.table == "ArticlesTable"
    assert source.window_seconds <= 1
    assert source.report_batch_item_failures  # a render that finds the lease taken gets its batch again
    assert source.on_failure == "RenderFeedsDeadLetterQueue"
    assert 0 < source.max_record_age <= 900  # given up on only once the schedule has rendered them
    stream = tpl.resources(tpl.load(), "AWS::DynamoDB::Table")["ArticlesTable"]["StreamSpecification"]
    assert stream["StreamViewType"] in ("NEW_IMAGE", "NEW_AND_OLD_IMAGES")  # the filter reads NewImage


def test_a_published_article_and_a_logged_withdrawal_pass_the_filter(source):
    assert passes(source, recorded(0))
    assert passes(source, recorded(1))


def test_an_update_of_a_public_article_passes_the_filter(source):
    update = recorded(0)
    update["eventName"] = "MODIFY"

    assert passes(source, update)


@pytest.mark.parametrize(
    "change",
    ["draft", "retracted item", "category directory entry", "withdrawal log item removed"],
)
def test_changes_no_feed_shows_do_not_pass_the_filter(source, change):
    record = recorded(0)
    if change == "draft":
        del record["dynamodb"]["NewImage"]["timeline"]
        record["dynamodb"]["NewImage"]["status"] = {"S": "draft"}
    elif change == "retracted item":  # its withdrawal, logged by the same write, triggers the render
        record["eventName"] = "MODIFY"
        del record["dynamodb"]["NewImage"]["timeline"]
    elif change == "category directory entry":
        record["dynamodb"]["Keys"] = {"pk": {"S": "CATEGORIES"}, "sk": {"S": "climate"}}
        record["dynamodb"]["NewImage"] = {**record["dynamodb"]["Keys"], "name": {"S": "Climate"}}
    else:
        record = recorded(1)
        record["eventName"] = "REMOVE"
        del record["dynamodb"]["NewImage"]

    assert not passes(source, record)
