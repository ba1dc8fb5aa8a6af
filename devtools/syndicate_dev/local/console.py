"""The developer console at ``/_local/``: an HTML page and its JSON twins. Only the local stack
has these paths; nothing under /_local/ is in template.yaml or deployed."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

import jinja2

from syndicate.clock import isoformat
from syndicate_dev.local.runtime import FunctionFailed
from syndicate_dev.local.wire import Reply, Request

if TYPE_CHECKING:
    from syndicate_dev.local.stack import LocalStack

_PAGE = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent), autoescape=True, undefined=jinja2.StrictUndefined
).get_template("console.html.j2")


class Console:
    def __init__(self, stack: LocalStack) -> None:
        self.stack = stack

    def handle(self, request: Request) -> Reply:
        path = request.path.removeprefix("/_local").rstrip("/") or "/"
        method = request.method
        routes: list[tuple[str, str, Any]] = [
            ("GET", r"/", self.page),
            ("GET", r"/health", lambda _: Reply.json(200, {"ready": True})),
            ("GET", r"/outbox\.json", lambda _: Reply.json(200, [m.as_dict() for m in self.stack.outbox.messages()])),
            ("GET", r"/outbox/(?P<id>[^/]+)\.(?P<kind>html|txt|eml)", self.email_part),
            (
                "GET",
                r"/schedules\.json",
                lambda _: Reply.json(200, [s.as_dict() for s in self.stack.scheduler.schedules.values()]),
            ),
            ("POST", r"/schedules/(?P<name>[a-z0-9-]+)", self.run_schedule),
            ("GET", r"/publishers\.json", lambda _: Reply.json(200, [vars(p) for p in self.stack.publishers()])),
            ("POST", r"/publishers", self.create_publisher),
            ("GET", r"/stack\.json", lambda _: Reply.json(200, self.stack.description())),
            ("POST", r"/invoke/(?P<function>\w+)", self.invoke),
            ("GET", r"/clock\.json", lambda _: Reply.json(200, {"now": isoformat(self.stack.clock())})),
            ("POST", r"/clock", self.advance_clock),
        ]
        path_known = False
        for route_method, pattern, action in routes:
            found = re.fullmatch(pattern, path)
            if not found:
                continue
            path_known = True
            if route_method == method or (method == "HEAD" and route_method == "GET"):
                request_with = _Routed(request, found.groupdict())
                return action(request_with)
        if path_known:
            return Reply.json(405, {"title": "Method Not Allowed", "status": 405}, "application/problem+json")
        return Reply.json(
            404,
            {"title": "Not Found", "status": 404, "detail": f"No console page {request.path}."},
            "application/problem+json",
        )

    # -- pages -------------------------------------------------------------------------------
    def page(self, routed: _Routed, flash: str | None = None) -> Reply:
        stack = self.stack
        emails = []
        for sent in reversed(stack.outbox.messages()):
            message = sent.message
            emails.append(
                {
                    "id": sent.id,
                    "to": sent.to,
                    "subject": sent.subject,
                    "sent_at": sent.sent_at,
                    "headers": [(name, str(value)) for name, value in message.items()],
                    "html": sent.part("html"),
                    "text": sent.part("plain"),
                }
            )
        queues = [
            {
                "event": s.event,
                "queue": s.queue,
                "function": s.function,
                "batch_size": s.batch_size,
                "partial": s.report_batch_item_failures,
                "delivered": stack.delivery.stats[s.event].delivered,
                "failed": stack.delivery.stats[s.event].failed,
            }
            for s in stack.delivery.sources
        ]
        page = _PAGE.render(
            flash=flash or dict(routed.request.query).get("flash"),
            emails=emails,
            schedules=[s.as_dict() for s in stack.scheduler.schedules.values()],
            queues=queues,
            publishers=stack.publishers(),
            routes=sorted(stack.gateway.routes_for_console(), key=lambda r: (r.path, r.method)),
            api_url=stack.api_url,
            site_url=stack.site_url,
            moto_url=stack.moto_url,
            invocations=stack.runtime.invocations,
        )
        return Reply.html(200, page)

    def email_part(self, routed: _Routed) -> Reply:
        sent = self.stack.outbox.get(routed.params["id"])
        if sent is None:
            return Reply.json(404, {"title": "Not Found", "status": 404}, "application/problem+json")
        kind = routed.params["kind"]
        if kind == "eml":
            return Reply(200, [("Content-Type", "message/rfc822")], sent.raw.encode("utf-8"))
        content = sent.part("html" if kind == "html" else "plain")
        if content is None:
            return Reply.json(
                404,
                {"title": "Not Found", "status": 404, "detail": f"The email has no {kind} part."},
                "application/problem+json",
            )
        content_type = "text/html; charset=utf-8" if kind == "html" else "text/plain; charset=utf-8"
        return Reply(200, [("Content-Type", content_type)], content.encode("utf-8"))

    # -- actions -----------------------------------------------------------------------------
    def run_schedule(self, routed: _Routed) -> Reply:
        name = routed.params["name"]
        if name not in self.stack.scheduler.schedules:
            return Reply.json(
                404,
                {
                    "title": "Not Found",
                    "status": 404,
                    "detail": f"No schedule {name}; template.yaml has {sorted(self.stack.scheduler.schedules)}.",
                },
                "application/problem+json",
            )
        at = None
        if not _is_form(routed.request) and routed.request.body.strip():
            try:
                at = datetime.fromisoformat(
                    str(json.loads(routed.request.body)["scheduled_time"]).replace("Z", "+00:00")
                )
            except (ValueError, KeyError, TypeError, AttributeError):
                return Reply.json(
                    400,
                    {
                        "title": "Bad Request",
                        "status": 400,
                        "detail": 'Send no body, or {"scheduled_time": "2025-12-18T07:00:00Z"}.',
                    },
                    "application/problem+json",
                )
            if at.tzinfo is None:
                at = at.replace(tzinfo=UTC)
        try:
            outcome = self.stack.run_schedule(name, at)
        except FunctionFailed as failed:
            if _is_form(routed.request):
                return Reply.redirect(f"/_local/?flash={name}+failed:+{failed.error}#schedules")
            return Reply.json(500, {"schedule": name, "error": failed.payload()})
        if _is_form(routed.request):
            return Reply.redirect(f"/_local/?flash=Ran+{name}#schedules")
        return Reply.json(200, outcome)

    def advance_clock(self, routed: _Routed) -> Reply:
        """Move the stack's time on (what a test does instead of waiting)."""
        try:
            seconds = float(json.loads(routed.request.body)["advance_seconds"])
            now = self.stack.clock.advance(seconds)
        except (ValueError, KeyError, TypeError):
            return Reply.json(
                400,
                {"title": "Bad Request", "status": 400, "detail": 'Send {"advance_seconds": N} with N >= 0.'},
                "application/problem+json",
            )
        return Reply.json(200, {"now": isoformat(now)})

    def create_publisher(self, routed: _Routed) -> Reply:
        request = routed.request
        name: Any = dict(parse_qsl(request.body.decode("utf-8", "replace"))).get("name") if _is_form(request) else None
        if name is None:
            try:
                document = json.loads(request.body or b"{}")
            except json.JSONDecodeError:
                document = None
            name = document.get("name", "") if isinstance(document, dict) else ""
        if not isinstance(name, str) or not name.strip() or len(name) > 200:
            return Reply.json(
                422,
                {
                    "title": "Unprocessable Content",
                    "status": 422,
                    "detail": 'Send {"name": "..."} with 1 to 200 characters.',
                },
                "application/problem+json",
            )
        created = self.stack.create_publisher(name)
        if _is_form(request):
            return self.page(
                routed,
                flash=f"Publisher {created.publisher.publisher_id} created. Its API key, shown once: {created.api_key}",
            )
        return Reply.json(201, {"publisher_id": created.publisher.publisher_id, "api_key": created.api_key})

    def invoke(self, routed: _Routed) -> Reply:
        function = routed.params["function"]
        if function not in self.stack.runtime.functions:
            return Reply.json(
                404,
                {"title": "Not Found", "status": 404, "detail": f"template.yaml has no function {function}."},
                "application/problem+json",
            )
        try:
            event = json.loads(routed.request.body or b"{}")
        except json.JSONDecodeError as error:
            return Reply.json(
                400,
                {"title": "Bad Request", "status": 400, "detail": f"The event is not JSON: {error}"},
                "application/problem+json",
            )
        try:
            result = self.stack.invoke(function, event)
        except FunctionFailed as failed:
            reply = Reply.json(200, failed.payload())
            reply.headers.append(("X-Amz-Function-Error", "Unhandled"))  # as Lambda's Invoke API says it
            return reply
        return Reply(200, [("Content-Type", "application/json")], json.dumps(result, default=str).encode("utf-8"))


class _Routed:
    def __init__(self, request: Request, params: dict[str, str]) -> None:
        self.request = request
        self.params = params


def _is_form(request: Request) -> bool:
    return (request.header("Content-Type") or "").startswith("application/x-www-form-urlencoded")
