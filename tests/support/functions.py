"""Invoking any function of template.yaml with exactly the environment the template gives it."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from syndicate import dependencies
from syndicate_dev import template as tpl
from tests.support.lambda_context import FakeLambdaContext
from tests.support.stack import Stack


class Functions:
    def __init__(self, stack: Stack, monkeypatch: Any) -> None:
        self._monkeypatch = monkeypatch
        self._functions = tpl.functions(stack.template)
        self._environments = {name: stack.environment(name) for name in self._functions}
        self._names = set().union(*self._environments.values())

    def activate(self, function: str) -> None:
        """This process now runs as ``function`` (other functions' variables are unset)."""
        for name in self._names:
            self._monkeypatch.delenv(name, raising=False)
        for name, value in self._environments[function].items():
            self._monkeypatch.setenv(name, value)
        dependencies.forget(clients=False)

    def configure(self, function: str, **variables: str) -> None:
        """Change ``function``'s environment, as a deployment with other Parameters would."""
        self._environments[function].update(variables)

    def invoke(self, function: str, event: dict[str, Any], context: Any = None) -> Any:
        self.activate(function)
        module_name, attribute = self._functions[function].handler.rsplit(".", 1)
        handler = getattr(importlib.import_module(module_name), attribute)
        return handler(event, context or FakeLambdaContext())

    def handler(self, function: str) -> Callable[[dict, Any], Any]:
        def call(event: dict, context: Any = None) -> Any:
            return self.invoke(function, event, context)

        return call
