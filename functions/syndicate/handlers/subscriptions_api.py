"""SubscriptionsApiFunction: the public subscription routes (no API key): sign-up as JSON or as a
plain HTML form, and the HTML pages of the subscribe form and of the links in emails.

``POST /subscriptions`` answers a script (JSON) with 202, and a browser's form post with a 303
to "check your inbox" (or to a ``return_to`` on a trusted origin); a form a person can fix comes
back as the form with what is wrong. Scripts on a trusted origin's pages may read the answer
(CORS, ``OPTIONS /subscriptions`` being the preflight).

Pages show a reader's address and carry live link tokens, so nothing of a response goes to a
trace (``capture_response=False``) and the event is never logged (``log_event=False``, and
the resolver's debug output, which prints events, stays off whatever POWERTOOLS_DEV says).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qs

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from syndicate import dependencies
from syndicate.api import problems
from syndicate.api.requests import header, json_body
from syndicate.errors import DomainError, InvalidRequest, InvalidToken, SubscriptionGone, Violation
from syndicate.mailing.model import SUBSCRIBED
from syndicate.observability import logger, metrics, tracer
from syndicate.origins import origin_of
from syndicate.subscriptions.forms import field_errors, sign_up_document
from syndicate.subscriptions.pages import content_security_policy, message_page, page, shown_categories
from syndicate.subscriptions.service import ManagePage, SignUpOutcome
from syndicate.theme import SubscribeForm

app = APIGatewayRestResolver(debug=False)
problems.register(app)

HTML = "text/html; charset=utf-8"
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
MAX_FORM_BYTES = 16 * 1024
ACCEPTED = {
    "status": "accepted",
    "detail": (
        "If this address can receive our digest, a confirmation email is on its way; if none arrives "
        "within 15 minutes, check your spam folder or ask again."
    ),
}
SIGN_UP_METRICS = {
    SignUpOutcome.QUEUED: "SubscriptionRequests",
    SignUpOutcome.HONEYPOT: "SignUpsRefusedHoneypot",
    SignUpOutcome.TOO_FAST: "SignUpsRefusedTooFast",
    SignUpOutcome.TOO_OLD: "SignUpsRefusedTooOld",
    SignUpOutcome.FORGED_STAMP: "SignUpsRefusedForgedStamp",
}


def html(status: int, body: str, *, form_targets: Iterable[str] = ()) -> Response[str]:
    """A page: it carries live tokens, so it is never cached, never referred onwards, never framed."""
    headers = {
        "Cache-Control": "no-store",
        "Referrer-Policy": "no-referrer",
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": content_security_policy(form_targets),
    }
    return Response(status_code=status, content_type=HTML, body=body, headers=headers)


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
            dependencies.page_frame(),
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


def media_type() -> str:
    return (header(app.current_event.headers, "content-type") or "").split(";")[0].strip().lower()


def last(values: dict[str, list[str]] | None, name: str) -> str | None:
    found = (values or {}).get(name) or []
    return found[-1] if found else None


def preferences_page(
    manage: ManagePage, status: int = 200, *, saved: bool = False, errors: list[Violation] | None = None
) -> Response[str]:
    subscriber = manage.subscriber
    return html(
        status,
        page(
            "preferences.html.j2",
            "Your digest preferences",
            dependencies.page_frame(),
            email=subscriber.email,
            cadence=subscriber.cadence,
            categories=list(subscriber.categories),
            preferences_token=manage.preferences_token,
            unsubscribe_token=manage.unsubscribe_token,
            saved=saved,
            errors=field_errors(errors or ()),
        ),
    )


def subscribe_page(form: SubscribeForm, status: int = 200) -> Response[str]:
    """The hosted form; it posts to this API, whose answer may lead to a trusted origin."""
    targets = {origin for origin in (origin_of(form.action), *dependencies.trusted_origins().origins) if origin}
    title = "Subscribe" if not form.errors else "Subscribe: check the form"
    return html(status, page("subscribe.html.j2", title, dependencies.page_frame(), form=form), form_targets=targets)


def count(outcome: SignUpOutcome) -> None:
    metrics.add_metric(name=SIGN_UP_METRICS[outcome], unit=MetricUnit.Count, value=1)


def cross_origin(app: APIGatewayRestResolver, next_middleware: NextMiddleware) -> Response[Any]:
    """CORS for the sign-up: pages of a trusted origin may read the answer, problems included."""
    try:
        response = next_middleware(app)
    except (problems.HttpProblem, DomainError) as error:
        response = problems.answer(error)
    origin = header(app.current_event.headers, "origin")
    response.headers.update(dependencies.trusted_origins().cors_headers(origin))
    return response


@app.route("/subscriptions", method="OPTIONS")
def preflight() -> Response[str]:
    origin = header(app.current_event.headers, "origin")
    headers = dependencies.trusted_origins().cors_headers(origin, preflight=True)
    return Response(status_code=204, content_type=None, body="", headers=headers)


@app.post("/subscriptions", middlewares=[cross_origin])
def subscribe() -> Response[str]:
    if media_type() == FORM:
        return subscribe_by_form()
    if media_type() != JSON and not (media_type().startswith("application/") and media_type().endswith("+json")):
        raise problems.HttpProblem(
            415,
            "Send the sign-up as application/json, or as a form (application/x-www-form-urlencoded).",
            slug="unsupported-media-type",
            headers={"Accept": f"{JSON}, {FORM}"},
        )
    event = app.current_event
    count(
        dependencies.subscription_service().subscribe(
            json_body(event.headers, event.body, bool(event.is_base64_encoded))
        )
    )
    # The same answer for a new, pending, subscribed or suppressed address, and for a bot: nothing leaks.
    return Response(
        status_code=202,
        content_type="application/json",
        body=json.dumps(ACCEPTED),
        headers={"Cache-Control": "no-store"},
    )


def subscribe_by_form() -> Response[str]:
    """A browser's form post: 303 to "check your inbox" (or ``return_to``), or the form again."""
    fields = form()
    return_to = dependencies.trusted_origins().return_to(last(fields, "return_to"))
    if last(fields, "return_to") and return_to is None:
        metrics.add_metric(name="ReturnToRefused", unit=MetricUnit.Count, value=1)
    document = sign_up_document(fields)
    try:
        outcome = dependencies.subscription_service().subscribe(document)
    except InvalidRequest as error:
        metrics.add_metric(name="ValidationFailed", unit=MetricUnit.Count, value=1)
        return subscribe_page(dependencies.sign_up_forms().again(document, error.violations, return_to), 422)
    count(outcome)
    location = return_to or f"{dependencies.subscription_api_url()}/subscriptions/check-inbox"
    # The same answer whatever the address's state, and for a bot: nothing leaks.
    return Response(
        status_code=303,
        content_type=HTML,
        body="<!DOCTYPE html><title>See other</title>",
        headers={"Location": location, "Cache-Control": "no-store", "Referrer-Policy": "no-referrer"},
    )


