"""Reading template.yaml: the single source of truth for tables, buckets, queues, routes, schedules.

Tests and the local stack build their resources from what this module reads, never from a copy.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, ClassVar

import yaml

REPO = Path(__file__).resolve().parents[2]
TEMPLATE_PATH = REPO / "template.yaml"


class _CloudFormationLoader(yaml.SafeLoader):
    """YAML with the short-form intrinsics (!Ref, !Sub, !GetAtt, ...) read as their long form."""


def _intrinsic(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    name = "Ref" if suffix == "Ref" else f"Fn::{suffix}"
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
        if suffix == "GetAtt":
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]  # a MappingNode here
    return {name: value}


_CloudFormationLoader.add_multi_constructor("!", _intrinsic)


@cache
def load(path: Path = TEMPLATE_PATH) -> dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        return yaml.load(handle, Loader=_CloudFormationLoader)  # noqa: S506 - a SafeLoader with CloudFormation's tags


def resources(template: dict[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    return {
        logical_id: resource.get("Properties", {}) or {}
        for logical_id, resource in template["Resources"].items()
        if resource["Type"] == resource_type
    }


# What the local stack and the tests answer for the Parameters an operator must answer at
# `sam deploy --guided` (they have no default in template.yaml, on purpose).
LOCAL_PARAMETER_VALUES = {
    "SenderEmail": "digest@syndicate.example",
    "SenderVerification": "address",
}


class MissingParameterValue(KeyError):
    """A Parameter of template.yaml has no default and no local value."""


def parameter_defaults(template: dict[str, Any]) -> dict[str, str]:
    """Every Parameter's value for local use: its default, or its LOCAL_PARAMETER_VALUES entry."""
    values = {}
    for name, spec in (template.get("Parameters") or {}).items():
        if "Default" in spec:
            values[name] = str(spec["Default"])
        elif name in LOCAL_PARAMETER_VALUES:
            values[name] = LOCAL_PARAMETER_VALUES[name]
        else:
            raise MissingParameterValue(
                f"template.yaml's Parameter {name} has no Default: give it a local value in "
                "syndicate_dev.template.LOCAL_PARAMETER_VALUES"
            )
    return values


def is_created(template: dict[str, Any], logical_id: str, resolver: Resolver) -> bool:
    """Whether the resource's Condition (if any) holds for the resolver's parameter values."""
    condition = template["Resources"][logical_id].get("Condition")
    return condition is None or resolver.condition(condition)


@dataclass(frozen=True)
class Route:
    function: str  # logical id
    event: str  # event name in the template
    method: str  # GET, POST, ... or ANY
    path: str  # /articles/{id}
    authorized: bool  # behind the API's default authorizer
    api: str | None = None  # logical id of the AWS::Serverless::Api
    authorizer: str | None = None  # name of the authorizer in that API's Auth.Authorizers


@dataclass(frozen=True)
class Schedule:
    function: str
    event: str
    expression: str  # rate(5 minutes), cron(...)
    input: str | None = None
    name: str | None = None
    timezone: str | None = None  # ScheduleExpressionTimezone (ScheduleV2)
    enabled: bool = True


@dataclass(frozen=True)
class QueueSource:
    function: str
    event: str
    queue: str  # logical id of the AWS::SQS::Queue
    batch_size: int
    report_batch_item_failures: bool


@dataclass
class Function:
    logical_id: str
    handler: str
    environment: dict[str, Any] = field(default_factory=dict)
    timeout: int = 3
    reserved_concurrency: Any = None


def functions(template: dict[str, Any]) -> dict[str, Function]:
    globals_ = (template.get("Globals") or {}).get("Function", {})
    global_env = (globals_.get("Environment") or {}).get("Variables", {})
    found = {}
    for logical_id, props in resources(template, "AWS::Serverless::Function").items():
        env = {**global_env, **((props.get("Environment") or {}).get("Variables", {}))}
        found[logical_id] = Function(
            logical_id=logical_id,
            handler=props["Handler"],
            environment=env,
            timeout=int(props.get("Timeout", globals_.get("Timeout", 3))),
            reserved_concurrency=props.get("ReservedConcurrentExecutions"),
        )
    return found


