"""Two local stacks side by side in one process, on one moto server: a `dev` and a `prod` of
the same template, each with its own names, publishers, schedules, queues, outbox and console
(the local proxy for deploying a second stage beside the first)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import boto3
import feedparser
import pytest

from syndicate_dev import template as tpl
from syndicate_dev.local.environment import PROCESS, PROCESS_LOCK
from syndicate_dev.local.stack import LocalStack
from syndicate_dev.local.terminal import Terminal
from tests.e2e import flows
from tests.support import events
from tests.support.local_stack import LocalStackClient

SECOND = "syndicate-second"


def client(stack: LocalStack) -> LocalStackClient:
    assert stack.api_key is not None
    return LocalStackClient(stack.base_url, stack.api_url, stack.api_key, stack.description())


@pytest.fixture(scope="module")
def stacks() -> Iterator[tuple[LocalStack, LocalStack]]:
    first = LocalStack("127.0.0.1", 0, run_schedules=False, terminal=Terminal.silent())
    with first:
        second = LocalStack(
            "127.0.0.1",
            0,
            stack_name=SECOND,
            stage="prod",
            moto_url=first.moto_url,
            run_schedules=False,
            terminal=Terminal.silent(),
        )
        with second:
            yield first, second


@pytest.fixture(scope="module")
def dev(stacks) -> LocalStackClient:
    return client(stacks[0])


@pytest.fixture(scope="module")
def prod(stacks) -> LocalStackClient:
    return client(stacks[1])


def test_both_stacks_share_one_moto_server_with_every_resource_named_for_its_stack(dev, prod):
    moto = dev.description["moto_url"]
    tables = boto3.client(
        "dynamodb", endpoint_url=moto, region_name="us-east-1", aws_access_key_id="t", aws_secret_access_key="t"
    ).list_tables()["TableNames"]

    assert prod.description["moto_url"] == moto
    for logical_id in tpl.resources(tpl.load(), "AWS::DynamoDB::Table"):
        assert dev.description["names"][logical_id] == f"syndicate-local-{logical_id}"
        assert prod.description["names"][logical_id] == f"{SECOND}-{logical_id}"
        assert {f"syndicate-local-{logical_id}", f"{SECOND}-{logical_id}"} <= set(tables)


def test_the_second_stack_serves_the_stage_it_was_given(dev, prod):
    assert (dev.description["stage"], prod.description["stage"]) == ("dev", "prod")
    assert prod.api_url.endswith("/prod")
    assert prod.call("GET", "/articles").status == 200


def test_each_stacks_schedules_and_queues_are_its_own(dev, prod):
    dev_arns = {schedule["arn"] for schedule in dev.description["schedules"]}
    prod_arns = {schedule["arn"] for schedule in prod.description["schedules"]}
    dev_queues = {dev.description["names"][source["queue"]] for source in dev.description["queue_sources"]}
    prod_queues = {prod.description["names"][source["queue"]] for source in prod.description["queue_sources"]}

    assert dev_arns and prod_arns and not dev_arns & prod_arns
    assert dev_queues and prod_queues and not dev_queues & prod_queues


def test_a_key_of_one_stack_is_unknown_to_the_other(dev, prod):
    assert dev.call("GET", "/articles", key=prod.api_key).status == 401
    assert prod.call("GET", "/articles", key=dev.api_key).status == 401


def test_each_stack_publishes_and_renders_only_its_own_articles(dev, prod):
    ours = {
        dev: events.article("ocean-heatwave-explainer"),
        prod: flows.published_now(events.article("mars-sample-return-scheduled")),
    }
    for stack, article in ours.items():
        assert stack.call("POST", "/articles", body=article).status == 201
        flows.run_schedule(stack, "render-feeds")

    for stack, theirs in ((dev, prod), (prod, dev)):
        listed = {article["title"] for article in stack.call("GET", "/articles").json["articles"]}
        feed = feedparser.parse(stack.call("GET", f"{stack.base_url}/feeds/rss.xml", key=None).body)
        titles = {entry.title for entry in feed.entries}
        assert ours[stack]["title"] in listed and ours[stack]["title"] in titles
        assert ours[theirs]["title"] not in listed | titles


def test_each_stack_mails_only_its_own_readers(dev, prod):
    readers = {dev: flows.new_reader(), prod: flows.new_reader()}
    for stack, reader in readers.items():
        flows.subscribe_and_confirm(stack, reader)
        assert (
            stack.call("POST", "/articles", body=flows.published_now(events.article("photo-of-the-day"))).status == 201
        )
        flows.next_second(stack)
        flows.run_schedule(stack, "daily-digest")

    for stack, theirs in ((dev, prod), (prod, dev)):
        mine = flows.emails_to(stack, readers[stack])
        assert [message["subject"].split(":")[0] for message in mine] == [
            mine[0]["subject"].split(":")[0],
            "Syndicate daily digest",
        ]
        assert flows.emails_to(stack, readers[theirs]) == []


def test_each_console_names_its_stack_and_stage(dev, prod):
    for stack, expected in (
        (dev, "syndicate-local</code>, stage <code>dev"),
        (prod, f"{SECOND}</code>, stage <code>prod"),
    ):
        page = stack.call("GET", f"{stack.base_url}/_local/", key=None)
        assert expected in page.body


def test_a_stack_whose_name_is_running_on_that_moto_server_is_refused_clearly(dev):
    with PROCESS_LOCK:
        PROCESS.release(lambda owner: True)  # as outside any stack (the next invocation takes it again)
    before = dict(os.environ)
    twin = LocalStack("127.0.0.1", 0, moto_url=dev.description["moto_url"], terminal=Terminal.silent())

    with pytest.raises(ValueError, match="already running there"):
        twin.start()
    assert dict(os.environ) == before  # the failed start gave the process environment back
    assert dev.call("GET", "/articles").status == 200
