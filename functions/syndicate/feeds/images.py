"""Image sizes for enclosures, found once and bounded in time: a probe per render would cost a request per image.

What a probe found is kept per container (the newest ``capacity`` images). A host whose probe
failed is not asked again for ``failure_seconds``, whatever image of it an article names, so one
slow or broken host costs one probe, not one per image and render. Each probe has at most
``request_seconds`` all told, and all probes of one render share ``render_seconds``: past that
budget, images without a size go without an enclosure until a later render.
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from syndicate.clock import Clock
from syndicate.feeds.ports import ImageProbe


class ImageUnavailable(Exception):
    """The image's size is not known and will not be asked for now (host failing, budget spent)."""


class ImageFacts:
    def __init__(
        self,
        probe: ImageProbe,
        clock: Clock,
        *,
        request_seconds: float = 3.0,
        render_seconds: float = 20.0,
        failure_seconds: float = 3600.0,
        capacity: int = 4096,
    ) -> None:
        self._probe = probe
        self._clock = clock
        self._request_seconds = request_seconds
        self._render_seconds = render_seconds
        self._failure = timedelta(seconds=failure_seconds)
        self._capacity = capacity
        self._known: OrderedDict[str, tuple[int, str]] = OrderedDict()
        self._failing: dict[str, datetime] = {}  # host -> not asked again until then
        self._spent = 0.0

    def start_render(self) -> None:
        """A new render: its probes get the whole per-render budget again."""
        self._spent = 0.0

    def describe(self, url: str) -> tuple[int, str]:
        known = self._known.get(url)
        if known is not None:
            self._known.move_to_end(url)
            return known
        host = (urlsplit(url).hostname or "").lower()
        now = self._clock()
        until = self._failing.get(host)
        if until is not None and now < until:
            raise ImageUnavailable(f"host {host} failed recently")
        remaining = self._render_seconds - self._spent
        if remaining <= 0:
            raise ImageUnavailable("the render's time for image probes is spent")
        try:
            facts = self._probe.describe(url, timeout=min(self._request_seconds, remaining))
        except Exception:
            self._failing = {name: when for name, when in self._failing.items() if when > now}
            self._failing[host] = self._clock() + self._failure
            raise
        finally:
            self._spent += max(0.0, (self._clock() - now).total_seconds())
        self._remember(url, facts)
        return facts

    def _remember(self, url: str, facts: tuple[int, str]) -> None:
        self._known[url] = facts
        while len(self._known) > self._capacity:
            self._known.popitem(last=False)
