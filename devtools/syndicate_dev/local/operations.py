"""The console's operations panel: what an operator watches, on one local stack.

* the depth of every dead-letter queue of template.yaml (the queues a redrive policy, a
  function's ``DeadLetterQueue``, a schedule's ``DeadLetterConfig`` or an ``OnFailure``
  destination names);
* the last feed render that finished, and how long ago (by the stack's clock);
* whether digests are paused, and why, with a Resume button;
* each edition's delivery report, as ``syndicate digests report`` prints it.

Its JSON twin ``GET /_local/operations.json`` and its actions ``POST /_local/operations/resume``
and ``POST /_local/operations/redrive`` are what ``syndicate digests --endpoint URL`` calls. The
digest work runs through ``syndicate_dev.delivery``, inside the stack's process environment
(``call_isolated``), so it reads and writes exactly what the functions do.

``GET /_local/ses/account.json`` and ``POST /_local/ses/account`` read and change what SES says
of the account (``moto_gaps``: sending enabled, enforcement status, production access, send
rate), so the guard can be watched pausing and resuming without sending thousands of emails.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any
from urllib.parse import quote_plus

from syndicate.clock import Clock, isoformat
from syndicate_dev import delivery, moto_gaps
from syndicate_dev import template as tpl
from syndicate_dev.local.runtime import Invocation
from syndicate_dev.local.wire import Reply

RENDER_HANDLER = "syndicate.handlers.render_feeds.handler"
_DEAD_LETTER_KEYS = ("DeadLetter", "OnFailure")


def _queues_named(node: Any, queues: set[str], inside: bool = False) -> Iterator[str]:
    """Logical ids of the SQS queues named (by ``!GetAtt Queue.Arn``) under a dead-letter key."""
    if isinstance(node, dict):
        target = node.get("Fn::GetAtt")
        if inside and isinstance(target, list) and target and target[0] in queues:
            yield str(target[0])
        for key, value in node.items():
            yield from _queues_named(value, queues, inside or any(mark in key for mark in _DEAD_LETTER_KEYS))
    elif isinstance(node, list):
        for value in node:
            yield from _queues_named(value, queues, inside)


def dead_letter_queues(template: dict[str, Any]) -> list[str]:
    """Every queue of the template that holds what something else failed to process."""
    queues = set(tpl.resources(template, "AWS::SQS::Queue"))
    redrive_targets = (
        ((props.get("RedrivePolicy") or {}).get("deadLetterTargetArn") or {}).get("Fn::GetAtt", [None])[0]
        for props in tpl.resources(template, "AWS::SQS::Queue").values()
    )
    named = set(_queues_named(template.get("Resources", {}), queues)) | {q for q in redrive_targets if q in queues}
    return sorted(named)


def delivery_names(resolver: tpl.Resolver) -> delivery.DeliveryNames | None:
    """Where this stack keeps digest delivery, if its template has digests at all."""
    names = resolver.names
    wanted = ("SubscribersTable", "DigestQueue", "DigestDeadLetterQueue")
    if not all(name in names for name in wanted):
        return None
    return delivery.DeliveryNames(*(names[name] for name in wanted))


class OperationsPanel:
    """An ``InvocationListener`` (it notes finished renders) and the panel's routes and state."""

    def __init__(
        self,
        *,
        template: dict[str, Any],
        resolver: tpl.Resolver,
        sqs: Any,
        clock: Clock,
        call_isolated: Callable[[Callable[[], Any]], Any],
    ) -> None:
        self._dead_letters = {name: resolver.names[name] for name in dead_letter_queues(template)}
        self._renderers = {f.logical_id for f in tpl.functions(template).values() if f.handler == RENDER_HANDLER}
        self._names = delivery_names(resolver)
        self._sqs = sqs
        self._clock = clock
        self._call_isolated = call_isolated
        self._last_render: tuple[str, datetime] | None = None

    # -- InvocationListener ------------------------------------------------------------------
    def invocation_started(self, function: str, request_id: str) -> None:
        pass

    def invocation_finished(self, invocation: Invocation) -> None:
        if invocation.function in self._renderers and invocation.error is None:
            self._last_render = (invocation.function, self._clock())

    # -- state and actions -------------------------------------------------------------------
    def state(self, edition_id: str | None = None) -> dict[str, Any]:
        found: dict[str, Any] = {
            "dead_letter_queues": {name: self._depth(url) for name, url in self._dead_letters.items()},
            "last_render": self._render_state(),
        }
        names = self._names
        if names is not None:
            found |= self._call_isolated(lambda: self._console(names).state(edition_id))
        return found

    def perform(self, action: str) -> dict[str, Any]:
        """``resume`` or ``redrive``; ``DeliveryProblem`` when it cannot be done."""
        names = self._names
        if names is None:
            raise delivery.DeliveryProblem("template.yaml has no digests to resume or redrive")
        result: dict[str, Any] = self._call_isolated(lambda: delivery.perform(self._console(names), action))
        return result

    def _console(self, names: delivery.DeliveryNames) -> delivery.DeliveryConsole:
        return delivery.DeliveryConsole(names, self._clock)

    def _depth(self, url: str) -> int:
        attributes = self._sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
        return int(attributes["Attributes"].get("ApproximateNumberOfMessages", 0))

    def _render_state(self) -> dict[str, Any] | None:
        if self._last_render is None:
            return None
        function, at = self._last_render
        return {"function": function, "at": isoformat(at), "age_seconds": int((self._clock() - at).total_seconds())}

    # -- routes (mounted by the console's Admin under /_local/) ------------------------------
    def routes(self) -> list[tuple[str, str, Callable[[Any], Reply]]]:
        return [
            ("GET", r"/operations\.json", self._read),
            ("POST", r"/operations/(?P<action>resume|redrive)", self._act),
            ("GET", r"/ses/account\.json", lambda _: Reply.json(200, ses_account())),
            ("POST", r"/ses/account", self._change_account),
        ]

    def _change_account(self, routed: Any) -> Reply:
        try:
            changes = account_changes(routed.json_body())
        except ValueError:
            fields = ", ".join(f"{name} ({kind})" for name, kind in ACCOUNT_FIELDS.items())
            return Reply.problem(400, "Bad Request", f"Send a JSON object of some of: {fields}.")
        for name, value in changes.items():
            setattr(moto_gaps.ses.model, name, value)
        return Reply.json(200, ses_account())

    def _read(self, routed: Any) -> Reply:
        return Reply.json(200, self.state(dict(routed.request.query).get("edition") or None))

    def _act(self, routed: Any) -> Reply:
        action = routed.params["action"]
        try:
            result = self.perform(action)
        except delivery.DeliveryProblem as problem:
            if routed.is_form:
                return Reply.redirect(f"/_local/?flash={quote_plus(f'Cannot {action}: {problem}')}#operations")
            return Reply.problem(409, "Conflict", str(problem))
        if routed.is_form:
            return Reply.redirect(f"/_local/?flash={quote_plus(summary(action, result))}#operations")
        return Reply.json(200, result)


