"""The template's CloudWatch alarms, with states computed locally.

moto keeps the alarms (created from template.yaml with the rest) and metric data, but it
evaluates no alarm, and nothing locally publishes the metrics AWS would. So the local stack
puts into moto's CloudWatch what CloudWatch would receive, stamped with the stack's clock
(``LocalMetrics``):

- each invocation's Embedded Metric Format lines (the functions' Powertools metrics, as
  CloudWatch Logs extracts them in AWS);
- Lambda's own metrics of each invocation: ``Invocations``, ``Errors``, ``Duration`` (a local
  function is never throttled, so ``Throttles`` has no data);
- API Gateway's of each request the API answers: ``Count``, ``4XXError``, ``5XXError``;
- SQS queue depths (``ApproximateNumberOfMessagesVisible``), sampled when alarms are evaluated.

SES publishes its reputation metrics from real mail only: locally they have no data. The
metrics are kept in memory and put into moto whenever the alarms are evaluated (a request to moto
per invocation would cost every API request milliseconds).

``LocalAlarms.states()`` evaluates every alarm as CloudWatch does (``EvaluationPeriods`` periods
ending now, or at the last clock boundary for a wall clock window; ``DatapointsToAlarm``;
``TreatMissingData``) from the data in moto, and records each state in moto (SetAlarmState), so
``aws cloudwatch describe-alarms --endpoint-url <moto>`` answers the same. moto matches a
metric's dimensions as a subset where CloudWatch wants them all; the template's alarms never
meet the difference (no metric they watch is also emitted with more dimensions).
"""

from __future__ import annotations

import json
import operator
import threading
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from syndicate_dev import template as tpl
from syndicate_dev.local.logs import FunctionLogs, LogLine
from syndicate_dev.local.runtime import Invocation
from syndicate_dev.provision import alarm_request

# Namespaces something of the local stack publishes (see the module's docstring).
LOCAL_SOURCES = ("Syndicate", "AWS/Lambda", "AWS/ApiGateway", "AWS/SQS")
_COMPARE: dict[str, Callable[[float, float], bool]] = {
    "GreaterThanThreshold": operator.gt,
    "GreaterThanOrEqualToThreshold": operator.ge,
    "LessThanThreshold": operator.lt,
    "LessThanOrEqualToThreshold": operator.le,
}
_STATISTICS = ("Sum", "Average", "Maximum", "Minimum", "SampleCount")
_PUT_LIMIT = 1000  # datapoints per PutMetricData request


def _dimensions(pairs: Iterable[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"Name": name, "Value": value} for name, value in pairs]


def emf_datapoints(lines: Iterable[LogLine], service: str, at: datetime) -> list[dict[str, Any]]:
    """The metrics of Embedded Metric Format lines, as PutMetricData takes them.

    Every local function shares one interpreter, so Powertools' Metrics object keeps the
    service name it read first; Lambda gives each container its own, so ``service`` (the
    function's POWERTOOLS_SERVICE_NAME) is the ``service`` dimension's value."""
    found = []
    for document in _json_documents(lines):
        for directive in (document.get("_aws") or {}).get("CloudWatchMetrics") or []:
            for names in directive["Dimensions"]:
                pairs = [(n, service if n == "service" else str(document[n])) for n in names]
                for metric in directive["Metrics"]:
                    value = document[metric["Name"]]
                    found.append(
                        {
                            "Namespace": directive["Namespace"],
                            "MetricName": metric["Name"],
                            "Dimensions": _dimensions(pairs),
                            "Timestamp": at,
                            "Values": [float(v) for v in (value if isinstance(value, list) else [value])],
                            "Unit": metric.get("Unit", "None"),
                        }
                    )
    return found


def _json_documents(lines: Iterable[LogLine]) -> Iterable[dict[str, Any]]:
    for line in lines:
        if not line.text.startswith("{"):
            continue
        try:
            document = json.loads(line.text)
        except ValueError:
            continue
        if isinstance(document, dict):
            yield document


