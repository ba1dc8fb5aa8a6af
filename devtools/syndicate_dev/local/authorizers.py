"""The Lambda authorizers of an ``AWS::Serverless::Api``: what the template declares, their
results cached per identity source for ``ReauthorizeEvery`` seconds, and IAM policy evaluation
of a method ARN against the policy an authorizer returned."""

from __future__ import annotations

import fnmatch
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from syndicate_dev import template as tpl


@dataclass(frozen=True)
class Authorizer:
    name: str
    function: str  # logical id of the authorizer function
    identity_headers: tuple[str, ...]
    identity_queries: tuple[str, ...]
    ttl_seconds: int


def authorizers_of(api: dict[str, Any], resolver: tpl.Resolver) -> dict[str, Authorizer]:
    """The API's Lambda authorizers (Auth.Authorizers with a FunctionArn of this template)."""
    found = {}
    for name, spec in ((api.get("Auth") or {}).get("Authorizers") or {}).items():
        arn = spec.get("FunctionArn")
        if not (isinstance(arn, dict) and "Fn::GetAtt" in arn):
            continue
        identity = spec.get("Identity") or {}
        default_headers = [] if spec.get("FunctionPayloadType") == "REQUEST" else ["Authorization"]
        found[name] = Authorizer(
            name=name,
            function=arn["Fn::GetAtt"][0],
            identity_headers=tuple(identity.get("Headers") or default_headers),
            identity_queries=tuple(identity.get("QueryStrings") or []),
            ttl_seconds=int(resolver.value(identity.get("ReauthorizeEvery", 300))),
        )
    return found


class AuthorizerCache:
    """Policies by (authorizer, identity), each until its authorizer's TTL runs out on ``now``
    (seconds; the local stack's clock, so moving that clock on expires them too)."""

    def __init__(self, now: Callable[[], float] = time.monotonic) -> None:
        self._now = now
        self._entries: dict[tuple[str, tuple[str, ...]], tuple[float, dict[str, Any]]] = {}
        self._lock = threading.Lock()

    def get(self, authorizer: Authorizer, identity: tuple[str, ...]) -> dict[str, Any] | None:
        with self._lock:
            cached = self._entries.get((authorizer.name, identity))
        return cached[1] if cached and cached[0] > self._now() else None

    def put(self, authorizer: Authorizer, identity: tuple[str, ...], policy: dict[str, Any]) -> None:
        if authorizer.ttl_seconds > 0:
            with self._lock:
                self._entries[(authorizer.name, identity)] = (self._now() + authorizer.ttl_seconds, policy)

    def forget(self) -> None:
        """What FlushStageAuthorizersCache does to a stage."""
        with self._lock:
            self._entries.clear()


def allows(document: dict[str, Any], method_arn: str) -> bool:
    """IAM evaluation of an authorizer's policy: an explicit Deny wins, else some Allow is needed."""
    allowed = False
    for statement in document.get("Statement") or []:
        resources = statement.get("Resource") or []
        resources = [resources] if isinstance(resources, str) else resources
        if not any(fnmatch.fnmatchcase(method_arn, pattern) for pattern in resources):
            continue
        if statement.get("Effect") == "Deny":
            return False
        allowed = allowed or statement.get("Effect") == "Allow"
    return allowed
