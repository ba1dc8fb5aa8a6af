"""Reading the withdrawal log: a withdrawal stamped behind one already read is still handled, and none twice."""

from __future__ import annotations

from datetime import UTC, datetime

from syndicate.articles.model import DRAFT, RETRACTED
from syndicate.feeds.ports import Withdrawal
from syndicate.feeds.state import load_state
from syndicate.feeds.withdrawals import read_withdrawals
from tests.support.feeds import article


class MemoryLog:
    def __init__(self) -> None:
        self.entries: list[Withdrawal] = []

    def add(self, when: str, article_id: str) -> None:
        marker = f"{when}#{article_id}#2"
        entry = Withdrawal(marker, article_id, f"{when}#{article_id}", ("",), True)
        self.entries = sorted([*self.entries, entry], key=lambda each: each.marker)

    def since(self, after, *, limit):
        return [entry for entry in self.entries if after is None or entry.marker > after][:limit]


def at(moment: str) -> datetime:
    return datetime.fromisoformat(moment.replace("Z", "+00:00")).astimezone(UTC)


def test_a_withdrawal_committed_late_behind_one_already_read_is_still_handled_once():
    log, state = MemoryLog(), load_state(None)
    log.add("2025-12-17T10:04:00Z", "b")
    assert [w.article_id for w in read_withdrawals(log, state, at("2025-12-17T10:05:00Z"))] == ["b"]

    log.add("2025-12-17T10:03:59Z", "a")  # stamped before b, committed after the last read
    found = read_withdrawals(log, state, at("2025-12-17T10:10:00Z"))

    assert [w.article_id for w in found] == ["a"]
    assert read_withdrawals(log, state, at("2025-12-17T10:15:00Z")) == []


def test_markers_older_than_the_overlap_are_forgotten():
    log, state = MemoryLog(), load_state(None)
    log.add("2025-12-17T10:00:00Z", "a")
    read_withdrawals(log, state, at("2025-12-17T10:01:00Z"))

    read_withdrawals(log, state, at("2025-12-17T12:00:00Z"))

    assert state["withdrawals"] == {"through": "2025-12-17T10:00:00Z#a#2", "recent": []}


def test_more_than_a_page_of_withdrawals_is_read_in_one_render():
    log, state = MemoryLog(), load_state(None)
    for number in range(250):
        log.add(f"2025-12-17T10:{number // 60:02d}:{number % 60:02d}Z", f"id{number:03d}")

    assert len(read_withdrawals(log, state, at("2025-12-17T11:00:00Z"))) == 250


def test_only_writes_that_take_a_public_article_out_of_feeds_are_logged():
    from syndicate.adapters.withdrawals import withdrawal_writes

    public = article(1, categories=("Climate", "Data"))
    later = "2025-12-17T10:00:00Z"  # a write's updated_at: now, after the article's publication
    edited = public.with_changes(version=2, title="Corrected", updated_at=later)
    assert withdrawal_writes("t", edited, public) == []
    assert withdrawal_writes("t", public, None) == []
    assert withdrawal_writes("t", public.with_changes(status=DRAFT), public.with_changes(status=DRAFT)) == []

    [retracted] = withdrawal_writes("t", edited.with_changes(status=RETRACTED), public)
    [moved] = withdrawal_writes("t", edited.with_changes(categories=("Climate",)), public)

    assert retracted["Put"]["Item"]["feeds"] == {"L": [{"S": ""}, {"S": "climate"}, {"S": "data"}]}
    assert retracted["Put"]["Item"]["gone"] == {"BOOL": True}
    assert moved["Put"]["Item"]["feeds"] == {"L": [{"S": "data"}]}
    assert moved["Put"]["Item"]["gone"] == {"BOOL": False}