class LocalMetrics:
    """Puts into moto's CloudWatch what CloudWatch would receive (an invocation listener)."""

    def __init__(
        self,
        cloudwatch: Any,
        clock: Callable[[], datetime],
        logs: FunctionLogs,
        *,
        function_names: Callable[[str], str],
        services: Callable[[str], str],
        api: tuple[str, str],
    ) -> None:
        self.cloudwatch = cloudwatch
        self.clock = clock
        self.logs = logs
        self.function_names = function_names  # logical id -> physical name
        self.services = services  # logical id -> its POWERTOOLS_SERVICE_NAME
        self.api_name, self.stage = api
        self._pending: list[dict[str, Any]] = []
        self._lock = threading.Lock()

    def invocation_started(self, function: str, request_id: str) -> None:
        pass

    def invocation_finished(self, invocation: Invocation) -> None:
        at = self.clock()
        lines = self.logs.of_request(invocation.request_id)
        data = emf_datapoints(lines, self.services(invocation.function), at)
        name = _dimensions([("FunctionName", self.function_names(invocation.function))])
        failed = 1.0 if invocation.error is not None else 0.0
        for metric, value, unit in (
            ("Invocations", 1.0, "Count"),
            ("Errors", failed, "Count"),
            ("Duration", invocation.duration_ms, "Milliseconds"),
        ):
            data.append(self._datum("AWS/Lambda", metric, name, value, unit, at))
        self.put(data)

    def api_reply(self, status: int) -> None:
        """One answer of the API (what API Gateway counts for the stage)."""
        at = self.clock()
        stage = _dimensions([("ApiName", self.api_name), ("Stage", self.stage)])
        self.put(
            [
                self._datum("AWS/ApiGateway", "Count", stage, 1.0, "Count", at),
                self._datum("AWS/ApiGateway", "4XXError", stage, float(400 <= status < 500), "Count", at),
                self._datum("AWS/ApiGateway", "5XXError", stage, float(status >= 500), "Count", at),
            ]
        )

    def put(self, data: list[dict[str, Any]]) -> None:
        """Kept until ``flush`` (or a full request's worth): a request to moto per invocation
        would cost each API request milliseconds."""
        with self._lock:
            self._pending.extend(data)
            full = len(self._pending) >= _PUT_LIMIT
        if full:
            self.flush()

    def flush(self) -> None:
        """Everything measured so far, into moto's CloudWatch."""
        with self._lock:
            data, self._pending = self._pending, []
        by_namespace: dict[str, list[dict[str, Any]]] = {}
        for datum in data:
            by_namespace.setdefault(datum["Namespace"], []).append({k: v for k, v in datum.items() if k != "Namespace"})
        for namespace, metric_data in by_namespace.items():
            for start in range(0, len(metric_data), _PUT_LIMIT):
                self.cloudwatch.put_metric_data(Namespace=namespace, MetricData=metric_data[start : start + _PUT_LIMIT])

    @staticmethod
    def _datum(
        namespace: str, metric: str, dimensions: list[dict[str, str]], value: float, unit: str, at: datetime
    ) -> dict[str, Any]:
        return {
            "Namespace": namespace,
            "MetricName": metric,
            "Dimensions": dimensions,
            "Timestamp": at,
            "Value": value,
            "Unit": unit,
        }


