"""Fresh feeds: how soon a publish is in the feed, what a render after one change costs, and the
AWS requests a publish makes, its triggered render included.

1. Publish-to-feed latency on the local stack (``syndicate local``, a subprocess, as a user runs
   it): one article at a time, from the API's 201 until ``/feeds/rss.xml`` holds it (polled every
   20 ms), so each publish goes through the ArticlesTable stream, its batching window and the
   render it triggers. p50 and p95 over PUBLISHES publishes; the schedule never runs.
2. A render after one new article in a feed of 1,000 articles, against a full render of the same
   feed (a new container: nothing cached, no state), on in-memory stand-ins for the store and
   the bucket so only our code is timed. Also the same render with no room to keep rendered
   entries: what reusing them saves.
3. AWS requests per publish, its triggered render included (the render's own container kept warm
   between publishes, as Lambda keeps it), on moto, counted with botocore's ``before-call``
   hook, in the steady state: 200 articles stored, 20 publishes measured.

``main(quick=True)`` runs each part at tiny sizes, so CI keeps the module from rotting.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

from bench._support import free_port, start_local_stack

REPO = Path(__file__).resolve().parents[1]
PUBLISHES = 60
FEED_ARTICLES = 1000
KEY = "syn_benchFreshFeedsKey0000000000000000000000000"


# -- 1. publish to feed, on the local stack -------------------------------------------------------


def _request(method: str, url: str, body: Any = None, key: str | None = KEY) -> tuple[int, bytes]:
    headers = {"Content-Type": "application/json"} if body is not None else {}
    if key:
        headers["Authorization"] = f"Bearer {key}"
    data = json.dumps(body).encode("utf-8") if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _document(title: str) -> dict[str, Any]:
    sample = json.loads((REPO / "events" / "articles" / "ocean-heatwave-explainer.json").read_text("utf-8"))
    sample.pop("published_at")  # published now
    return {**sample, "title": title}


def _until_in_feed(base_url: str, title: bytes, deadline: float) -> float:
    while time.perf_counter() < deadline:
        status, body = _request("GET", f"{base_url}/feeds/rss.xml", key=None)
        if status == 200 and title in body:
            return time.perf_counter()
        time.sleep(0.02)
    raise TimeoutError(f"{title!r} not in the feed within the deadline")


def publish_to_feed(publishes: int) -> dict[str, float]:
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    process, _ = start_local_stack(port, KEY)
    try:
        stack = json.loads(_request("GET", f"{base_url}/_local/stack.json", key=None)[1])
        api_url = stack["api_url"]
        latencies = []
        for number in range(publishes):
            title = f"Fresh {number} {uuid.uuid4().hex[:8]}"
            status, answer = _request("POST", f"{api_url}/articles", _document(title))
            created = time.perf_counter()
            assert status == 201, answer
            latencies.append(_until_in_feed(base_url, title.encode(), created + 60) - created)
        stack = json.loads(_request("GET", f"{base_url}/_local/stack.json", key=None)[1])
        (source,) = [s for s in stack["stream_sources"] if s["function"] == "RenderFeedsFunction"]
    finally:
        process.terminate()
        process.wait(timeout=30)
    quantiles = statistics.quantiles(latencies, n=20, method="inclusive") if len(latencies) > 1 else latencies * 19
    figures = {
        "p50": statistics.median(latencies),
        "p95": quantiles[18],
        "max": max(latencies),
        "renders": float(source["batches"]),
    }
    print(
        f"publish to feed on the local stack, {publishes} publishes one at a time: p50 {figures['p50']:.2f} s, "
        f"p95 {figures['p95']:.2f} s (target <= 5 s), max {figures['max']:.2f} s; "
        f"{source['batches']} renders triggered by the stream (batching window {source['window_seconds']:g} s)"
    )
    return figures


# -- 2. a render after one new article vs a full render -------------------------------------------


def _feed_articles(count: int) -> tuple[list[Any], dict[str, str]]:
    from syndicate.articles.rendering import render_body
    from tests.support.feeds import article

    markdown = "## Heading\n\n" + "A paragraph of reporting, with *emphasis* & a [link](https://example.com). " * 12
    html = render_body(markdown + "\n\nAnd a [relative link](../archive/) with ![a chart](chart.png).")
    articles = [
        article(number, extras={"summary": f"Summary {number}", "authors": [{"name": "Desk"}]})
        for number in range(count)
    ]
    return articles, {each.id: html for each in articles}


def _renderer(source: Any, site: Any, clock: Any, item_count: int, **options: Any) -> Any:
    from syndicate.feeds.render import FeedRenderer

    return FeedRenderer(source, site, clock, site_url="https://site.example", item_count=item_count, **options)


def _timed(action: Any) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def render_after_one_change(count: int, item_count: int, rounds: int = 3) -> dict[str, float]:
    from syndicate.feeds.render import RenderLimits
    from tests.support.clock import FakeClock
    from tests.support.feeds import MemorySite, MemorySource

    articles, bodies = _feed_articles(count + rounds)
    clock = FakeClock("2026-01-01T00:00:00Z")
    full = min(
        _timed(_renderer(MemorySource(articles[:count], bodies=bodies), MemorySite(), clock, item_count).render)
        for _ in range(rounds)
    )
    timings: dict[str, list[float]] = {"reused": [], "not kept": []}
    for name, options in (("reused", {}), ("not kept", {"limits": RenderLimits(entry_cache_bytes=0)})):
        source, site = MemorySource(articles[:count], bodies=bodies), MemorySite()
        renderer = _renderer(source, site, clock, item_count, **options)
        renderer.render()
        for new in range(rounds):
            source.articles = articles[: count + new + 1]
            timings[name].append(_timed(renderer.render))
    after, without = min(timings["reused"]), min(timings["not kept"])
    print(
        f"render after one new article, feed of {count:,} articles ({item_count} per document, 2 feeds): "
        f"{after * 1000:.1f} ms vs a full render {full * 1000:.0f} ms = {after / full:.3f}x (target <= 0.1x); "
        f"without reusing rendered entries {without * 1000:.1f} ms ({without / full:.3f}x)"
    )
    return {"after": after, "full": full, "without_reuse": without}


# -- 3. AWS requests per publish ----------------------------------------------------------------


def requests_per_publish(stored: int, publishes: int) -> dict[str, float]:
    from moto import mock_aws

    for name, value in {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench"}.items():
        os.environ[name] = value
    os.environ["AWS_DEFAULT_REGION"] = "us-east-1"
    os.environ.pop("AWS_ENDPOINT_URL", None)
    os.environ["POWERTOOLS_TRACE_DISABLED"] = "true"
    with mock_aws():
        return _requests_per_publish(stored, publishes)


def _requests_per_publish(stored: int, publishes: int) -> dict[str, float]:
    from datetime import timedelta

    from syndicate import dependencies
    from syndicate.adapters.clients import client
    from syndicate_dev import template as tpl
    from syndicate_dev.provision import create_resources
    from syndicate_dev.seeding import seed_metadata, seeded_articles, utc
    from tests.support.api import ApiCaller

    template = tpl.load()
    resolver = create_resources(template, prefix=f"b{uuid.uuid4().hex[:8]}")
    functions = tpl.functions(template)
    now = utc("2025-12-17T10:00:00Z")
    dependencies.use_clock(lambda: now)

    def become(function: str) -> None:
        os.environ.update(resolver.environment(functions[function]), SCHEMAS_DIR=str(REPO / "schemas"))
        dependencies.forget(clients=False)

    become("RenderFeedsFunction")
    seed_metadata(dependencies.article_store(), seeded_articles(stored, newest=now - timedelta(hours=1)))
    renderer = dependencies.feed_renderer()  # kept: the render function's warm container
    while renderer.render().sealed_pages:
        pass
    become("ArticlesApiFunction")
    from syndicate.handlers import articles_api

    api = ApiCaller(articles_api.handler, publisher_id="pub_bench")
    calls: Counter[str] = Counter()
    for service in ("s3", "dynamodb", "sqs", "secretsmanager"):
        client(service).meta.events.register("before-call.*.*", lambda model, **_: calls.update([model.name]))
    per_publish: list[tuple[int, int]] = []
    render_calls: Counter[str] = Counter()
    try:
        for number in range(publishes + 1):
            calls.clear()
            answer = api("POST", "/articles", body=_document(f"Bench {number}"))
            assert answer.status == 201, answer.body
            api_calls = sum(calls.values())
            calls.clear()
            renderer.render()  # what the stream triggers
            if number:  # the first publish warms the API container
                per_publish.append((api_calls, sum(calls.values())))
                render_calls.update(calls)
            now += timedelta(seconds=5)
    finally:
        dependencies.forget()
    api_mean = statistics.mean(each[0] for each in per_publish)
    render_mean = statistics.mean(each[1] for each in per_publish)
    print(
        f"AWS requests per publish ({stored} stored, FEED_ITEM_COUNT {os.environ.get('FEED_ITEM_COUNT')}): "
        f"{api_mean + render_mean:.1f} = {api_mean:.1f} by the API + {render_mean:.1f} by the render it triggers "
        f"(min {min(a + r for a, r in per_publish)}, max {max(a + r for a, r in per_publish)} over {publishes}); "
        "the render's, per publish: "
        + ", ".join(f"{name} {count / publishes:g}" for name, count in sorted(render_calls.items()))
    )
    return {"api": api_mean, "render": render_mean}


def main(quick: bool = False) -> None:
    render_after_one_change(60 if quick else FEED_ARTICLES, 10 if quick else 50, rounds=1 if quick else 3)
    if not quick:
        render_after_one_change(FEED_ARTICLES, 1000)
    requests_per_publish(20 if quick else 200, 2 if quick else 20)
    publish_to_feed(3 if quick else PUBLISHES)


if __name__ == "__main__":
    main("--quick" in sys.argv)