def _events(template: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for logical_id, props in resources(template, "AWS::Serverless::Function").items():
        for event_name, event in (props.get("Events") or {}).items():
            yield logical_id, event_name, event


def api_routes(template: dict[str, Any]) -> list[Route]:
    apis = resources(template, "AWS::Serverless::Api")
    routes = []
    for logical_id, event_name, event in _events(template):
        if event["Type"] != "Api":
            continue
        props = event["Properties"]
        api = apis.get((props.get("RestApiId") or {}).get("Ref", ""), {})
        default_authorizer = (api.get("Auth") or {}).get("DefaultAuthorizer")
        own = (props.get("Auth") or {}).get("Authorizer")
        authorized = own != "NONE" and bool(own or default_authorizer)
        authorizer = (own or default_authorizer) if authorized else None
        api_id = (props.get("RestApiId") or {}).get("Ref")
        routes.append(
            Route(logical_id, event_name, props["Method"].upper(), props["Path"], authorized, api_id, authorizer)
        )
    return routes


def schedules(template: dict[str, Any]) -> list[Schedule]:
    found = []
    for logical_id, event_name, event in _events(template):
        if event["Type"] in ("ScheduleV2", "Schedule"):
            props = event["Properties"]
            enabled = props.get("State", "ENABLED") != "DISABLED" and props.get("Enabled", True) is not False
            found.append(
                Schedule(
                    logical_id,
                    event_name,
                    props["ScheduleExpression"],
                    props.get("Input"),
                    props.get("Name"),
                    props.get("ScheduleExpressionTimezone"),
                    enabled,
                )
            )
    return found


def queue_sources(template: dict[str, Any]) -> list[QueueSource]:
    found = []
    for logical_id, event_name, event in _events(template):
        if event["Type"] == "SQS":
            props = event["Properties"]
            queue = props["Queue"]
            queue_id = queue["Fn::GetAtt"][0] if isinstance(queue, dict) and "Fn::GetAtt" in queue else str(queue)
            found.append(
                QueueSource(
                    logical_id,
                    event_name,
                    queue_id,
                    int(props.get("BatchSize", 10)),
                    "ReportBatchItemFailures" in (props.get("FunctionResponseTypes") or []),
                )
            )
    return found


_NO_VALUE = object()  # what !Ref AWS::NoValue stands for until deep_value drops it
_INTEGER = re.compile(r"-?[0-9]+")


def _number(text: str) -> int | float:
    """A Number parameter's value: an integer, or a decimal (thresholds such as 0.0008)."""
    return int(text) if _INTEGER.fullmatch(text.strip()) else float(text)


_SUB = re.compile(r"\$\{([^}!][^}]*)\}")


class Resolver:
    """Evaluates the intrinsics a function's environment uses, against names known locally."""

    def __init__(
        self,
        template: dict[str, Any],
        names: dict[str, str],
        parameters: dict[str, str] | None = None,
        region: str = "us-east-1",
        account: str = "123456789012",
    ) -> None:
        self.template = template
        self.names = names  # logical id -> physical name (table name, bucket name, queue URL, ...)
        self.attributes: dict[tuple[str, str], str] = {}
        self.parameters = {**parameter_defaults(template), **(parameters or {})}
        self.pseudo = {
            "AWS::Region": region,
            "AWS::AccountId": account,
            "AWS::StackName": "syndicate-local",
            "AWS::StackId": f"arn:aws:cloudformation:{region}:{account}:stack/syndicate-local/"
            "00000000-0000-4000-8000-000000000000",
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::Partition": "aws",
        }

    def ref(self, name: str) -> Any:
        if name in self.parameters:
            spec = (self.template.get("Parameters") or {}).get(name) or {}
            return _number(self.parameters[name]) if spec.get("Type") == "Number" else self.parameters[name]
        if name in self.pseudo:
            return self.pseudo[name]
        if name == "AWS::NoValue":
            return _NO_VALUE
        return self.names[name]

    def condition(self, name: str) -> bool:
        return bool(self.value((self.template.get("Conditions") or {})[name]))

    def value(self, node: Any) -> Any:
        """``node`` with its intrinsic function evaluated (a plain value is returned as it is)."""
        if not isinstance(node, dict) or len(node) != 1:
            return node
        ((key, arg),) = node.items()
        evaluate = self._INTRINSICS.get(key)
        return evaluate(self, arg) if evaluate else node

    def deep_value(self, node: Any) -> Any:
        """``node`` with every intrinsic function in it evaluated (``AWS::NoValue`` drops an entry)."""
        node = self.value(node)
        if isinstance(node, dict):
            items = ((key, self.deep_value(value)) for key, value in node.items())
            return {key: value for key, value in items if value is not _NO_VALUE}
        if isinstance(node, list):
            return [item for item in (self.deep_value(value) for value in node) if item is not _NO_VALUE]
        return node

    def _sub(self, arg: Any) -> str:
        text, extra = (arg, {}) if isinstance(arg, str) else (arg[0], arg[1])

        def substitute(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in extra:
                return str(self.value(extra[name]))
            if "." in name:
                logical, attribute = name.split(".", 1)
                return str(self.attributes[(logical, attribute)])
            return str(self.ref(name))

        return _SUB.sub(substitute, text)

    def _if(self, arg: Any) -> Any:
        name, yes, no = arg
        return self.value(yes if self.condition(name) else no)

    _INTRINSICS: ClassVar[dict[str, Callable[[Resolver, Any], Any]]] = {
        "Ref": lambda self, arg: self.ref(arg),
        "Fn::GetAtt": lambda self, arg: self.attributes[(arg[0], arg[1])],
        "Fn::Sub": _sub,
        "Fn::If": _if,
        "Fn::Equals": lambda self, arg: str(self.value(arg[0])) == str(self.value(arg[1])),
        "Fn::Not": lambda self, arg: not self.value(arg[0]),
        "Fn::And": lambda self, arg: all(self.value(part) for part in arg),
        "Fn::Or": lambda self, arg: any(self.value(part) for part in arg),
        "Fn::Join": lambda self, arg: arg[0].join(str(self.value(part)) for part in arg[1]),
        "Fn::Select": lambda self, arg: self.value(arg[1])[int(arg[0])],
        "Fn::Split": lambda self, arg: str(self.value(arg[1])).split(arg[0]),
        "Condition": lambda self, arg: self.condition(arg),
    }

    def environment(self, function: Function) -> dict[str, str]:
        return {name: str(self.value(value)) for name, value in function.environment.items()}
