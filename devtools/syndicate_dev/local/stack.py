"""``LocalStack``: moto in server mode with every resource of template.yaml, the API, the
schedules, the queue consumers, the site bucket and the console behind one HTTP server."""

from __future__ import annotations

import logging
import os
import socket
import sys
import threading
import time
from datetime import datetime
from email.utils import parseaddr
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import boto3

from syndicate import dependencies
from syndicate.clock import system_clock
from syndicate_dev import template as tpl
from syndicate_dev.local.clock import LocalClock
from syndicate_dev.local.console import Console
from syndicate_dev.local.gateway import RestApiGateway
from syndicate_dev.local.outbox import Outbox
from syndicate_dev.local.queues import QueueDelivery
from syndicate_dev.local.runtime import FunctionRuntime, Invocation
from syndicate_dev.local.schedules import LocalSchedule, Scheduler, local_schedules
from syndicate_dev.local.site import SiteServer, default_root_object, site_bucket
from syndicate_dev.local.wire import Reply, Request
from syndicate_dev.provision import create_resources, verify_email_identity

REGION = "us-east-1"
API_KEY_VARIABLE = "SYNDICATE_DEV_API_KEY"
_FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_REGION": REGION,
}


class LocalStack:
    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 3000,
        *,
        template: dict[str, Any] | None = None,
        api_key: str | None = None,
        retry_delay: int = 1,
        run_schedules: bool = True,
        access_log: bool = True,
    ) -> None:
        self.host = host
        self.port = port
        self.template = template or tpl.load()
        self.api_key = api_key if api_key is not None else (os.environ.get(API_KEY_VARIABLE) or None)
        self.retry_delay = retry_delay
        self.run_schedules = run_schedules
        self.access_log = access_log
        self.started_in: float | None = None
        self.dev_publisher_id: str | None = None
        self._moto: Any = None
        self._http: ThreadingHTTPServer | None = None
        self._http_thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------------------
    def start(self) -> LocalStack:
        started = time.perf_counter()
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        self._http = ThreadingHTTPServer((self.host, self.port), _handler_for(self))
        self._http.daemon_threads = True
        self.port = self._http.server_address[1]
        shown_host = "127.0.0.1" if self.host in ("0.0.0.0", "") else self.host  # noqa: S104 - a comparison, not a bind
        self.base_url = f"http://{shown_host}:{self.port}"

        from moto.server import ThreadedMotoServer

        self._moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self._moto.start()
        moto_host, moto_port = self._moto.get_host_and_port()
        self.moto_url = f"http://{moto_host}:{moto_port}"
        for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_DEFAULT_PROFILE"):
            os.environ.pop(name, None)
        os.environ.update(_FAKE_CREDENTIALS, AWS_ENDPOINT_URL=self.moto_url, POWERTOOLS_TRACE_DISABLED="true")

        self.clock = LocalClock()
        dependencies.use_clock(self.clock)
        self.session = boto3.session.Session(region_name=REGION)
        self.resolver = create_resources(self.template, prefix="syndicate-local", session=self.session)
        self.gateway_stage = str(
            self.resolver.value(
                next(iter(tpl.resources(self.template, "AWS::Serverless::Api").values()), {}).get("StageName", "Prod")
            )
        )
        self.api_url = f"{self.base_url}/{self.gateway_stage}"
        self.site_url = self.base_url
        if "SiteUrl" in self.resolver.parameters:
            self.resolver.parameters["SiteUrl"] = self.site_url
        self.outbox = Outbox(REGION)
        self.runtime = FunctionRuntime(
            self.template,
            self.resolver,
            region=REGION,
            after_invoke=self._after_invoke,
            overrides={"SITE_URL": self.site_url, "API_URL": self.api_url},
        )
        self._verify_senders()
        self.gateway = RestApiGateway(self.template, self.resolver, self.runtime)
        bucket = site_bucket(self.template)
        self.site = SiteServer(
            self.session.client("s3"),
            self.resolver.names.get(bucket) if bucket else None,
            default_root_object(self.template),
        )
        self.delivery = QueueDelivery(
            self.template, self.resolver, self.runtime, self.session.client("sqs"), retry_delay=self.retry_delay
        )
        self.scheduler = Scheduler(local_schedules(self.template, self.resolver), self._fire, now=self.clock)
        self.console = Console(self)
        created = self.create_publisher("Local Publisher", api_key=self.api_key)
        self.api_key, self.dev_publisher_id = created.api_key, created.publisher.publisher_id

        self._http_thread = threading.Thread(target=self._http.serve_forever, name="local-http", daemon=True)
        self._http_thread.start()
        self.delivery.start()
        if self.run_schedules:
            self.scheduler.start()
        self.started_in = time.perf_counter() - started
        return self

    def stop(self) -> None:
        dependencies.use_clock(system_clock)
        if self.run_schedules and getattr(self, "scheduler", None):
            self.scheduler.stop()
        if getattr(self, "delivery", None):
            self.delivery.stop()
        if self._http is not None:
            self._http.shutdown()
            self._http.server_close()
        if self._moto is not None:
            self._moto.stop()

    def __enter__(self) -> LocalStack:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    # -- what the pieces share ---------------------------------------------------------------
    def _after_invoke(self, invocation: Invocation) -> None:
        self.outbox.refresh()

    def _verify_senders(self) -> None:
        """Every address a function's environment names may send mail (SES needs verified
        senders; the template's own AWS::SES::EmailIdentity resources are created as well)."""
        for logical_id in self.runtime.functions:
            for value in self.runtime.environment(logical_id).values():
                _, address = parseaddr(value)
                if "@" in address and "." in address.split("@")[-1] and " " not in address:
                    verify_email_identity(self.session, address)
                    verify_email_identity(self.session, address.split("@")[-1])

    def _fire(self, schedule: LocalSchedule, at: datetime) -> Any:
        return self.runtime.invoke(schedule.function, schedule.event(at))

    def invoke(self, function: str, event: Any) -> Any:
        return self.runtime.invoke(function, event)

    def run_schedule(self, name: str, at: datetime | None = None) -> dict[str, Any]:
        """Run a schedule now (as scheduled for ``at``, default now); return once it and every
        SQS delivery it caused have finished."""
        started = time.perf_counter()
        schedule = self.scheduler.schedules[name]
        before = {event: (stats.delivered, stats.failed) for event, stats in self.delivery.stats.items()}
        result = self.scheduler.fire(name, at)
        drained = self.delivery.drain()
        deliveries = {
            event: {"delivered": stats.delivered - before[event][0], "failed": stats.failed - before[event][1]}
            for event, stats in self.delivery.stats.items()
        }
        return {
            "schedule": name,
            "function": schedule.function,
            "result": result,
            "queues_drained": drained,
            "deliveries": deliveries,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
        }

    def publishers_table(self) -> str:
        for logical_id in self.runtime.functions:
            table = self.runtime.environment(logical_id).get("PUBLISHERS_TABLE")
            if table:
                return table
        return self.resolver.names["PublishersTable"]

    def create_publisher(self, name: str, api_key: str | None = None) -> Any:
        from syndicate.adapters.publishers import PublisherStore
        from syndicate.publishers.keys import PublisherDirectory

        table = self.publishers_table()
        return self.runtime.call_isolated(
            lambda: PublisherDirectory(PublisherStore(table), self.clock).create(name, api_key=api_key)
        )

    def publishers(self) -> list[Any]:
        from syndicate.adapters.publishers import PublisherStore

        table = self.publishers_table()
        return self.runtime.call_isolated(lambda: PublisherStore(table).list())

    def description(self) -> dict[str, Any]:
        return {
            "api_url": self.api_url,
            "site_url": self.site_url,
            "console_url": f"{self.base_url}/_local/",
            "moto_url": self.moto_url,
            "region": REGION,
            "stage": self.gateway_stage,
            "names": dict(self.resolver.names),
            "site_bucket": self.site.bucket,
            "schedules": [s.as_dict() for s in self.scheduler.schedules.values()],
            "queue_sources": [
                {
                    "event": s.event,
                    "function": s.function,
                    "queue": s.queue,
                    "batch_size": s.batch_size,
                    "report_batch_item_failures": s.report_batch_item_failures,
                }
                for s in self.delivery.sources
            ],
            "functions": sorted(self.runtime.functions),
        }

    # -- HTTP --------------------------------------------------------------------------------
    def dispatch(self, request: Request) -> Reply:
        path = request.path
        if path == "/_local" or path.startswith("/_local/"):
            return self.console.handle(request)
        stage = f"/{self.gateway_stage}"
        if path == stage or path.startswith(stage + "/"):
            return self.gateway.handle(request, path[len(stage) :] or "/")
        if request.method in ("GET", "HEAD"):
            last = path.rsplit("/", 1)[-1]
            if path.startswith("/feeds/") or ("." in last and self.site.has(path)):
                return self.site.handle(request)
            if path == "/" and self.gateway.match(request.method, "/") is None:
                return self.site.handle(request) if self.site.serves_root() else Reply.redirect("/_local/")
        return self.gateway.handle(request, path)


