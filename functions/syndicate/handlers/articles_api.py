"""ArticlesApiFunction: the publisher API (/articles, and /assets for images), behind the publisher authorizer."""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from syndicate import dependencies
from syndicate.api import problems
from syndicate.api.requests import header, json_body
from syndicate.articles.model import Article
from syndicate.errors import Unauthorized
from syndicate.observability import logger, metrics, tracer
from syndicate.settings import site_settings

app = APIGatewayRestResolver(debug=False)  # debug prints events, API keys in them
problems.register(app)

ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
COLLECTION_METHODS = ["GET", "POST"]
ITEM_METHODS = ["GET", "PUT", "DELETE"]
ASSET_COLLECTION_METHODS = ["POST"]
ASSET_METHODS = ["GET"]


def requester() -> str:
    """The publisher the authorizer resolved the API key to."""
    authorizer: dict[str, Any] = dict(app.current_event.request_context.authorizer or {})
    publisher_id = authorizer.get("publisher_id")
    if not isinstance(publisher_id, str) or not publisher_id:
        raise Unauthorized("Send your API key as Authorization: Bearer <key>.")
    return publisher_id


def request_document() -> object:
    event = app.current_event
    return json_body(event.headers, event.body, bool(event.is_base64_encoded))


def query_parameters() -> dict[str, str | list[str]]:
    """Each query parameter's value, or the list of its values when it came more than once."""
    event = app.current_event
    found: dict[str, str | list[str]] = dict(event.query_string_parameters or {})
    for name, values in (event.multi_value_query_string_parameters or {}).items():
        if len(values) > 1:
            found[name] = values
    return found


def article_response(article: Article, status: int = 200, *, with_body: bool = True) -> Response[str]:
    """The article, with its body (and rendered HTML) only on reads: a write's answer stays small."""
    site_url = site_settings().site_url
    return Response(
        status_code=status,
        content_type="application/json",
        body=json.dumps(article.resource(site_url, with_body=with_body), ensure_ascii=False),
        headers={
            "ETag": article.etag,
            "Location": f"/articles/{article.api_id}",
            "Cache-Control": "private, no-cache",
        },
    )


@app.post("/articles")
def create_article() -> Response[str]:
    article = dependencies.article_service().publish(
        requester(),
        request_document(),
        idempotency_key=header(app.current_event.headers, "Idempotency-Key"),
        lambda_context=app.lambda_context,
    )
    metrics.add_metric(name="ArticlesPublished", unit=MetricUnit.Count, value=1)
    return article_response(article, 201, with_body=False)


@app.get("/articles")
def list_articles() -> Response[str]:
    page = dependencies.article_service().list(requester(), query_parameters())
    site_url = site_settings().site_url
    return Response(
        status_code=200,
        content_type="application/json",
        body=json.dumps(
            {"articles": [article.resource(site_url) for article in page.articles], "cursor": page.cursor},
            ensure_ascii=False,
        ),
        headers={"Cache-Control": "private, no-cache"},
    )


@app.get("/articles/<article_id>")
def get_article(article_id: str) -> Response[str]:
    article = dependencies.article_service().read(requester(), article_id)
    if_none_match = header(app.current_event.headers, "If-None-Match")
    if if_none_match and article.etag in [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]:
        return Response(status_code=304, headers={"ETag": article.etag}, body="")
    return article_response(article)


@app.put("/articles/<article_id>")
def put_article(article_id: str) -> Response[str]:
    headers = app.current_event.headers
    result = dependencies.article_service().put(
        requester(),
        article_id,
        request_document(),
        if_match=header(headers, "If-Match"),
        if_none_match=header(headers, "If-None-Match"),
    )
    if result.created:
        metrics.add_metric(name="ArticlesPublished", unit=MetricUnit.Count, value=1)
    return article_response(result.article, 201 if result.created else 200, with_body=False)


@app.delete("/articles/<article_id>")
def retract_article(article_id: str) -> Response[str]:
    dependencies.article_service().retract(
        requester(), article_id, if_match=header(app.current_event.headers, "If-Match")
    )
    metrics.add_metric(name="ArticlesRetracted", unit=MetricUnit.Count, value=1)
    return Response(status_code=204, body="")


@app.route("/articles", method=[m for m in ALL_METHODS if m not in COLLECTION_METHODS])
def articles_other_method() -> Response[str]:
    raise problems.method_not_allowed(COLLECTION_METHODS)


@app.route("/articles/<article_id>", method=[m for m in ALL_METHODS if m not in ITEM_METHODS])
def article_other_method(article_id: str) -> Response[str]:
    raise problems.method_not_allowed(ITEM_METHODS)


@app.post("/assets")
def request_upload() -> Response[str]:
    answer = dependencies.asset_service().request_upload(requester(), request_document())
    return _private_json(answer.resource())


@app.get("/assets/<sha256>")
def asset_state(sha256: str) -> Response[str]:
    return _private_json(dependencies.asset_service().status(requester(), sha256))


def _private_json(document: dict[str, Any]) -> Response[str]:
    return Response(
        status_code=200,
        content_type="application/json",
        body=json.dumps(document, ensure_ascii=False),
        headers={"Cache-Control": "private, no-store"},
    )


@app.route("/assets", method=[m for m in ALL_METHODS if m not in ASSET_COLLECTION_METHODS])
def assets_other_method() -> Response[str]:
    raise problems.method_not_allowed(ASSET_COLLECTION_METHODS)


@app.route("/assets/<sha256>", method=[m for m in ALL_METHODS if m not in ASSET_METHODS])
def asset_other_method(sha256: str) -> Response[str]:
    raise problems.method_not_allowed(ASSET_METHODS)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST, log_event=False)
@tracer.capture_lambda_handler
@metrics.log_metrics(capture_cold_start_metric=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
