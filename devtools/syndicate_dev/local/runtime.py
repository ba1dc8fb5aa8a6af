"""Running the template's functions in this process, each with exactly its own environment.

Invocations are serialised process-wide (``environment.PROCESS_LOCK``): the process environment
is the running function's, and listeners (the outbox, the function logs, the terminal) are told
when each invocation starts and ends, so what happened in between is that invocation's.
"""

from __future__ import annotations

import importlib
import json
import sys
import time
import traceback
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from syndicate.clock import Clock
from syndicate_dev.local.environment import PROCESS, PROCESS_LOCK, FunctionEnvironments

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


class Invoker(Protocol):
    """What the gateway and the queue delivery need from a runtime."""

    @property
    def region(self) -> str: ...

    def invoke(self, function: str, event: Any) -> Any:
        """The function's result, or FunctionFailed if it raised."""
        ...


@dataclass(frozen=True)
class Invocation:
    function: str
    request_id: str
    duration_ms: float
    error: BaseException | None = None
    over_timeout: bool = False  # Lambda would have stopped it

    @property
    def outcome(self) -> str:
        if self.error is not None:
            return f"failed: {type(self.error).__name__}: {self.error}"
        return "ok, over its timeout: Lambda would have stopped it" if self.over_timeout else "ok"


class InvocationListener(Protocol):
    """Told when each invocation starts and ends (both under the process lock)."""

    def invocation_started(self, function: str, request_id: str) -> None: ...

    def invocation_finished(self, invocation: Invocation) -> None: ...


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


class FunctionRuntime:
    """Invokes any function of one stack's template by logical id."""

    def __init__(
        self,
        environments: FunctionEnvironments,
        *,
        aws: Mapping[str, str | None],
        clock: Clock,
        listeners: Iterable[InvocationListener] = (),
        owner: object = None,
    ) -> None:
        self.owner = owner if owner is not None else self  # the stack whose functions these are
        self.environments = environments
        self.functions = environments.functions
        self.region = environments.region
        self.aws = dict(aws)  # the stack's endpoint, credentials and region, for every function
        self.clock = clock
        self.listeners = list(listeners)
        self.invocations = 0

    def handler(self, logical_id: str) -> Callable[[Any, Any], Any]:
        module_name, _, attribute = self.functions[logical_id].handler.rpartition(".")
        return getattr(importlib.import_module(module_name), attribute)

    def invoke(self, logical_id: str, event: Any) -> Any:
        """Run the function with ``event``; its result, or FunctionFailed if it raised."""
        if logical_id not in self.functions:
            raise KeyError(f"template.yaml has no function {logical_id}; it has {', '.join(sorted(self.functions))}")
        with PROCESS_LOCK:
            PROCESS.enter((self.owner, logical_id), {**self.aws, **self.environments.of(logical_id)}, self.clock)
            handler = self.handler(logical_id)
            context = self._context(logical_id)
            for listener in self.listeners:
                listener.invocation_started(logical_id, context.aws_request_id)
            started = time.perf_counter()
            result, error = _call(handler, event, context)
            self.invocations += 1
            duration = (time.perf_counter() - started) * 1000
            timeout = self.functions[logical_id].timeout
            invocation = Invocation(logical_id, context.aws_request_id, duration, error, duration > timeout * 1000)
            for listener in self.listeners:
                listener.invocation_finished(invocation)
        if error is not None:
            raise FunctionFailed(logical_id, error) from error
        return result

    def _context(self, logical_id: str) -> LocalLambdaContext:
        memory = int(self.environments.of(logical_id)["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"])
        timeout = self.functions[logical_id].timeout
        return LocalLambdaContext(self.environments.physical_name(logical_id), memory, timeout, self.region)

    def call_isolated(self, action: Callable[[], Any]) -> Any:
        """Run developer code (the console's) against this stack while no function is running."""
        with PROCESS_LOCK:
            PROCESS.enter((self.owner, None), self.aws, self.clock)
            return action()


def _call(handler: Callable[[Any, Any], Any], event: Any, context: LocalLambdaContext) -> tuple[Any, Exception | None]:
    try:
        return handler(event, context), None
    except Exception as error:
        # What Lambda's runtime writes to the function's log for an unhandled error.
        report = {**FunctionFailed("", error).payload(), "requestId": context.aws_request_id}
        print(json.dumps(report), file=sys.stderr, flush=True)
        return None, error
