"""The developer console page at ``/_local/``: the outbox, schedules, queues, publishers, the
functions' logs and the routes of one local stack, from the collaborators it is given."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from syndicate_dev import template as tpl
from syndicate_dev.local.logs import FunctionLogs
from syndicate_dev.local.operations import OperationsPanel
from syndicate_dev.local.outbox import Outbox, SentEmail
from syndicate_dev.local.publishers import LocalPublishers
from syndicate_dev.local.queues import QueueDelivery
from syndicate_dev.local.schedules import Scheduler
from syndicate_dev.local.wire import Reply

_PAGE = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent), autoescape=True, undefined=jinja2.StrictUndefined
).get_template("console.html.j2")


@dataclass(frozen=True)
class StackIdentity:
    """Which stack a console shows, and where its parts answer."""

    stack_name: str
    stage: str
    base_url: str
    api_url: str
    site_url: str
    moto_url: str


class Console:
    def __init__(
        self,
        *,
        identity: StackIdentity,
        outbox: Outbox,
        scheduler: Scheduler,
        delivery: QueueDelivery,
        publishers: LocalPublishers,
        logs: FunctionLogs,
        routes: list[tpl.Route],
        invocations: Callable[[], int],
        operations: OperationsPanel | None = None,
    ) -> None:
        self.identity = identity
        self.outbox = outbox
        self.scheduler = scheduler
        self.delivery = delivery
        self.publishers = publishers
        self.logs = logs
        self.routes = sorted(routes, key=lambda route: (route.path, route.method))
        self.invocations = invocations
        self.operations = operations

    def page(self, query: dict[str, str], flash: str | None = None) -> Reply:
        """The page; ``query`` may carry a ``flash`` message and the ``function`` whose logs to show."""
        log_function = query.get("function") or None
        page = _PAGE.render(
            stack=self.identity,
            flash=flash or query.get("flash"),
            emails=[_email(sent) for sent in reversed(self.outbox.messages())],
            schedules=self.scheduler.describe(),
            queues=self._queues(),
            publishers=self.publishers.list(),
            log_function=log_function,
            log_functions=sorted(set(self.logs.functions()) | ({log_function} if log_function else set())),
            log_lines=self.logs.lines(log_function, limit=200),
            routes=self.routes,
            invocations=self.invocations(),
            operations=self.operations.state() if self.operations is not None else None,
        )
        return Reply.html(200, page)

    def _queues(self) -> list[dict[str, Any]]:
        return [
            {
                "event": source.event,
                "queue": source.queue,
                "function": source.function,
                "batch_size": source.batch_size,
                "partial": source.report_batch_item_failures,
                "delivered": self.delivery.stats[source.event].delivered,
                "failed": self.delivery.stats[source.event].failed,
            }
            for source in self.delivery.sources
        ]


def _email(sent: SentEmail) -> dict[str, Any]:
    return {
        "id": sent.id,
        "to": sent.to,
        "subject": sent.subject,
        "sent_at": sent.sent_at,
        "headers": [(name, str(value)) for name, value in sent.message.items()],
        "html": sent.part("html"),
        "text": sent.part("plain"),
    }
