"""What the render spends on outbound requests: a budget per request and per render, and failing hosts left alone."""

from __future__ import annotations

import logging

import pytest

from syndicate.feeds.images import ImageFacts, ImageUnavailable
from syndicate.feeds.render import FeedRenderer
from tests.support.clock import FakeClock
from tests.support.feeds import MemorySite, MemorySource, RecordingPinger, article

SITE = "https://site.example"
HUB = "https://hub.example/"


class SlowProbe:
    """Takes ``seconds`` of the clock per probe, then fails or answers."""

    def __init__(self, clock: FakeClock, seconds: float, *, fail: bool = False) -> None:
        self.clock, self.seconds, self.fail = clock, seconds, fail
        self.asked: list[tuple[str, float]] = []

    def describe(self, url: str, *, timeout: float) -> tuple[int, str]:
        self.asked.append((url, timeout))
        self.clock.advance(seconds=min(self.seconds, timeout))
        if self.fail or self.seconds > timeout:
            raise TimeoutError(url)
        return 1000, "image/png"


def test_a_failing_host_is_asked_once_for_all_its_images_and_renders():
    clock = FakeClock()
    probe = SlowProbe(clock, 3, fail=True)
    facts = ImageFacts(probe, clock, failure_seconds=3600)

    for render in range(3):
        facts.start_render()
        for number in range(5):
            with pytest.raises((TimeoutError, ImageUnavailable)):
                facts.describe(f"https://slow.example/{render}-{number}.jpg")
        clock.advance(minutes=5)

    assert len(probe.asked) == 1


def test_a_failing_host_is_asked_again_after_its_rest():
    clock = FakeClock()
    probe = SlowProbe(clock, 1, fail=True)
    facts = ImageFacts(probe, clock, failure_seconds=600)
    with pytest.raises(TimeoutError):
        facts.describe("https://flaky.example/a.jpg")

    clock.advance(minutes=11)
    probe.fail = False

    assert facts.describe("https://flaky.example/a.jpg") == (1000, "image/png")


def test_probes_of_one_render_share_its_budget_and_each_has_its_own_deadline():
    clock = FakeClock()
    probe = SlowProbe(clock, 2)
    facts = ImageFacts(probe, clock, request_seconds=3, render_seconds=5)
    facts.start_render()

    answers: list[tuple[int, str] | None] = []
    for number in range(5):
        try:
            answers.append(facts.describe(f"https://host{number}.example/a.jpg"))
        except (TimeoutError, ImageUnavailable):
            answers.append(None)

    assert [timeout for _, timeout in probe.asked] == [3, 3, 1]  # the third gets what is left of 5 s
    assert answers[3:] == [None, None]  # budget spent: not asked at all
    facts.start_render()
    assert facts.describe("https://host4.example/a.jpg") == (1000, "image/png")  # the next render's budget


def test_a_feed_whose_ping_failed_is_pinged_on_a_later_render_after_the_hub_rested():
    clock, site = FakeClock("2026-01-01T00:00:00Z"), MemorySite()
    pinger = RecordingPinger(fail=True)
    feeds = FeedRenderer(
        MemorySource([article(1)]),
        site,
        clock,
        site_url=SITE,
        hub_url=HUB,
        pinger=pinger,
        logger=logging.getLogger("t"),
    )
    feeds.render()
    clock.advance(minutes=1)
    feeds.render()
    assert len(pinger.pings) == 1  # resting: not asked again within five minutes

    pinger.fail = False
    pinger.pings.clear()
    clock.advance(minutes=5)
    report = feeds.render()

    assert len(report.pinged) == 6 and report.pending_pings == []
    assert site.state["pending_pings"] == []
