"""Handlers whose events or responses hold readers' addresses, link tokens or publishers' API keys
say so explicitly.

Powertools decides at import whether to log a handler's event (POWERTOOLS_LOGGER_LOG_EVENT),
to print it (the resolver's debug mode, on with POWERTOOLS_DEV) and to put its response in the
trace (POWERTOOLS_TRACER_CAPTURE_RESPONSE, default on). An operator turning those on to debug
something else must not turn personal data into logs or traces, so the personal handlers pass
each choice themselves, where no environment variable can override it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

HANDLERS = Path(__file__).resolve().parents[2] / "functions" / "syndicate" / "handlers"
# Events that hold addresses (sign-ups, recipient batches, bounces) or tokens (link queries), or a
# publisher's API key (the Authorization header: the authorizer's event, and the API's after it).
PERSONAL_EVENTS = [
    "subscriptions_api",
    "send_confirmations",
    "send_digests",
    "record_mail_feedback",
    "authorize_publisher",
    "articles_api",
]
API_HANDLERS = ["subscriptions_api", "articles_api"]
# Responses that hold them (pages show the address and carry tokens).
PERSONAL_RESPONSES = ["subscriptions_api"]


def decorator_keywords(module: str, attribute: str) -> dict[str, object]:
    tree = ast.parse((HANDLERS / f"{module}.py").read_text(encoding="utf-8"))
    handler = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "handler")
    for decorator in handler.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if isinstance(target, ast.Attribute) and target.attr == attribute:
            if not isinstance(decorator, ast.Call):
                return {}
            return {
                str(k.arg): ast.literal_eval(k.value) for k in decorator.keywords if isinstance(k.value, ast.Constant)
            }
    raise AssertionError(f"{module}.handler has no {attribute} decorator")


@pytest.mark.parametrize("module", PERSONAL_EVENTS)
def test_handlers_of_personal_events_never_log_them(module):
    assert decorator_keywords(module, "inject_lambda_context").get("log_event") is False


@pytest.mark.parametrize("module", PERSONAL_RESPONSES)
def test_handlers_of_personal_responses_keep_them_out_of_traces(module):
    assert decorator_keywords(module, "capture_lambda_handler").get("capture_response") is False


@pytest.mark.parametrize("module", API_HANDLERS)
def test_the_api_routes_never_print_their_events(module):
    tree = ast.parse((HANDLERS / f"{module}.py").read_text(encoding="utf-8"))
    [resolver] = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "APIGatewayRestResolver"
    ]

    assert {k.arg: ast.literal_eval(k.value) for k in resolver.keywords} == {"debug": False}
