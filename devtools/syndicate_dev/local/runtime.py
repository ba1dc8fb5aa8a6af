"""Running the template's functions in this process, each with exactly its own environment.

All functions share one interpreter, so an invocation holds a lock while the process
environment is that function's (template.yaml's variables, resolved against the local names,
plus what the Lambda runtime itself sets). Switching to another function drops every cached
service and client (``syndicate.dependencies.forget``), as a fresh container would start.
"""

from __future__ import annotations

import importlib
import os
import sys
import threading
import time
import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from syndicate_dev import template as tpl

ACCOUNT = "123456789012"


class FunctionFailed(Exception):
    """The handler raised: what Lambda reports as a function error (``errorType``, ``errorMessage``)."""

    def __init__(self, function: str, error: BaseException) -> None:
        super().__init__(f"{function}: {type(error).__name__}: {error}")
        self.function = function
        self.error = error

    def payload(self) -> dict[str, Any]:
        return {
            "errorType": type(self.error).__name__,
            "errorMessage": str(self.error),
            "stackTrace": traceback.format_tb(self.error.__traceback__),
        }


@dataclass
class LocalLambdaContext:
    """The context object Lambda passes to a handler."""

    function_name: str
    memory_limit_in_mb: int
    timeout_seconds: int
    region: str = "us-east-1"
    function_version: str = "$LATEST"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    _started: float = field(default_factory=time.monotonic)

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:{self.region}:{ACCOUNT}:function:{self.function_name}"

    @property
    def log_group_name(self) -> str:
        return f"/aws/lambda/{self.function_name}"

    @property
    def log_stream_name(self) -> str:
        return time.strftime("%Y/%m/%d/[$LATEST]") + self.aws_request_id.replace("-", "")

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self.timeout_seconds - (time.monotonic() - self._started)) * 1000))


@dataclass(frozen=True)
class Invocation:
    function: str
    request_id: str
    duration_ms: float
    result: Any


class FunctionRuntime:
    """Invokes any function of the template by logical id."""

    def __init__(
        self,
        template: dict[str, Any],
        resolver: tpl.Resolver,
        *,
        overrides: dict[str, str] | None = None,
        region: str = "us-east-1",
        after_invoke: Callable[[Invocation], None] | None = None,
    ) -> None:
        self.template = template
        self.resolver = resolver
        self.functions = tpl.functions(template)
        self.region = region
        self.overrides = dict(overrides or {})
        self.after_invoke = after_invoke
        self.lock = threading.RLock()
        self._current: str | None = None
        self._applied: dict[str, str | None] = {}  # variable -> the value it had before we set it
        self.invocations = 0

    # -- environment -------------------------------------------------------------------------
    def physical_name(self, logical_id: str) -> str:
        return f"syndicate-local-{logical_id}"

    def environment(self, logical_id: str) -> dict[str, str]:
        """What the process environment holds while ``logical_id`` runs (beyond the AWS settings)."""
        function = self.functions[logical_id]
        env = self.resolver.environment(function)
        layer_dir = self._layer_content(logical_id)
        if layer_dir is not None:
            # Layers are unpacked at /opt in Lambda; here /opt is the layer's own directory.
            env = {
                name: str(layer_dir) + value[4:] if value == "/opt" or value.startswith("/opt/") else value
                for name, value in env.items()
            }
        for name, value in self.overrides.items():
            if name in env:
                env[name] = value
        props = self.template["Resources"][logical_id].get("Properties", {})
        memory = props.get(
            "MemorySize", (self.template.get("Globals") or {}).get("Function", {}).get("MemorySize", 128)
        )
        env.update(
            AWS_LAMBDA_FUNCTION_NAME=self.physical_name(logical_id),
            AWS_LAMBDA_FUNCTION_MEMORY_SIZE=str(self.resolver.value(memory)),
            AWS_LAMBDA_FUNCTION_VERSION="$LATEST",
            AWS_LAMBDA_LOG_GROUP_NAME=f"/aws/lambda/{self.physical_name(logical_id)}",
            AWS_REGION=self.region,
        )
        return env

    def _layer_content(self, logical_id: str) -> Path | None:
        props = self.template["Resources"][logical_id].get("Properties", {})
        layers = props.get("Layers") or (self.template.get("Globals") or {}).get("Function", {}).get("Layers") or []
        for layer in layers:
            ref = layer.get("Ref") if isinstance(layer, dict) else None
            resource = self.template["Resources"].get(ref or "", {})
            content = (resource.get("Properties") or {}).get("ContentUri")
            if isinstance(content, str):
                return tpl.REPO / content.rstrip("/")
        return None

    def _switch_to(self, logical_id: str) -> None:
        if self._current == logical_id:
            return
        from syndicate import dependencies

        for name, previous in self._applied.items():
            if previous is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = previous
        wanted = self.environment(logical_id)
        self._applied = {name: os.environ.get(name) for name in wanted}
        os.environ.update(wanted)
        dependencies.forget()
        self._current = logical_id

    # -- invoking ----------------------------------------------------------------------------
    def handler(self, logical_id: str) -> Callable[[Any, Any], Any]:
        module_name, _, attribute = self.functions[logical_id].handler.rpartition(".")
        return getattr(importlib.import_module(module_name), attribute)

    def invoke(self, logical_id: str, event: Any) -> Any:
        """Run the function with ``event``; its result, or FunctionFailed if it raised."""
        if logical_id not in self.functions:
            raise KeyError(f"template.yaml has no function {logical_id}; it has {', '.join(sorted(self.functions))}")
        function = self.functions[logical_id]
        with self.lock:
            self._switch_to(logical_id)
            handler = self.handler(logical_id)
            memory = int(os.environ["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"])
            context = LocalLambdaContext(self.physical_name(logical_id), memory, function.timeout, self.region)
            started = time.perf_counter()
            try:
                result = handler(event, context)
            except Exception as error:
                print(f"[local] {logical_id} failed (request {context.aws_request_id}):", file=sys.stderr)
                traceback.print_exc()
                raise FunctionFailed(logical_id, error) from error
            finally:
                self.invocations += 1
            duration = (time.perf_counter() - started) * 1000
            if duration > function.timeout * 1000:
                print(
                    f"[local] {logical_id} ran {duration:.0f} ms, over its {function.timeout} s timeout: "
                    "Lambda would have stopped it",
                    file=sys.stderr,
                )
            if self.after_invoke is not None:
                self.after_invoke(Invocation(logical_id, context.aws_request_id, duration, result))
            return result

    def call_isolated(self, action: Callable[[], Any]) -> Any:
        """Run developer code (the console) while no function is running."""
        with self.lock:
            return action()
