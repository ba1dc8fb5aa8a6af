"""What the process environment holds while a function runs, and switching the process to it.

Every function of every local stack in this process shares one interpreter, so ``os.environ``,
the clock of ``syndicate.dependencies`` and its cached services and clients are process-wide.
An invocation (or the console's own work on a stack's tables) holds ``PROCESS_LOCK`` while they
are its own: template.yaml's variables resolved against its stack's names, plus what Lambda
sets, plus its stack's AWS endpoint and credentials. Switching to another function, or to
another stack, drops every cached service, client and Powertools parameter provider, as a fresh
container would start.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Hashable, Mapping
from pathlib import Path
from typing import Any

from syndicate import dependencies
from syndicate.clock import Clock, system_clock
from syndicate_dev import template as tpl

PROCESS_LOCK = threading.RLock()


class FunctionEnvironments:
    """Each function's environment as Lambda gives it, for one stack."""

    def __init__(
        self,
        template: dict[str, Any],
        resolver: tpl.Resolver,
        *,
        stack_name: str,
        region: str,
        overrides: Mapping[str, str] | None = None,
    ) -> None:
        self.template = template
        self.resolver = resolver
        self.functions = tpl.functions(template)
        self.stack_name = stack_name
        self.region = region
        self.overrides = dict(overrides or {})

    def physical_name(self, logical_id: str) -> str:
        return f"{self.stack_name}-{logical_id}"

    def of(self, logical_id: str) -> dict[str, str]:
        """What the process environment holds while ``logical_id`` runs (beyond the AWS settings)."""
        env = self._with_layer(logical_id, self.resolver.environment(self.functions[logical_id]))
        for name, value in self.overrides.items():
            if name in env:
                env[name] = value
        memory = self._property(logical_id, "MemorySize", 128)
        env.update(
            AWS_LAMBDA_FUNCTION_NAME=self.physical_name(logical_id),
            AWS_LAMBDA_FUNCTION_MEMORY_SIZE=str(self.resolver.value(memory)),
            AWS_LAMBDA_FUNCTION_VERSION="$LATEST",
            AWS_LAMBDA_LOG_GROUP_NAME=f"/aws/lambda/{self.physical_name(logical_id)}",
            AWS_REGION=self.region,
        )
        return env

    def _property(self, logical_id: str, name: str, default: Any) -> Any:
        """A function property, or the template's Globals for it, or Lambda's default."""
        own = self.template["Resources"][logical_id].get("Properties") or {}
        shared = (self.template.get("Globals") or {}).get("Function") or {}
        return own.get(name, shared.get(name, default))

    def _with_layer(self, logical_id: str, env: dict[str, str]) -> dict[str, str]:
        """Layers are unpacked at /opt in Lambda; here /opt is the layer's own directory."""
        layer_dir = self._layer_content(logical_id)
        if layer_dir is None:
            return env
        return {
            name: str(layer_dir) + value[4:] if value == "/opt" or value.startswith("/opt/") else value
            for name, value in env.items()
        }

    def _layer_content(self, logical_id: str) -> Path | None:
        for layer in self._property(logical_id, "Layers", None) or []:
            ref = layer.get("Ref") if isinstance(layer, dict) else None
            resource = self.template["Resources"].get(ref or "", {})
            content = (resource.get("Properties") or {}).get("ContentUri")
            if isinstance(content, str):
                return tpl.REPO / content.rstrip("/")
        return None


class ProcessEnvironment:
    """The one process environment, handed from owner to owner (an owner is a stack's function,
    or a stack itself for the console's work). Callers hold PROCESS_LOCK."""

    def __init__(self) -> None:
        self._owner: Hashable | None = None
        self._applied: dict[str, str | None] = {}  # variable -> the value it had before we set it

    def enter(self, owner: Hashable, variables: Mapping[str, str | None], clock: Clock) -> None:
        """Make the process ``owner``'s: ``variables`` set (None: unset), ``clock`` the services' clock."""
        if self._owner == owner:
            return
        self._restore()
        self._applied = {name: os.environ.get(name) for name in variables}
        for name, value in variables.items():
            _set(name, value)
        dependencies.use_clock(clock)  # and drops every cached service and client
        _forget_parameter_providers()
        self._owner = owner

    def release(self, belongs: Any) -> None:
        """Give the process back (variables restored, system clock) if ``belongs(owner)``."""
        if self._owner is not None and belongs(self._owner):
            self._restore()
            dependencies.use_clock(system_clock)
            self._owner = None

    def _restore(self) -> None:
        for name, previous in self._applied.items():
            _set(name, previous)
        self._applied = {}


def _forget_parameter_providers() -> None:
    """Powertools' parameter providers keep their own boto3 client (so its endpoint); none exist
    unless a function has imported them, and importing them here would only slow the start."""
    parameters = sys.modules.get("aws_lambda_powertools.utilities.parameters")
    if parameters is not None:
        parameters.clear_caches()


def _set(name: str, value: str | None) -> None:
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = value


PROCESS = ProcessEnvironment()