@app.get("/subscriptions/new")
def show_subscribe_form() -> Response[str]:
    """The hosted form, with a fresh form stamp: ``?categories=`` (repeated) ticks categories of
    the directory, ``?cadence=`` picks one, ``?return_to=`` is kept when its origin is trusted."""
    query = app.current_event.multi_value_query_string_parameters
    view = dependencies.sign_up_forms().blank(
        (query or {}).get("categories") or [],
        last(query, "cadence"),
        dependencies.trusted_origins().return_to(last(query, "return_to")),
    )
    return subscribe_page(view)


@app.get("/subscriptions/check-inbox")
def show_check_inbox() -> Response[str]:
    return html(200, page("check-inbox.html.j2", "Check your inbox", dependencies.page_frame()))


@app.get("/subscriptions/confirm")
def show_confirmation() -> Response[str]:
    """Mail scanners fetch links: this page only shows the button that confirms."""
    subscriber = dependencies.subscription_service().confirmation(token())
    if subscriber.status == SUBSCRIBED:
        return html(
            200,
            message_page("You are subscribed", "This subscription is confirmed already.", dependencies.page_frame()),
        )
    return html(
        200,
        page(
            "confirm.html.j2",
            "Confirm your subscription",
            dependencies.page_frame(),
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
            dependencies.page_frame(),
            hint=(
                "A welcome email with the latest articles is on its way. Every email has a link to "
                "change your preferences or unsubscribe."
            ),
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
    return html(200, page("unsubscribe.html.j2", "Unsubscribe", dependencies.page_frame(), token=token()))


@app.post("/subscriptions/unsubscribe")
def unsubscribe() -> Response[str]:
    # RFC 8058: the body is "List-Unsubscribe=One-Click"; the signed token is what authorises.
    dependencies.subscription_service().unsubscribe(token())
    metrics.add_metric(name="Unsubscribed", unit=MetricUnit.Count, value=1)
    return html(
        200, message_page("You are unsubscribed", "You will not receive any more digests.", dependencies.page_frame())
    )


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST, log_event=False)
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics(capture_cold_start_metric=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
