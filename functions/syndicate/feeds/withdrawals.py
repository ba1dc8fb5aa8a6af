"""Reading the withdrawal log: what left which feeds since the last render.

The log is read with a strongly consistent Query from where the last render stopped, but a
withdrawal is stamped by the API's clock before its write commits, so one may land a little
behind a marker already read. Each render therefore reads again the last ``OVERLAP`` of the log
and skips the markers it already handled (kept in the state for that window only).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from syndicate.clock import isoformat
from syndicate.feeds.ports import Withdrawal, WithdrawalLog

OVERLAP = timedelta(minutes=15)
PAGE = 100


def read_withdrawals(log: WithdrawalLog, state: dict[str, Any], now: datetime) -> list[Withdrawal]:
    """The withdrawals not handled yet, oldest first; the state records them as handled."""
    progress = state["withdrawals"]
    window = isoformat(now - OVERLAP)
    through: str | None = progress["through"]
    after = min(through, window) if through else None
    recent = set(progress["recent"])
    found: list[Withdrawal] = []
    while True:
        batch = log.since(after, limit=PAGE)
        found.extend(withdrawal for withdrawal in batch if withdrawal.marker not in recent)
        if len(batch) < PAGE:
            break
        after = batch[-1].marker
    markers = [withdrawal.marker for withdrawal in found]
    progress["through"] = max([through or "", *markers]) or None
    progress["recent"] = sorted(marker for marker in recent.union(markers) if marker >= window)
    return found
