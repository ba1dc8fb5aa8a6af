"""SubscriptionsApiFunction: the public subscription routes (no API key), JSON in, HTML pages out.

Pages show a reader's address and carry live link tokens, so nothing of a response goes to a
trace (``capture_response=False``) and the event is never logged (``log_event=False``, and
the resolver's debug output, which prints events, stays off whatever POWERTOOLS_DEV says).
"""

from __future__ import annotations

import base64
import json
from typing import Any
from urllib.parse import parse_qs

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from syndicate import dependencies
from syndicate.api import problems
from syndicate.api.requests import json_body
from syndicate.errors import InvalidRequest, InvalidToken, SubscriptionGone, Violation
from syndicate.mailing.model import SUBSCRIBED
from syndicate.observability import logger, metrics, tracer
from syndicate.subscriptions.pages import message_page, page, shown_categories
from syndicate.subscriptions.service import ManagePage

app = APIGatewayRestResolver(debug=False)
problems.register(app)

HTML = "text/html; charset=utf-8"
# Pages carry live tokens: never cached, never referred onwards, never framed.
PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'"
    ),
}
MAX_FORM_BYTES = 16 * 1024
ACCEPTED = {
    "status": "accepted",
    "detail": (
        "If this address can receive our digest, a confirmation email is on its way; if none arrives "
        "within 15 minutes, check your spam folder or ask again."
    ),
}


def html(status: int, body: str) -> Response[str]:
    return Response(status_code=status, content_type=HTML, body=body, headers=dict(PAGE_HEADERS))


@app.exception_handler(InvalidToken)
@app.exception_handler(SubscriptionGone)
def link_problem(error: InvalidToken | SubscriptionGone) -> Response[str]:
    """A bad, expired or stale link gets a page a reader understands (status from api.problems)."""
    metrics.add_metric(name="SubscriptionLinkRefused", unit=MetricUnit.Count, value=1)
    status, _ = problems.status_of(error)
    return html(
        status,
        message_page(
            "This link does not work",
            str(error),
            dependencies.sender_name(),
            hint="Links in our emails work for a limited time; the newest email has a fresh one.",
        ),
    )


def token() -> str | None:
    return app.current_event.get_query_string_value("token")


def form() -> dict[str, list[str]]:
    event = app.current_event
    raw = event.body or ""
    data = base64.b64decode(raw) if event.is_base64_encoded else raw.encode("utf-8")
    if len(data) > MAX_FORM_BYTES:
        raise problems.HttpProblem(413, "The form is too large.", slug="payload-too-large")
    return parse_qs(data.decode("utf-8", errors="replace"), keep_blank_values=True)


def preferences_page(
    manage: ManagePage, status: int = 200, *, saved: bool = False, errors: list[Violation] | None = None
) -> Response[str]:
    subscriber = manage.subscriber
    return html(
        status,
        page(
            "preferences.html.j2",
            "Your digest preferences",
            dependencies.sender_name(),
            email=subscriber.email,
            cadence=subscriber.cadence,
            categories=list(subscriber.categories),
            preferences_token=manage.preferences_token,
            unsubscribe_token=manage.unsubscribe_token,
            saved=saved,
            errors=errors or [],
        ),
    )


@app.post("/subscriptions")
def subscribe() -> Response[str]:
    event = app.current_event
    dependencies.subscription_service().subscribe(json_body(event.headers, event.body, bool(event.is_base64_encoded)))
    metrics.add_metric(name="SubscriptionRequests", unit=MetricUnit.Count, value=1)
    # The same answer for a new, pending, subscribed or suppressed address: nothing leaks.
    return Response(
        status_code=202,
        content_type="application/json",
        body=json.dumps(ACCEPTED),
        headers={"Cache-Control": "no-store"},
    )


@app.get("/subscriptions/confirm")
def show_confirmation() -> Response[str]:
    """Mail scanners fetch links: this page only shows the button that confirms."""
    subscriber = dependencies.subscription_service().confirmation(token())
    if subscriber.status == SUBSCRIBED:
        return html(
            200,
            message_page("You are subscribed", "This subscription is confirmed already.", dependencies.sender_name()),
        )
    return html(
        200,
        page(
            "confirm.html.j2",
            "Confirm your subscription",
            dependencies.sender_name(),
            token=token(),
            cadence=subscriber.cadence,
            categories=shown_categories(subscriber.categories),
        ),
    )


@app.post("/subscriptions/confirm")
def confirm() -> Response[str]:
    subscriber = dependencies.subscription_service().confirm(token())
    metrics.add_metric(name="SubscriptionsConfirmed", unit=MetricUnit.Count, value=1)
    return html(
        200,
        message_page(
            "You are subscribed",
            f"Thank you: {subscriber.email} will receive the {subscriber.cadence} digest.",
            dependencies.sender_name(),
            hint="Every digest has a link to change your preferences or unsubscribe.",
        ),
    )


@app.get("/subscriptions/preferences")
def show_preferences() -> Response[str]:
    return preferences_page(dependencies.subscription_service().manage(token()))


@app.post("/subscriptions/preferences")
def save_preferences() -> Response[str]:
    fields = form()
    document: dict[str, object] = {}
    if fields.get("cadence"):
        document["cadence"] = fields["cadence"][-1]
    names = [part.strip() for value in fields.get("categories", []) for part in value.split(",")]
    document["categories"] = [name for name in names if name]
    service = dependencies.subscription_service()
    try:
        manage = service.change_preferences(token(), document)
    except InvalidRequest as error:
        return preferences_page(service.manage(token()), 422, errors=error.violations)
    return preferences_page(manage, saved=True)


@app.get("/subscriptions/unsubscribe")
def show_unsubscribe() -> Response[str]:
    dependencies.subscription_service().check_unsubscribe(token())
    return html(200, page("unsubscribe.html.j2", "Unsubscribe", dependencies.sender_name(), token=token()))


@app.post("/subscriptions/unsubscribe")
def unsubscribe() -> Response[str]:
    # RFC 8058: the body is "List-Unsubscribe=One-Click"; the signed token is what authorises.
    dependencies.subscription_service().unsubscribe(token())
    metrics.add_metric(name="Unsubscribed", unit=MetricUnit.Count, value=1)
    return html(
        200, message_page("You are unsubscribed", "You will not receive any more digests.", dependencies.sender_name())
    )


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST, log_event=False)
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics(capture_cold_start_metric=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
