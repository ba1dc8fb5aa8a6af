"""One stack's publishers and their API keys, managed from the console and its JSON routes.

The work runs against the stack's own table with the stack's environment (``call_isolated``).
Revoking also flushes the local gateway's authorizer cache, as ``syndicate publishers revoke``
flushes the deployed stage's, so the revoked key is refused from the next request on.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from syndicate.adapters.publishers import PublisherStore
from syndicate.clock import Clock
from syndicate.publishers.keys import NewPublisher, PublisherDirectory
from syndicate.publishers.ports import Publisher


class LocalPublishers:
    def __init__(
        self,
        table: str,
        clock: Clock,
        isolated: Callable[[Callable[[], Any]], Any],
        flush_authorizations: Callable[[], None],
    ) -> None:
        self.table = table
        self.clock = clock
        self._isolated = isolated
        self._flush_authorizations = flush_authorizations

    def _directory(self) -> PublisherDirectory:
        return PublisherDirectory(PublisherStore(self.table), self.clock)

    def create(self, name: str, api_key: str | None = None) -> NewPublisher:
        created: NewPublisher = self._isolated(lambda: self._directory().create(name, api_key=api_key))
        return created

    def list(self) -> list[Publisher]:
        found: list[Publisher] = self._isolated(lambda: PublisherStore(self.table).list())
        return found

    def revoke(self, publisher_id: str) -> bool:
        """False when there is no such publisher."""
        revoked = bool(self._isolated(lambda: self._directory().revoke(publisher_id)))
        if revoked:
            self._flush_authorizations()
        return revoked


def publishers_table(environments: dict[str, dict[str, str]], names: dict[str, str]) -> str:
    """The table the functions know as PUBLISHERS_TABLE (the template's PublishersTable otherwise)."""
    for env in environments.values():
        if env.get("PUBLISHERS_TABLE"):
            return env["PUBLISHERS_TABLE"]
    return names["PublishersTable"]
