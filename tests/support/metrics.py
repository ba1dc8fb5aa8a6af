"""Which CloudWatch metrics exist: the ones our code emits (read from the code) and the ones AWS
publishes for the services the template uses (read from their documentation).

An alarm or a dashboard widget on any other metric would watch nothing, for ever.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from syndicate_dev import template as tpl

FUNCTIONS = tpl.REPO / "functions" / "syndicate"
NAMESPACE = "Syndicate"  # POWERTOOLS_METRICS_NAMESPACE in template.yaml's Globals
SERVICE_DIMENSION = "service"  # what Powertools adds to every metric (POWERTOOLS_SERVICE_NAME)

# What AWS publishes, by namespace and metric, with the dimension sets it publishes them under:
# Lambda https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html
# SQS https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html
# API Gateway (REST) https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-metrics-and-dimensions.html
# SES https://docs.aws.amazon.com/ses/latest/dg/monitor-sending-activity-using-cloudwatch.html
#     (account-level sending metrics and the reputation metrics, without dimensions)
_LAMBDA: set[tuple[str, ...]] = {("FunctionName",), ()}
_SQS: set[tuple[str, ...]] = {("QueueName",)}
_API: set[tuple[str, ...]] = {("ApiName",), ("ApiName", "Stage")}
AWS_METRICS: dict[tuple[str, str], set[tuple[str, ...]]] = {
    **{("AWS/Lambda", m): _LAMBDA for m in ("Invocations", "Errors", "Throttles", "Duration", "ConcurrentExecutions")},
    **{
        ("AWS/SQS", m): _SQS
        for m in (
            "ApproximateNumberOfMessagesVisible",
            "ApproximateNumberOfMessagesNotVisible",
            "ApproximateAgeOfOldestMessage",
            "NumberOfMessagesSent",
            "NumberOfMessagesReceived",
            "NumberOfMessagesDeleted",
        )
    },
    **{("AWS/ApiGateway", m): _API for m in ("Count", "4XXError", "5XXError", "Latency", "IntegrationLatency")},
    **{
        ("AWS/SES", m): {()}
        for m in (
            "Send",
            "Delivery",
            "Bounce",
            "Complaint",
            "Reject",
            "Rendering Failure",
            "Reputation.BounceRate",
            "Reputation.ComplaintRate",
        )
    },
}


@dataclass(frozen=True)
class Metric:
    namespace: str
    name: str
    dimensions: dict[str, object]  # name -> value (as the template gives it: may be an intrinsic)


def _python_files() -> Iterator[Path]:
    yield from sorted(FUNCTIONS.rglob("*.py"))


def _module_dicts(tree: ast.Module) -> dict[str, list[str]]:
    """Module-level ``NAME = {...: "text", ...}``: the texts a ``NAME[...]`` may stand for."""
    found: dict[str, list[str]] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict) and len(node.targets) == 1:
            target = node.targets[0]
            values = [v.value for v in node.value.values if isinstance(v, ast.Constant) and isinstance(v.value, str)]
            if isinstance(target, ast.Name) and len(values) == len(node.value.values):
                found[target.id] = values
    return found


def _name_argument(call: ast.Call) -> ast.expr | None:
    for keyword in call.keywords:
        if keyword.arg == "name":
            return keyword.value
    return call.args[0] if call.args else None


def _called(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return call.func.id if isinstance(call.func, ast.Name) else None


@cache
def code_names(function: str) -> frozenset[str]:
    """Every text our code passes as ``name`` to ``function`` (``add_metric``, ``single_metric``,
    ``add_dimension``). A name the code computes some other way fails: say here how to read it."""
    names: set[str] = set()
    for path in _python_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        tables = _module_dicts(tree)
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and _called(node) == function):
                continue
            found = _possible_names(_name_argument(node), tables)
            if found is None:
                raise AssertionError(f"{path}:{node.lineno}: cannot tell which name {function} is given")
            names.update(found)
    return frozenset(names)


def _possible_names(argument: ast.expr | None, tables: dict[str, list[str]]) -> set[str] | None:
    """The texts an argument can be: a literal, an entry of a module-level dict, or either branch
    of a conditional expression of those; None for anything else."""
    if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
        return {argument.value}
    if isinstance(argument, ast.Subscript) and isinstance(argument.value, ast.Name):
        return set(tables[argument.value.id])
    if isinstance(argument, ast.IfExp):
        body, orelse = _possible_names(argument.body, tables), _possible_names(argument.orelse, tables)
        return None if body is None or orelse is None else body | orelse
    return None


def emitted_metric_names() -> frozenset[str]:
    """Every metric our functions emit (namespace ``Syndicate``)."""
    return code_names("add_metric") | code_names("single_metric")


def emitted_dimension_names() -> frozenset[str]:
    """Dimensions our code adds besides ``service``."""
    return code_names("add_dimension")


@cache
def logged_messages() -> frozenset[str]:
    """Every literal message the functions log (``logger.info("...")`` and the other levels)."""
    messages: set[str] = set()
    for path in _python_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and _called(node) in ("debug", "info", "warning", "error", "exception")
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                messages.add(node.args[0].value)
    return frozenset(messages)


def problems_with(metric: Metric, service: object) -> list[str]:
    """Why ``metric`` is not one that exists (empty when it is), ``service`` being the value
    the functions' POWERTOOLS_SERVICE_NAME has."""
    label = f"{metric.namespace} {metric.name} {sorted(metric.dimensions)}"
    if metric.namespace == NAMESPACE:
        problems = []
        if metric.name not in emitted_metric_names():
            problems.append(f"{label}: no function emits {metric.name}")
        if metric.dimensions.get(SERVICE_DIMENSION) != service:
            problems.append(f"{label}: the service dimension is not POWERTOOLS_SERVICE_NAME ({service!r})")
        others = set(metric.dimensions) - {SERVICE_DIMENSION}
        if not others <= emitted_dimension_names():
            problems.append(f"{label}: the code adds no dimension {sorted(others - emitted_dimension_names())}")
        return problems
    published = AWS_METRICS.get((metric.namespace, metric.name))
    if published is None:
        return [f"{label}: not a metric AWS publishes (add it to AWS_METRICS with its documentation)"]
    if tuple(sorted(metric.dimensions)) not in {tuple(sorted(d)) for d in published}:
        return [f"{label}: AWS publishes it only under {sorted(published)}"]
    return []
