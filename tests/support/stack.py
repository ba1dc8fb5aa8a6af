"""The template's resources on moto, and the environment template.yaml gives each function."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from syndicate import dependencies
from syndicate_dev import template as tpl
from syndicate_dev.provision import create_resources


@dataclass
class Stack:
    resolver: tpl.Resolver
    template: dict[str, Any]

    def environment(self, function: str) -> dict[str, str]:
        env = self.resolver.environment(tpl.functions(self.template)[function])
        env["SCHEMAS_DIR"] = str(tpl.REPO / "schemas")  # the ContractLayer's content, unpacked
        return env

    def use(self, function: str, monkeypatch: Any) -> dict[str, str]:
        """Give this process the environment template.yaml gives ``function``."""
        env = self.environment(function)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        dependencies.forget()
        return env

    def name(self, logical_id: str) -> str:
        return self.resolver.names[logical_id]


def build_stack(prefix: str) -> Stack:
    template = tpl.load()
    return Stack(create_resources(template, prefix=prefix), template)


def invoke(handler: Any, event: dict[str, Any]) -> dict[str, Any]:
    from tests.support.lambda_context import FakeLambdaContext

    return handler(event, FakeLambdaContext())