ACCOUNT_FIELDS = {
    "sending_enabled": "true or false",
    "enforcement_status": "HEALTHY, PROBATION or SHUTDOWN",
    "production_access": "true or false",
    "max_send_rate": "messages a second, e.g. 14.0",
    "max_24_hour_send": "messages a day, e.g. 50000.0",
}


def account_changes(document: Any) -> dict[str, Any]:
    """The changes a request asks of the SES account model; ValueError for anything else."""
    if not isinstance(document, dict) or not set(document) <= set(ACCOUNT_FIELDS):
        raise ValueError("not an object of known fields")
    changes: dict[str, Any] = {}
    for name, value in document.items():
        current = getattr(moto_gaps.ses.model, name)
        if isinstance(current, bool) and isinstance(value, bool):
            changes[name] = value
        elif (
            isinstance(current, float) and isinstance(value, int | float) and not isinstance(value, bool) and value > 0
        ):
            changes[name] = float(value)
        elif name == "enforcement_status" and value in ("HEALTHY", "PROBATION", "SHUTDOWN"):
            changes[name] = value
        else:
            raise ValueError(name)
    return changes


def ses_account() -> dict[str, Any]:
    model = moto_gaps.ses.model
    return {name: getattr(model, name) for name in ACCOUNT_FIELDS}


def summary(action: str, result: dict[str, Any]) -> str:
    if action == "resume":
        return f"Sending resumed: {result['batches']} parked batches ({result['recipients']} recipients) queued again"
    return f"{result['moved']} batches moved from the dead-letter queue back to the digest queue"
