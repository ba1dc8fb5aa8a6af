"""Every sample in events/ agrees with schemas/ (and the seed article is carried over whole)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from syndicate import contract
from tests.support import events

# The text the seed article (events/articles/photo-of-the-day.json) was made from.
SEED = Path(__file__).resolve().parents[1] / "fixtures" / "seeds" / "000_a7f22d1f8e205925.txt"


@pytest.mark.parametrize("name", events.valid_article_names())
def test_every_sample_article_follows_the_contract(name):
    assert contract.violations("article", events.load(f"articles/{name}.json")) == []


JSON_INVALID = [
    name for name in events.invalid_article_names() if "request" in events.load(f"articles/invalid/{name}.json")
]


@pytest.mark.parametrize("name", JSON_INVALID)
def test_every_invalid_sample_breaks_the_contract_exactly_where_it_says(name):
    example = events.load(f"articles/invalid/{name}.json")
    found = contract.violations("article", example["request"])
    assert sorted({v.pointer for v in found}) == example["expect"]["pointers"]


@pytest.mark.parametrize("path", sorted((events.EVENTS / "api").glob("*.json")), ids=lambda p: p.stem)
def test_api_event_bodies_follow_the_contract(path):
    event = json.loads(path.read_text(encoding="utf-8"))
    if event.get("body") and event.get("resource", "").startswith("/articles"):
        assert contract.violations("article", json.loads(event["body"])) == []


def test_recorded_create_and_put_events_carry_the_seed_article():
    seed = events.article("photo-of-the-day")
    for name in ("create-article", "put-article"):
        assert json.loads(events.load(f"api/{name}.json")["body"]) == seed


def test_seed_sample_holds_every_heading_and_paragraph_of_the_seed():
    text = SEED.read_text(encoding="utf-8")
    blocks = [block.strip() for block in text.split("\n\n") if block.strip()]
    article = events.article("photo-of-the-day")
    body_blocks = [block.strip() for block in article["body"].split("\n\n")]

    assert article["categories"] == [blocks[0].removeprefix("Categories: ")]
    assert article["title"] == blocks[1] == blocks[2]
    assert article["published_at"].startswith("2025-12-17")
    # The photo is the one the seed describes: the spacecraft, the station, where it was taken.
    for detail in ("Soyuz MS-28", "International Space Station", "Mediterranean Sea"):
        assert detail in text
        assert detail in article["image"]["alt"]
    expected = []
    for block in blocks[3:]:
        expected.append(f"## {block}" if len(block) < 100 and not block.endswith(".") else block)
    assert body_blocks == expected
    assert sum(block.startswith("## ") for block in body_blocks) == 6
