"""``LocalStack``: one stack of template.yaml on a moto server, behind one HTTP server: the API,
its schedules, its queue consumers, its site bucket and its console.

Every name is the stack's own (``<stack name>-<logical id>``), so several stacks, say a ``dev``
and a ``prod`` stage, can run side by side in one process on one moto server, each with its own
port, publishers, schedules, queues, outbox, logs and clock.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from syndicate_dev import template as tpl
from syndicate_dev.local.admin import Admin
from syndicate_dev.local.alarms import LocalAlarms, LocalMetrics
from syndicate_dev.local.aws import REGION, LocalAws, with_parameters
from syndicate_dev.local.clock import LocalClock
from syndicate_dev.local.console import Console, StackIdentity
from syndicate_dev.local.environment import PROCESS, PROCESS_LOCK, FunctionEnvironments
from syndicate_dev.local.gateway import RestApiGateway, stage_name
from syndicate_dev.local.logs import FunctionLogs
from syndicate_dev.local.operations import OperationsPanel
from syndicate_dev.local.outbox import Outbox
from syndicate_dev.local.publishers import LocalPublishers, publishers_table
from syndicate_dev.local.queues import QueueDelivery
from syndicate_dev.local.routing import LocalRouter
from syndicate_dev.local.runtime import FunctionRuntime
from syndicate_dev.local.schedules import LocalSchedule, Scheduler, local_schedules
from syndicate_dev.local.server import LocalHttpServer
from syndicate_dev.local.site import SiteServer, default_root_object, site_bucket
from syndicate_dev.local.streams import StreamDelivery
from syndicate_dev.local.terminal import Terminal

API_KEY_VARIABLE = "SYNDICATE_DEV_API_KEY"
DEFAULT_STACK_NAME = "syndicate-local"
_STACK_NAME = re.compile(r"[A-Za-z][-A-Za-z0-9]{0,127}")  # CloudFormation's rule for stack names
_NAME_LIMITS = {"AWS::S3::Bucket": 63, "AWS::SQS::Queue": 75}  # 80 for a queue, less ".fifo"


class LocalStack:
    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 3000,
        *,
        stack_name: str = DEFAULT_STACK_NAME,
        stage: str | None = None,
        moto_url: str | None = None,
        template: dict[str, Any] | None = None,
        api_key: str | None = None,
        retry_delay: int = 1,
        run_schedules: bool = True,
        terminal: Terminal | None = None,
        log_dir: Path | None = None,
        verbose: bool = False,
    ) -> None:
        base = template or tpl.load()
        check_stack_name(stack_name, base)
        self.template = base if stage is None else with_parameters(base, {"Stage": check_stage(stage, base)})
        self.host, self.port = host, port
        self.stack_name = stack_name
        self.moto_url = moto_url  # a moto server of this process to share (it must outlive this stack)
        self.api_key = api_key if api_key is not None else (os.environ.get(API_KEY_VARIABLE) or None)
        self.retry_delay = retry_delay
        self.run_schedules = run_schedules
        self.terminal = terminal or Terminal()
        self.log_dir = log_dir
        self.verbose = verbose
        self.started_in: float | None = None
        self.dev_publisher_id: str | None = None
        self._stops: list[Callable[[], None]] = []

    # -- lifecycle ---------------------------------------------------------------------------
    def start(self) -> LocalStack:
        started = time.perf_counter()
        try:
            self._start_parts()
        except BaseException:
            self.stop()
            raise
        self.started_in = time.perf_counter() - started
        return self

    def _start_parts(self) -> None:
        self.server = LocalHttpServer(self.host, self.port, self.terminal)  # fails first if the port is taken
        self._stops.append(self.server.close)
        self.port, self.base_url = self.server.port, self.server.base_url
        self.aws = LocalAws(self.moto_url)
        self._stops.append(self.aws.stop)
        self.moto_url = self.aws.endpoint
        self.clock = LocalClock()
        self.template = with_parameters(self.template, {"SiteUrl": self.base_url})
        self._stops.append(self._release_process)
        with PROCESS_LOCK:
            PROCESS.enter((self, None), self.aws.environment(), self.clock)
            self.resolver = self.aws.provision(self.template, self.stack_name)
        self.logs = FunctionLogs(self.log_dir, echo=self.terminal.say if self.verbose else None)
        self.logs.start()
        self._stops.append(self.logs.stop)
        self._assemble()
        created = self.publishers.create("Local Publisher", api_key=self.api_key)
        self.api_key, self.dev_publisher_id = created.api_key, created.publisher.publisher_id
        self.server.serve(self.router.dispatch)
        self._stops.append(self.server.shutdown)
        self.delivery.start()
        self._stops.append(self.delivery.stop)
        self.stream_delivery.start()
        self._stops.append(self.stream_delivery.stop)
        if self.run_schedules:
            self.scheduler.start()
            self._stops.append(self.scheduler.stop)

    def _assemble(self) -> None:
        """The parts, each given only the collaborators it uses."""
        self.gateway_stage = stage_name(self.template, self.resolver)
        self.api_url = f"{self.base_url}/{self.gateway_stage}"
        self.site_url = self.base_url
        self.outbox = Outbox(REGION)
        self.runtime = self._runtime()
        self.gateway = RestApiGateway(
            self.template, self.resolver, self.runtime, now=lambda: self.clock().timestamp(), say=self.terminal.say
        )
        bucket = site_bucket(self.template)
        bucket_name = self.resolver.names.get(bucket) if bucket else None
        self.site = SiteServer(self.aws.client("s3"), bucket_name, default_root_object(self.template))
        sqs = self.aws.client("sqs")
        self.delivery = QueueDelivery(
            self.template, self.resolver, self.runtime, sqs, retry_delay=self.retry_delay, say=self.terminal.say
        )
        self.stream_delivery = StreamDelivery(
            self.template,
            self.resolver,
            self.runtime,
            self.aws.client("dynamodbstreams"),
            sqs,
            retry_delay=self.retry_delay,
        )
        self.operations = OperationsPanel(
            template=self.template,
            resolver=self.resolver,
            sqs=sqs,
            clock=self.clock,
            call_isolated=self.runtime.call_isolated,
        )
        self.runtime.listeners.append(self.operations)  # it notes each finished feed render
        schedules = local_schedules(self.template, self.resolver, self.stack_name)
        self.scheduler = Scheduler(schedules, self._fire, now=self.clock)
        self.alarms = LocalAlarms(
            self.template,
            self.resolver,
            cloudwatch=self.aws.client("cloudwatch"),
            sqs=sqs,
            clock=self.clock,
            metrics=self.metrics,
        )
        environments = self.runtime.environments
        table = publishers_table({name: environments.of(name) for name in environments.functions}, self.resolver.names)
        self.publishers = LocalPublishers(
            table, self.clock, self.runtime.call_isolated, self.gateway.forget_authorizations
        )
        self.router = LocalRouter(self._admin(), self.gateway, self.site, on_api_reply=self.metrics.api_reply)

    def _runtime(self) -> FunctionRuntime:
        """The functions, each with its environment; whatever they send or print is the stack's."""
        environments = FunctionEnvironments(
            self.template,
            self.resolver,
            stack_name=self.stack_name,
            region=REGION,
            overrides={"SITE_URL": self.site_url, "API_URL": self.api_url},
        )
        services = {name: environments.of(name).get("POWERTOOLS_SERVICE_NAME", "") for name in environments.functions}
        self.metrics = LocalMetrics(
            self.aws.client("cloudwatch"),
            self.clock,
            self.logs,
            function_names=environments.physical_name,
            services=services.__getitem__,
            api=(self.stack_name, self.gateway_stage),  # SAM names the REST API after the stack
        )
        runtime = FunctionRuntime(
            environments,
            aws=self.aws.environment(),
            clock=self.clock,
            listeners=[self.outbox, self.logs, self.metrics, self.terminal],  # metrics read the logs' lines
            owner=self,
        )
        runtime.call_isolated(lambda: self.aws.verify_senders(map(environments.of, environments.functions)))
        return runtime

    def _admin(self) -> Admin:
        identity = StackIdentity(
            self.stack_name, self.stage, self.base_url, self.api_url, self.site_url, self.aws.endpoint
        )
        console = Console(
            identity=identity,
            outbox=self.outbox,
            scheduler=self.scheduler,
            delivery=self.delivery,
            publishers=self.publishers,
            logs=self.logs,
            routes=self.gateway.routes_for_console(),
            invocations=lambda: self.runtime.invocations,
            operations=self.operations,
        )
        return Admin(
            console=console,
            outbox=self.outbox,
            scheduler=self.scheduler,
            delivery=self.delivery,
            publishers=self.publishers,
            runtime=self.runtime,
            clock=self.clock,
            logs=self.logs,
            alarms=self.alarms,
            describe=self.description,
            operations=self.operations,
        )

    def _release_process(self) -> None:
        """Give the process environment back if this stack's functions hold it."""
        with PROCESS_LOCK:
            PROCESS.release(lambda owner: isinstance(owner, tuple) and owner[0] is self)

    def stop(self) -> None:
        """Stop what started, newest first (safe to call after a failed start)."""
        while self._stops:
            self._stops.pop()()

    def __enter__(self) -> LocalStack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- what the parts share ----------------------------------------------------------------
    @property
    def stage(self) -> str:
        """The Stage parameter this stack was made with."""
        return str(self.resolver.parameters.get("Stage", self.gateway_stage))

    def _fire(self, schedule: LocalSchedule, at: datetime) -> Any:
        return self.runtime.invoke(schedule.function, schedule.event(at))

    def invoke(self, function: str, event: Any) -> Any:
        return self.runtime.invoke(function, event)

    def description(self) -> dict[str, Any]:
        return {
            "stack_name": self.stack_name,
            "stage": self.gateway_stage,
            "api_url": self.api_url,
            "site_url": self.site_url,
            "console_url": f"{self.base_url}/_local/",
            "moto_url": self.aws.endpoint,
            "region": REGION,
            "names": dict(self.resolver.names),
            "site_bucket": self.site.bucket,
            "schedules": self.scheduler.describe(),
            "queue_sources": self.delivery.describe(),
            "stream_sources": [
                {
                    "event": s.event,
                    "function": s.function,
                    "table": s.table,
                    "batch_size": s.batch_size,
                    "window_seconds": s.window_seconds,
                    "batches": self.stream_delivery.stats[s.event].batches,
                }
                for s in self.stream_delivery.sources
            ],
            "functions": sorted(self.runtime.functions),
            "alarms": self.alarms.names(),
            "dashboards": {
                logical_id: self.resolver.names[logical_id]
                for logical_id in tpl.resources(self.template, "AWS::CloudWatch::Dashboard")
            },
            "log_dir": str(self.log_dir) if self.log_dir is not None else None,
        }


def check_stack_name(name: str, template: dict[str, Any]) -> None:
    """A CloudFormation stack name, short enough for the local names built from it."""
    if not _STACK_NAME.fullmatch(name):
        raise ValueError(f"a stack name is a letter, then letters, digits and hyphens (128 at most): {name!r}")
    for resource_type, limit in _NAME_LIMITS.items():
        for logical_id in tpl.resources(template, resource_type):
            if len(f"{name}-{logical_id}") > limit:
                raise ValueError(f"stack name {name!r} is too long: {name}-{logical_id} is over {limit} characters")


def check_stage(stage: str, template: dict[str, Any]) -> str:
    """``stage`` when the template's Stage parameter takes it."""
    parameter = (template.get("Parameters") or {}).get("Stage")
    if parameter is None:
        raise ValueError("template.yaml has no Stage parameter")
    allowed = [str(value) for value in parameter.get("AllowedValues") or []]
    if allowed and stage not in allowed:
        raise ValueError(f"template.yaml's Stage is one of {', '.join(allowed)}, not {stage!r}")
    return stage
