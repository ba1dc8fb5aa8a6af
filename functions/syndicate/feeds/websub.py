"""Telling the WebSub hub which feeds changed, without letting a failing hub cost every render.

Topics whose ping was not accepted stay pending in the render state and are pinged on a later
render, so a hub that was down still hears of every change. After a failure the hub is left
alone for ``failure_seconds`` (per container); each ping has at most ``request_seconds`` all
told, and all pings of one render share ``render_seconds``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, NamedTuple

from syndicate.clock import Clock
from syndicate.feeds.ports import HubPinger


class PingOutcome(NamedTuple):
    pinged: list[str]
    pending: list[str]  # not accepted yet: tried and failed, or not tried


class HubNotifier:
    def __init__(
        self,
        pinger: HubPinger,
        hub_url: str,
        clock: Clock,
        *,
        request_seconds: float = 5.0,
        render_seconds: float = 15.0,
        failure_seconds: float = 300.0,
        logger: Any = None,
    ) -> None:
        self._pinger = pinger
        self._hub_url = hub_url
        self._clock = clock
        self._request_seconds = request_seconds
        self._render_seconds = render_seconds
        self._failure = timedelta(seconds=failure_seconds)
        self._resting_until: datetime | None = None
        self._log = logger

    def notify(self, topics: list[str]) -> PingOutcome:
        """Pings the hub for each topic, in order, until one fails or the render's time is spent."""
        started = self._clock()
        if self._resting_until is not None and started < self._resting_until:
            return PingOutcome([], list(topics))
        pinged: list[str] = []
        for topic in topics:
            remaining = self._render_seconds - (self._clock() - started).total_seconds()
            if remaining <= 0:
                break
            try:
                self._pinger.ping(self._hub_url, topic, timeout=min(self._request_seconds, remaining))
            except Exception as error:  # a hub being down never fails the render
                self._resting_until = self._clock() + self._failure
                self._warn(type(error).__name__)
                break
            pinged.append(topic)
        return PingOutcome(pinged, topics[len(pinged) :])

    def _warn(self, error_type: str) -> None:
        if self._log is not None:
            self._log.warning(
                "WebSub hub ping failed; the changed feeds stay pending", extra={"error_type": error_type}
            )
