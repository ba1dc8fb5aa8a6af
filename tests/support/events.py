"""Sample events from events/, loaded as the handlers receive them.

Every article document is validated against schemas/ when it is loaded, so the samples can
never drift from the contract.
"""

from __future__ import annotations

import base64
import copy
import json
from pathlib import Path
from typing import Any

from syndicate import contract

EVENTS = Path(__file__).resolve().parents[2] / "events"


def load(relative: str) -> Any:
    with open(EVENTS / relative, encoding="utf-8") as handle:
        return json.load(handle)


def article(name: str) -> dict[str, Any]:
    """A valid article document from events/articles/."""
    document = load(f"articles/{name}.json")
    found = contract.violations("article", document)
    assert not found, f"events/articles/{name}.json breaks the contract: {found}"
    return document


def subscription(name: str = "subscribe") -> dict[str, Any]:
    """The JSON body of a recorded subscription request, checked against the contract."""
    document = json.loads(load(f"api/{name}.json")["body"])
    found = contract.violations("subscription", document)
    assert not found, f"events/api/{name}.json breaks the contract: {found}"
    return document


def valid_article_names() -> list[str]:
    return sorted(path.stem for path in (EVENTS / "articles").glob("*.json"))


def invalid_article_names() -> list[str]:
    return sorted(path.stem for path in (EVENTS / "articles" / "invalid").glob("*.json"))


def api_event(
    method: str,
    path: str,
    *,
    publisher_id: str | None = "pub_0a1b2c3d4e5f6a7b",
    body: Any = None,
    raw_body: str | bytes | None = None,
    headers: dict[str, str] | None = None,
    query: dict[str, str | list[str]] | None = None,
) -> dict[str, Any]:
    """An API Gateway REST proxy event built on the recorded sample for that route (a query
    value may be a list: the parameter repeated)."""
    sample = {
        ("POST", "/articles"): "create-article",
        ("GET", "/articles"): "list-articles",
        # subscription routes (public, no authorizer)
        ("POST", "/subscriptions"): "subscribe",
        ("OPTIONS", "/subscriptions"): "subscribe-preflight",
        ("GET", "/subscriptions/new"): "show-subscribe-form",
        ("GET", "/subscriptions/check-inbox"): "show-check-inbox",
        ("GET", "/subscriptions/confirm"): "confirm-subscription",
        ("POST", "/subscriptions/confirm"): "confirm-subscription-form",
        ("GET", "/subscriptions/preferences"): "show-preferences",
        ("POST", "/subscriptions/preferences"): "save-preferences",
        ("GET", "/subscriptions/unsubscribe"): "show-unsubscribe",
        ("POST", "/subscriptions/unsubscribe"): "unsubscribe-one-click",
    }.get((method, path))
    if sample is None:
        is_item = path.startswith("/articles/")
        sample = (
            {"GET": "get-article", "PUT": "put-article", "DELETE": "retract-article"}.get(method, "get-article")
            if is_item
            else "list-articles"
        )
    event = copy.deepcopy(load(f"api/{sample}.json"))
    event["httpMethod"] = method
    event["path"] = path
    event["requestContext"]["httpMethod"] = method
    event["requestContext"]["path"] = "/dev" + path
    if path.startswith("/articles/"):
        event["resource"] = "/articles/{id}"
        event["pathParameters"] = {"id": path.split("/", 2)[2]}
    elif path == "/articles":
        event["resource"] = "/articles"
        event["pathParameters"] = None
    else:
        event["resource"] = path
        event["pathParameters"] = None
    all_headers = {k: v for k, v in event["headers"].items() if k.lower() not in ("content-type", "idempotency-key")}
    if body is not None or raw_body is not None:
        all_headers["Content-Type"] = "application/json"
    all_headers.update(headers or {})
    event["headers"] = all_headers
    event["multiValueHeaders"] = {k: [v] for k, v in all_headers.items()}
    multi_query = {k: v if isinstance(v, list) else [v] for k, v in (query or {}).items()}
    event["queryStringParameters"] = {k: v[-1] for k, v in multi_query.items() if v} or None
    event["multiValueQueryStringParameters"] = multi_query or None
    if isinstance(raw_body, bytes):
        event["body"] = base64.b64encode(raw_body).decode("ascii")
        event["isBase64Encoded"] = True
    else:
        event["body"] = raw_body if raw_body is not None else (json.dumps(body) if body is not None else None)
        event["isBase64Encoded"] = False
    if publisher_id is None:
        event["requestContext"]["authorizer"] = None
    else:
        event["requestContext"]["authorizer"] = {"principalId": publisher_id, "publisher_id": publisher_id}
    return event