class _LocalRequestHandler(BaseHTTPRequestHandler):
    """One HTTP exchange with the local stack (``_handler_for`` binds it to a stack)."""

    stack: LocalStack
    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        # Headers and body leave in separate writes; without this a keep-alive client waits
        # for the delayed ACK (about 40 ms) on every response.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def version_string(self) -> str:
        return "syndicate-local"

    def _serve(self) -> None:
        started = time.perf_counter()
        split = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        request = Request(
            method=self.command,
            path=unquote(split.path) or "/",
            query=parse_qsl(split.query, keep_blank_values=True),
            headers=list(self.headers.items()),
            body=body,
            client_ip=self.client_address[0],
            raw_path=split.path,
        )
        try:
            reply = self.stack.dispatch(request)
        except Exception:
            import traceback

            traceback.print_exc()
            reply = Reply.json(
                500,
                {
                    "title": "Internal Server Error",
                    "status": 500,
                    "detail": "The local stack failed; see its output.",
                },
                "application/problem+json",
            )
        self._write(reply)
        if self.stack.access_log:
            elapsed = (time.perf_counter() - started) * 1000
            print(f"[local] {self.command} {self.path} {reply.status} {elapsed:.0f} ms", file=sys.stderr, flush=True)

    def _write(self, reply: Reply) -> None:
        self.send_response(reply.status)
        for name, value in reply.headers:
            if name.lower() not in ("content-length", "connection", "transfer-encoding"):
                self.send_header(name, value)
        no_body = self.command == "HEAD" or reply.status in (204, 304) or 100 <= reply.status < 200
        self.send_header("Content-Length", "0" if reply.status in (204, 304) else str(len(reply.body)))
        self.end_headers()
        if not no_body:
            self.wfile.write(reply.body)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("do_"):  # every method reaches the gateway, which answers like API Gateway
            return self._serve
        raise AttributeError(name)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # _serve logs one line per request


def _handler_for(stack: LocalStack) -> type[BaseHTTPRequestHandler]:
    return type("Handler", (_LocalRequestHandler,), {"stack": stack})
