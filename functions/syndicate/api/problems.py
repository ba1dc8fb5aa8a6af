"""RFC 9457 problem details, and the one place where domain failures become HTTP statuses."""

from __future__ import annotations

import json
from collections.abc import Sequence
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import ApiGatewayResolver
from aws_lambda_powertools.metrics import MetricUnit

from syndicate import errors
from syndicate.errors import Violation
from syndicate.observability import logger, metrics

PROBLEM_JSON = "application/problem+json"
MAX_LISTED_VIOLATIONS = 100
TYPE_BASE = "https://syndicate.example/problems/"


class HttpProblem(Exception):
    """A client mistake found before the domain is reached (content type, size, JSON syntax)."""

    def __init__(self, status: int, detail: str, *, slug: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.slug = slug
        self.headers = headers or {}


def problem(
    status: int,
    detail: str,
    *,
    slug: str | None = None,
    violations: Sequence[Violation] = (),
    headers: dict[str, str] | None = None,
) -> Response[str]:
    phrase = HTTPStatus(status).phrase
    document: dict[str, Any] = {
        "type": TYPE_BASE + (slug or phrase.lower().replace(" ", "-")),
        "title": phrase,
        "status": status,
        "detail": detail,
    }
    if violations:
        # However many a 1 MB document holds (one per unknown field), the answer lists a bounded few.
        document["errors"] = [violation.as_dict() for violation in violations[:MAX_LISTED_VIOLATIONS]]
        if len(violations) > MAX_LISTED_VIOLATIONS:
            document["detail"] += f" The first {MAX_LISTED_VIOLATIONS} are listed."
    return Response(
        status_code=status,
        content_type=PROBLEM_JSON,
        body=json.dumps(document, ensure_ascii=False),
        headers=headers or {},
    )


_STATUS = {
    errors.NotFound: (404, "not-found"),
    errors.PreconditionFailed: (412, "precondition-failed"),
    errors.EditConflict: (409, "edit-conflict"),
    errors.IdempotencyKeyReused: (422, "idempotency-key-reused"),
    errors.RequestInProgress: (409, "request-in-progress"),
    errors.Unauthorized: (401, "unauthorized"),
    errors.TooManyRequests: (429, "too-many-requests"),
    # subscription links
    errors.ExpiredToken: (410, "link-expired"),
    errors.InvalidToken: (400, "invalid-link"),
    errors.SubscriptionGone: (410, "subscription-gone"),
}


def status_of(error: errors.DomainError) -> tuple[int, str]:
    """The HTTP status and problem slug of a domain failure (the one mapping)."""
    return _STATUS.get(type(error), (400, "bad-request"))


def answer(error: HttpProblem | errors.DomainError) -> Response[str]:
    """The problem+json answer to a client's mistake (what ``register`` installs, for a route
    that must add to it, such as CORS headers)."""
    if isinstance(error, HttpProblem):
        return problem(error.status, error.detail, slug=error.slug, headers=error.headers)
    if isinstance(error, errors.InvalidRequest):
        metrics.add_metric(name="ValidationFailed", unit=MetricUnit.Count, value=1)
        if isinstance(error, errors.InvalidParameters):
            return problem(400, str(error), slug="invalid-parameters", violations=error.violations)
        return problem(422, str(error), slug="validation-failed", violations=error.violations)
    status, slug = status_of(error)
    return problem(status, str(error), slug=slug)


def register(app: ApiGatewayResolver) -> None:
    """Install the problem+json answers for every failure on a resolver."""

    @app.exception_handler(HttpProblem)
    @app.exception_handler(errors.DomainError)
    def client_mistake(error: HttpProblem | errors.DomainError) -> Response[str]:
        return answer(error)

    @app.not_found
    def not_found(_: Exception) -> Response[str]:
        return problem(404, "There is no such resource.", slug="not-found")

    @app.exception_handler(Exception)
    def unexpected(error: Exception) -> Response[str]:
        # A fault of ours, not the client's: log everything, show nothing.
        logger.exception("unhandled error")
        return problem(500, "Something went wrong on our side; it has been logged.", slug="internal-error")


def method_not_allowed(allowed: Sequence[str]) -> HttpProblem:
    return HttpProblem(
        405,
        "This resource does not support that method.",
        slug="method-not-allowed",
        headers={"Allow": ", ".join(allowed)},
    )