@dataclass(frozen=True)
class AlarmState:
    """An alarm of the template and the state its data puts it in now."""

    logical_id: str
    name: str
    state: str  # OK, ALARM or INSUFFICIENT_DATA
    reason: str
    description: str
    namespace: str
    metric: str
    dimensions: dict[str, str]
    statistic: str
    comparison: str
    threshold: float
    period: int
    evaluation_periods: int
    datapoints_to_alarm: int
    treat_missing_data: str
    values: list[float | None] = field(default_factory=list)  # per period, newest first; None: no data

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class LocalAlarms:
    """Every alarm of one local stack; ``states()`` evaluates them now."""

    def __init__(
        self,
        template: dict[str, Any],
        resolver: tpl.Resolver,
        *,
        cloudwatch: Any,
        sqs: Any,
        clock: Callable[[], datetime],
        metrics: LocalMetrics | None = None,
    ) -> None:
        self.resolver = resolver
        self.metrics = metrics  # flushed before each evaluation
        self.cloudwatch = cloudwatch
        self.sqs = sqs
        self.clock = clock
        self.requests = {
            logical_id: alarm_request(props, resolver)
            for logical_id, props in tpl.resources(template, "AWS::CloudWatch::Alarm").items()
            if tpl.is_created(template, logical_id, resolver)
        }
        self._states: dict[str, str] = {}

    def names(self) -> dict[str, str]:
        """Logical id -> the alarm's name in moto."""
        return {logical_id: self.resolver.names[logical_id] for logical_id in self.requests}

    def states(self) -> list[AlarmState]:
        """Every alarm, evaluated now (queue depths sampled first)."""
        if self.metrics is not None:
            self.metrics.flush()
        now = self.clock()
        self._sample_queues(now)
        found = [self._evaluate(logical_id, request, now) for logical_id, request in sorted(self.requests.items())]
        for alarm in found:
            if self._states.get(alarm.logical_id) != alarm.state:
                self.cloudwatch.set_alarm_state(AlarmName=alarm.name, StateValue=alarm.state, StateReason=alarm.reason)
                self._states[alarm.logical_id] = alarm.state
        return found

    # -- sources -------------------------------------------------------------------------------
    def _sample_queues(self, now: datetime) -> None:
        queues = {
            dimension["Value"]
            for request in self.requests.values()
            if request.get("Namespace") == "AWS/SQS"
            for dimension in request["Dimensions"]
            if dimension["Name"] == "QueueName"
        }
        data = []
        for queue in sorted(queues):
            url = self.sqs.get_queue_url(QueueName=queue)["QueueUrl"]
            attributes = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
            visible = float(attributes["Attributes"]["ApproximateNumberOfMessages"])
            data.append(
                {
                    "MetricName": "ApproximateNumberOfMessagesVisible",
                    "Dimensions": _dimensions([("QueueName", queue)]),
                    "Timestamp": now,
                    "Value": visible,
                    "Unit": "Count",
                }
            )
        if data:
            self.cloudwatch.put_metric_data(Namespace="AWS/SQS", MetricData=data)

    # -- evaluating ----------------------------------------------------------------------------
    def _evaluate(self, logical_id: str, request: dict[str, Any], now: datetime) -> AlarmState:
        period = int(request.get("Period", 60))
        periods = int(request.get("EvaluationPeriods", 1))
        needed = int(request.get("DatapointsToAlarm", periods))
        statistic = str(request.get("Statistic", ""))
        compare = _COMPARE.get(str(request.get("ComparisonOperator")))
        state = AlarmState(
            logical_id=logical_id,
            name=self.resolver.names[logical_id],
            state="INSUFFICIENT_DATA",
            reason="",
            description=str(request.get("AlarmDescription", "")),
            namespace=str(request.get("Namespace", "")),
            metric=str(request.get("MetricName", "")),
            dimensions={d["Name"]: d["Value"] for d in request.get("Dimensions", [])},
            statistic=statistic,
            comparison=str(request.get("ComparisonOperator", "")),
            threshold=float(request.get("Threshold", 0.0)),
            period=period,
            evaluation_periods=periods,
            datapoints_to_alarm=needed,
            treat_missing_data=str(request.get("TreatMissingData", "missing")),
        )
        if compare is None or statistic not in _STATISTICS or "Metrics" in request:
            return _replace(state, reason="not evaluated locally: only a static threshold on one metric's statistic is")
        values = self._values(request, evaluation_periods(request, now))
        return decide(state, values, compare, self._states.get(logical_id, "INSUFFICIENT_DATA"))

    def _values(self, request: dict[str, Any], periods: list[tuple[datetime, datetime]]) -> list[float | None]:
        query = {
            "Namespace": request["Namespace"],
            "MetricName": request["MetricName"],
            "Dimensions": request.get("Dimensions", []),
            "Statistics": [request["Statistic"]],
        }
        oldest, newest = periods[-1][0], periods[0][1]
        whole = int((newest - oldest).total_seconds())
        if not self.cloudwatch.get_metric_statistics(StartTime=oldest, EndTime=newest, Period=whole, **query)[
            "Datapoints"
        ]:
            return [None] * len(periods)  # nothing at all: no need to ask period by period
        values: list[float | None] = []
        for start, end in periods:
            seconds = int((end - start).total_seconds())
            points = self.cloudwatch.get_metric_statistics(StartTime=start, EndTime=end, Period=seconds, **query)
            found = points["Datapoints"]
            values.append(float(found[0][request["Statistic"]]) if found else None)
        return values


