"""The template's ``ScheduleV2`` / ``Schedule`` events, run at their rates or on demand.

Expressions: ``rate(N minute|minutes|hour|hours|day|days)``, ``cron(min hour dom month dow year)``
(AWS's six fields: ``*``, ``?``, lists, ranges, steps, names; ``L``, ``W`` and ``#`` are run on
demand only) and ``at(yyyy-mm-ddThh:mm:ss)``.
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from syndicate_dev import template as tpl
from syndicate_dev.local.runtime import ACCOUNT

_UNITS = {"minute": 60, "minutes": 60, "hour": 3600, "hours": 3600, "day": 86400, "days": 86400}
_MONTHS = {
    name: i
    for i, name in enumerate(["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"], 1)
}
_DAYS = {name: i for i, name in enumerate(["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"], 1)}  # AWS: 1 = Sunday


def schedule_name(event_name: str) -> str:
    """RenderFeedsSchedule -> render-feeds, DailyDigestSchedule -> daily-digest."""
    kebab = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "-", event_name).lower()
    return kebab.removesuffix("-schedule") or kebab


class UnsupportedExpression(ValueError):
    """An expression this local scheduler can only run on demand."""


def _field(text: str, low: int, high: int, names: dict[str, int] | None = None) -> set[int] | None:
    """The values a cron field allows; None for ``*`` or ``?``."""
    if text in ("*", "?"):
        return None
    if re.search(r"[LW#]", text):
        raise UnsupportedExpression(f"cron field {text!r}")
    values: set[int] = set()
    for part in text.split(","):
        base, _, step_text = part.partition("/")
        step = int(step_text) if step_text else 1
        if base == "*":
            start, end = low, high
        elif "-" in base:
            first, last = base.split("-", 1)
            start, end = _number(first, names), _number(last, names)
        else:
            start = _number(base, names)
            end = high if step_text else start
        values.update(range(start, end + 1, step))
    return values


def _number(text: str, names: dict[str, int] | None) -> int:
    return names[text.upper()] if names and text.upper() in names else int(text)


@dataclass(frozen=True)
class Cron:
    minutes: set[int] | None
    hours: set[int] | None
    days: set[int] | None
    months: set[int] | None
    weekdays: set[int] | None  # 1 = Sunday
    years: set[int] | None

    @classmethod
    def parse(cls, body: str) -> Cron:
        fields = body.split()
        if len(fields) != 6:
            raise UnsupportedExpression(f"cron({body}) needs six fields")
        return cls(
            _field(fields[0], 0, 59),
            _field(fields[1], 0, 23),
            _field(fields[2], 1, 31),
            _field(fields[3], 1, 12, _MONTHS),
            _field(fields[4], 1, 7, _DAYS),
            _field(fields[5], 1970, 2199),
        )

    def _day_matches(self, moment: datetime) -> bool:
        weekday = (moment.isoweekday() % 7) + 1  # Monday=1..Sunday=7 -> Sunday=1..Saturday=7
        return (
            (self.years is None or moment.year in self.years)
            and (self.months is None or moment.month in self.months)
            and (self.days is None or moment.day in self.days)
            and (self.weekdays is None or weekday in self.weekdays)
        )

    def next_after(self, moment: datetime) -> datetime | None:
        """The first minute strictly after ``moment`` that the expression names (within 5 years)."""
        candidate = moment.replace(second=0, microsecond=0) + timedelta(minutes=1)
        limit = moment + timedelta(days=5 * 366)
        while candidate < limit:
            if not self._day_matches(candidate):
                candidate = (candidate + timedelta(days=1)).replace(hour=0, minute=0)
            elif self.hours is not None and candidate.hour not in self.hours:
                candidate = (candidate + timedelta(hours=1)).replace(minute=0)
            elif self.minutes is not None and candidate.minute not in self.minutes:
                candidate += timedelta(minutes=1)
            else:
                return candidate
        return None


def next_run(expression: str, after: datetime, timezone_name: str | None = None) -> datetime | None:
    """When a schedule next fires after ``after`` (aware, UTC); None if never or on demand only."""
    expression = expression.strip()
    rate = re.fullmatch(r"rate\(\s*(\d+)\s+(\w+)\s*\)", expression)
    if rate:
        unit = _UNITS.get(rate.group(2).lower())
        if unit is None:
            raise UnsupportedExpression(expression)
        return after + timedelta(seconds=int(rate.group(1)) * unit)
    zone = ZoneInfo(timezone_name) if timezone_name else UTC
    cron = re.fullmatch(r"cron\((.+)\)", expression)
    if cron:
        found = Cron.parse(cron.group(1)).next_after(after.astimezone(zone))
        return found.astimezone(UTC) if found else None
    at = re.fullmatch(r"at\((.+)\)", expression)
    if at:
        moment = datetime.fromisoformat(at.group(1)).replace(tzinfo=zone).astimezone(UTC)
        return moment if moment > after else None
    raise UnsupportedExpression(expression)


@dataclass
class LocalSchedule:
    name: str
    function: str
    event_name: str
    expression: str
    input: str | None
    timezone: str | None
    enabled: bool
    kind: str  # ScheduleV2 or Schedule
    next_run: datetime | None = None
    last_run: datetime | None = None
    last_outcome: str | None = None
    runs: int = 0
    note: str | None = None
    physical_name: str = ""  # the schedule's name in AWS: the template's Name, or one unique to the stack

    def as_dict(self) -> dict[str, Any]:
        def iso(moment: datetime | None) -> str | None:
            return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None

        return {
            "name": self.name,
            "function": self.function,
            "event": self.event_name,
            "arn": self.arn,
            "expression": self.expression,
            "enabled": self.enabled,
            "next_run": iso(self.next_run),
            "last_run": iso(self.last_run),
            "last_outcome": self.last_outcome,
            "runs": self.runs,
            "note": self.note,
        }

    def event(self, moment: datetime) -> Any:
        """What the scheduler delivers: the template's Input (context attributes filled), or the
        default scheduled-event notification."""
        scheduled = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
        if self.input is not None:
            text = (
                self.input.replace("<aws.scheduler.scheduled-time>", scheduled)
                .replace("<aws.scheduler.schedule-arn>", self.arn)
                .replace("<aws.scheduler.execution-id>", str(uuid.uuid4()))
                .replace("<aws.scheduler.attempt-number>", "1")
            )
            try:
                return json.loads(text)
            except json.JSONDecodeError:
                return text
        source = "aws.scheduler" if self.kind == "ScheduleV2" else "aws.events"
        return {
            "version": "0",
            "id": str(uuid.uuid4()),
            "detail-type": "Scheduled Event",
            "source": source,
            "account": ACCOUNT,
            "time": scheduled,
            "region": "us-east-1",
            "resources": [self.arn],
            "detail": {},
        }

    @property
    def arn(self) -> str:
        name = self.physical_name or self.name
        if self.kind == "ScheduleV2":
            return f"arn:aws:scheduler:us-east-1:{ACCOUNT}:schedule/default/{name}"
        return f"arn:aws:events:us-east-1:{ACCOUNT}:rule/{name}"


def local_schedules(template: dict[str, Any], resolver: tpl.Resolver, stack_name: str) -> list[LocalSchedule]:
    found = []
    kinds = {
        (fn, name): event["Type"]
        for fn, props in tpl.resources(template, "AWS::Serverless::Function").items()
        for name, event in (props.get("Events") or {}).items()
    }
    for schedule in tpl.schedules(template):
        input_value = resolver.value(schedule.input) if schedule.input is not None else None
        if input_value is not None and not isinstance(input_value, str):
            input_value = json.dumps(input_value)
        name = schedule_name(schedule.event)
        found.append(
            LocalSchedule(
                name=name,
                function=schedule.function,
                event_name=schedule.event,
                expression=str(resolver.value(schedule.expression)),
                input=input_value,
                timezone=str(resolver.value(schedule.timezone)) if schedule.timezone else None,
                enabled=bool(schedule.enabled),
                kind=kinds[(schedule.function, schedule.event)],
                physical_name=str(resolver.value(schedule.name)) if schedule.name else f"{stack_name}-{name}",
            )
        )
    return found


class Scheduler:
    """Fires each enabled schedule at its next time, in a background thread."""

    def __init__(
        self,
        schedules: list[LocalSchedule],
        run: Callable[[LocalSchedule, datetime], Any],
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.schedules = {schedule.name: schedule for schedule in schedules}
        self._run = run
        self._now = now
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        for schedule in schedules:
            self._plan(schedule, now())

    def _plan(self, schedule: LocalSchedule, after: datetime) -> None:
        if not schedule.enabled:
            schedule.next_run, schedule.note = None, "disabled in template.yaml; run it on demand"
            return
        try:
            schedule.next_run = next_run(schedule.expression, after, schedule.timezone)
        except UnsupportedExpression as error:
            schedule.next_run, schedule.note = None, f"runs on demand only here ({error})"

    def describe(self) -> list[dict[str, Any]]:
        return [schedule.as_dict() for schedule in self.schedules.values()]

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="local-scheduler", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=10)

    def _loop(self) -> None:
        while not self._stop.is_set():
            now = self._now()
            due = [s for s in self.schedules.values() if s.next_run is not None and s.next_run <= now]
            for schedule in due:
                self._plan(schedule, now)
                with contextlib.suppress(Exception):
                    self.fire(schedule.name)
            upcoming = [s.next_run for s in self.schedules.values() if s.next_run is not None]
            wait = min([(moment - self._now()).total_seconds() for moment in upcoming] + [30.0])
            self._stop.wait(max(0.05, wait))

    def fire(self, name: str, at: datetime | None = None) -> Any:
        """Run a schedule now, as if it had been scheduled for ``at`` (default: now)."""
        schedule = self.schedules[name]
        schedule.last_run = self._now()
        schedule.runs += 1
        started = time.perf_counter()
        try:
            result = self._run(schedule, at or schedule.last_run)
        except Exception as error:
            schedule.last_outcome = f"failed: {type(error).__name__}: {error}"
            raise
        schedule.last_outcome = f"ok in {(time.perf_counter() - started) * 1000:.0f} ms"
        return result
