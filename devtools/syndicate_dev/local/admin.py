"""The local stack's own routes under ``/_local/``: the console page, its JSON twins for scripts
and tests (the alarms' states among them), and the actions (run a schedule, drain the queues,
create or revoke a publisher, move the clock, invoke a function). Nothing under /_local/ is in
template.yaml or deployed.

An action posted by the console's forms (``application/x-www-form-urlencoded``) answers with
the console page again; the same action sent as JSON answers JSON.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, quote_plus

from syndicate.clock import isoformat
from syndicate_dev.local.alarms import LocalAlarms
from syndicate_dev.local.clock import LocalClock
from syndicate_dev.local.console import Console
from syndicate_dev.local.logs import FunctionLogs
from syndicate_dev.local.operations import OperationsPanel
from syndicate_dev.local.outbox import Outbox
from syndicate_dev.local.publishers import LocalPublishers
from syndicate_dev.local.queues import QueueDelivery
from syndicate_dev.local.runtime import FunctionFailed, FunctionRuntime
from syndicate_dev.local.schedules import Scheduler
from syndicate_dev.local.wire import Reply, Request

Action = Callable[["Routed"], Reply]


@dataclass(frozen=True)
class Routed:
    request: Request
    params: dict[str, str]

    @property
    def is_form(self) -> bool:
        return (self.request.header("Content-Type") or "").startswith("application/x-www-form-urlencoded")

    def form(self) -> dict[str, str]:
        return dict(parse_qsl(self.request.body.decode("utf-8", "replace")))

    def json_body(self) -> Any:
        """The JSON document sent, {} for no body; ValueError when it is not JSON."""
        return json.loads(self.request.body) if self.request.body.strip() else {}


class Admin:
    def __init__(
        self,
        *,
        console: Console,
        outbox: Outbox,
        scheduler: Scheduler,
        delivery: QueueDelivery,
        publishers: LocalPublishers,
        runtime: FunctionRuntime,
        clock: LocalClock,
        logs: FunctionLogs,
        alarms: LocalAlarms,
        describe: Callable[[], dict[str, Any]],
        operations: OperationsPanel | None = None,
    ) -> None:
        self.console = console
        self.outbox = outbox
        self.scheduler = scheduler
        self.delivery = delivery
        self.publishers = publishers
        self.runtime = runtime
        self.clock = clock
        self.logs = logs
        self.alarms = alarms
        self.describe = describe
        self.routes: list[tuple[str, re.Pattern[str], Action]] = [
            (method, re.compile(pattern), action)
            for method, pattern, action in [
                ("GET", r"/", lambda routed: self.console.page(dict(routed.request.query))),
                ("GET", r"/health", lambda _: Reply.json(200, {"ready": True})),
                ("GET", r"/stack\.json", lambda _: Reply.json(200, self.describe())),
                ("GET", r"/outbox\.json", lambda _: Reply.json(200, [m.as_dict() for m in self.outbox.messages()])),
                ("GET", r"/outbox/(?P<id>[^/]+)\.(?P<kind>html|txt|eml)", self.email_part),
                ("GET", r"/schedules\.json", lambda _: Reply.json(200, self.scheduler.describe())),
                ("POST", r"/schedules/(?P<name>[a-z0-9-]+)", self.run_schedule),
                ("POST", r"/queues/drain", self.drain_queues),
                ("GET", r"/publishers\.json", lambda _: Reply.json(200, [vars(p) for p in self.publishers.list()])),
                ("POST", r"/publishers", self.create_publisher),
                ("DELETE", r"/publishers/(?P<id>[^/]+)", self.revoke_publisher),
                ("POST", r"/publishers/(?P<id>[^/]+)/revoke", self.revoke_publisher),
                ("GET", r"/logs\.json", self.read_logs),
                ("GET", r"/alarms\.json", lambda _: Reply.json(200, [a.as_dict() for a in self.alarms.states()])),
                ("POST", r"/invoke/(?P<function>\w+)", self.invoke),
                ("GET", r"/clock\.json", lambda _: Reply.json(200, {"now": isoformat(self.clock())})),
                ("POST", r"/clock", self.advance_clock),
                *(operations.routes() if operations is not None else []),
            ]
        ]

    def handle(self, request: Request) -> Reply:
        path = request.path.removeprefix("/_local").rstrip("/") or "/"
        matching = [
            (method, found, action) for method, pattern, action in self.routes if (found := pattern.fullmatch(path))
        ]
        for method, found, action in matching:
            if method == request.method or (request.method == "HEAD" and method == "GET"):
                return action(Routed(request, found.groupdict()))
        if matching:
            allowed = sorted({method for method, _, _ in matching})
            reply = Reply.problem(405, "Method Not Allowed", f"{request.path} takes {', '.join(allowed)}.")
            reply.headers.append(("Allow", ", ".join(allowed)))
            return reply
        return Reply.problem(404, "Not Found", f"No console page {request.path}.")

    # -- reading -----------------------------------------------------------------------------
    def email_part(self, routed: Routed) -> Reply:
        sent = self.outbox.get(routed.params["id"])
        if sent is None:
            return Reply.problem(404, "Not Found", f"No email {routed.params['id']} in the outbox.")
        kind = routed.params["kind"]
        if kind == "eml":
            return Reply(200, [("Content-Type", "message/rfc822")], sent.raw.encode("utf-8"))
        content = sent.part("html" if kind == "html" else "plain")
        if content is None:
            return Reply.problem(404, "Not Found", f"The email has no {kind} part.")
        content_type = "text/html; charset=utf-8" if kind == "html" else "text/plain; charset=utf-8"
        return Reply(200, [("Content-Type", content_type)], content.encode("utf-8"))

    def read_logs(self, routed: Routed) -> Reply:
        query = dict(routed.request.query)
        function = query.get("function") or None
        try:
            limit = int(query.get("limit", "200"))
        except ValueError:
            return Reply.problem(400, "Bad Request", "limit is a whole number of lines.")
        return Reply.json(200, [line.as_dict() for line in self.logs.lines(function, limit)])

    # -- actions -----------------------------------------------------------------------------
    def run_schedule(self, routed: Routed) -> Reply:
        name = routed.params["name"]
        if name not in self.scheduler.schedules:
            detail = f"No schedule {name}; template.yaml has {sorted(self.scheduler.schedules)}."
            return Reply.problem(404, "Not Found", detail)
        try:
            at = None if routed.is_form else _scheduled_time(routed.json_body())
        except ValueError:
            return Reply.problem(400, "Bad Request", 'Send no body, or {"scheduled_time": "2025-12-18T07:00:00Z"}.')
        try:
            outcome = self._run_and_drain(name, at)
        except FunctionFailed as failed:
            if routed.is_form:
                return self._to_console(f"{name} failed: {failed.error}", "schedules")
            return Reply.json(500, {"schedule": name, "error": failed.payload()})
        if routed.is_form:
            return self._to_console(f"Ran {name}", "schedules")
        return Reply.json(200, outcome)

    def _run_and_drain(self, name: str, at: datetime | None) -> dict[str, Any]:
        """Run a schedule now (as scheduled for ``at``, default now); return once it and every
        SQS delivery it caused have finished."""
        started = time.perf_counter()
        before = self.delivery.counts()
        result = self.scheduler.fire(name, at)
        drained = self.delivery.drain()
        return {
            "schedule": name,
            "function": self.scheduler.schedules[name].function,
            "result": result,
            "queues_drained": drained,
            "deliveries": self.delivery.counts(since=before),
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
        }

    def drain_queues(self, routed: Routed) -> Reply:
        """Deliver every queued message now (failures retried until the DLQ takes them)."""
        before = self.delivery.counts()
        drained = self.delivery.drain()
        if routed.is_form:
            return self._to_console("Queues drained" if drained else "Queues still busy", "queues")
        return Reply.json(200, {"queues_drained": drained, "deliveries": self.delivery.counts(since=before)})

    def create_publisher(self, routed: Routed) -> Reply:
        try:
            name = routed.form().get("name") if routed.is_form else routed.json_body().get("name")
        except (ValueError, AttributeError):
            name = None
        if not isinstance(name, str) or not name.strip() or len(name) > 200:
            return Reply.problem(422, "Unprocessable Content", 'Send {"name": "..."} with 1 to 200 characters.')
        created = self.publishers.create(name)
        publisher_id = created.publisher.publisher_id
        if routed.is_form:  # the key is shown in the page, never put in a URL
            flash = f"Publisher {publisher_id} created. Its API key, shown once: {created.api_key}"
            return self.console.page({}, flash=flash)
        return Reply.json(201, {"publisher_id": publisher_id, "api_key": created.api_key})

    def revoke_publisher(self, routed: Routed) -> Reply:
        publisher_id = routed.params["id"]
        if not self.publishers.revoke(publisher_id):
            return Reply.problem(404, "Not Found", f"No publisher {publisher_id}.")
        if routed.is_form:
            return self._to_console(f"Revoked {publisher_id}: its key is refused from now on", "publishers")
        return Reply.json(200, {"publisher_id": publisher_id, "revoked": True})

    def advance_clock(self, routed: Routed) -> Reply:
        """Move the stack's time on (what a test does instead of waiting)."""
        try:
            now = self.clock.advance(float(routed.json_body()["advance_seconds"]))
        except (ValueError, KeyError, TypeError):
            return Reply.problem(400, "Bad Request", 'Send {"advance_seconds": N} with N >= 0.')
        return Reply.json(200, {"now": isoformat(now)})

    def invoke(self, routed: Routed) -> Reply:
        function = routed.params["function"]
        if function not in self.runtime.functions:
            return Reply.problem(404, "Not Found", f"template.yaml has no function {function}.")
        try:
            event = routed.json_body()
        except ValueError as error:
            return Reply.problem(400, "Bad Request", f"The event is not JSON: {error}")
        try:
            result = self.runtime.invoke(function, event)
        except FunctionFailed as failed:
            reply = Reply.json(200, failed.payload())
            reply.headers.append(("X-Amz-Function-Error", "Unhandled"))  # as Lambda's Invoke API says it
            return reply
        return Reply(200, [("Content-Type", "application/json")], json.dumps(result, default=str).encode("utf-8"))

    def _to_console(self, flash: str, section: str) -> Reply:
        return Reply.redirect(f"/_local/?flash={quote_plus(flash)}#{section}")


def _scheduled_time(document: Any) -> datetime | None:
    """The ``scheduled_time`` of a run-schedule request, aware (UTC when it names no zone)."""
    if document == {}:
        return None
    if not isinstance(document, dict) or "scheduled_time" not in document:
        raise ValueError("no scheduled_time")
    at = datetime.fromisoformat(str(document["scheduled_time"]).replace("Z", "+00:00"))
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)