def evaluation_periods(request: dict[str, Any], now: datetime) -> list[tuple[datetime, datetime]]:
    """(start, end) of each evaluated period, newest first."""
    period = timedelta(seconds=int(request.get("Period", 60)))
    count = int(request.get("EvaluationPeriods", 1))
    wall_clock = (request.get("EvaluationWindow") or {}).get("WallClockWindow")
    if wall_clock is None:
        end = now + timedelta(seconds=1)  # what was measured at ``now`` counts (moto's ends are exclusive)
        return [(end - period * (i + 1), end - period * i) for i in range(count)]
    zone = ZoneInfo(str(wall_clock.get("Timezone") or "UTC"))
    local = now.astimezone(zone)
    boundary = _last_boundary(local, int(period.total_seconds()))
    step = timedelta(days=7) if period.total_seconds() == 604_800 else period
    ends = [_shift(boundary, step, i) for i in range(count + 1)]  # a day is a calendar day, 23-25 hours
    return [(ends[i + 1].astimezone(now.tzinfo), ends[i].astimezone(now.tzinfo)) for i in range(count)]


def _last_boundary(local: datetime, period: int) -> datetime:
    """The last clock boundary of ``period`` at or before ``local`` (a week starts on Monday)."""
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    if period >= 86_400:
        return midnight - timedelta(days=local.weekday()) if period == 604_800 else midnight
    elapsed = int((local - midnight).total_seconds())
    return midnight + timedelta(seconds=elapsed - elapsed % period)


def _shift(boundary: datetime, step: timedelta, times: int) -> datetime:
    """``times`` steps before ``boundary``, whole days counted on the wall clock."""
    if step >= timedelta(days=1):
        naive = boundary.replace(tzinfo=None) - step * times
        return naive.replace(tzinfo=boundary.tzinfo)
    return boundary - step * times


def decide(
    state: AlarmState, values: list[float | None], compare: Callable[[float, float], bool], previous: str
) -> AlarmState:
    """The alarm's state from its periods' values (None: no data), as CloudWatch decides it."""
    treat = state.treat_missing_data
    present = [v for v in values if v is not None]
    shown = ", ".join("-" if v is None else f"{v:g}" for v in values)
    sourced = state.namespace in LOCAL_SOURCES
    if not present and treat in ("missing", "ignore"):
        why = "no data" if sourced else f"no data: nothing publishes {state.namespace} locally"
        return _replace(state, state=previous if treat == "ignore" else "INSUFFICIENT_DATA", reason=why, values=values)
    if treat == "breaching":
        verdicts = [v is None or compare(v, state.threshold) for v in values]
    elif treat == "notBreaching":
        verdicts = [v is not None and compare(v, state.threshold) for v in values]
    else:
        verdicts = [compare(v, state.threshold) for v in present]
    breaching = sum(verdicts)
    result = "ALARM" if breaching >= state.datapoints_to_alarm else "OK"
    reason = (
        f"{breaching} of {len(verdicts)} periods breaching (need {state.datapoints_to_alarm}); "
        f"{state.statistic} per {state.period} s, newest first: [{shown}] against {state.threshold:g}"
    )
    return _replace(state, state=result, reason=reason, values=values)


def _replace(alarm: AlarmState, **changes: Any) -> AlarmState:
    return replace(alarm, **changes)
