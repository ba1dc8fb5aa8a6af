"""The local API Gateway: proxy events, routing and the authorizer, as template.yaml defines them."""

from __future__ import annotations

import base64
import json

import pytest

from syndicate_dev import template as tpl
from syndicate_dev.local.gateway import RestApiGateway
from syndicate_dev.local.runtime import FunctionFailed
from syndicate_dev.local.wire import Request

KEY = "Bearer syn_unitTestKey000000000000000000000000000000"


class RecordingRuntime:
    """Stands in for the function runtime: the authorizer allows KEY, the API function echoes."""

    region = "us-east-1"

    def __init__(self, fail: bool = False) -> None:
        self.calls: list[tuple[str, dict]] = []
        self.fail = fail

    def invoke(self, function: str, event: dict) -> dict:
        self.calls.append((function, event))
        if function == "PublisherAuthorizerFunction":
            if event["headers"].get("Authorization") != KEY:
                raise FunctionFailed(function, Exception("Unauthorized"))
            return {
                "principalId": "pub_unit",
                "context": {"publisher_id": "pub_unit"},
                "policyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Action": "execute-api:Invoke",
                            "Effect": "Allow",
                            "Resource": [event["methodArn"].split("/")[0] + "/dev/*/*"],
                        }
                    ],
                },
            }
        if self.fail:
            raise FunctionFailed(function, RuntimeError("boom"))
        return {"statusCode": 200, "headers": {"Content-Type": "application/json"}, "body": json.dumps({"ok": True})}

    def events_for(self, function: str) -> list[dict]:
        return [event for name, event in self.calls if name == function]


@pytest.fixture
def runtime() -> RecordingRuntime:
    return RecordingRuntime()


@pytest.fixture
def gateway(runtime) -> RestApiGateway:
    template = tpl.load()
    return RestApiGateway(template, tpl.Resolver(template, {}), runtime)


def request(method: str, path: str, *, query=(), body: bytes = b"", headers=None, key: str | None = KEY) -> Request:
    all_headers = [("Host", "127.0.0.1:3000"), ("User-Agent", "unit"), *list((headers or {}).items())]
    if key:
        all_headers.append(("Authorization", key))
    return Request(method, path, list(query), all_headers, body)


def test_the_proxy_event_carries_resource_path_parameters_and_stage(gateway, runtime):
    gateway.handle(request("GET", "/articles/abc"), "/articles/abc")

    (event,) = runtime.events_for("ArticlesApiFunction")
    assert (event["resource"], event["path"], event["httpMethod"]) == ("/articles/{id}", "/articles/abc", "GET")
    assert event["pathParameters"] == {"id": "abc"}
    assert (event["requestContext"]["stage"], event["requestContext"]["path"]) == ("dev", "/dev/articles/abc")
    assert event["body"] is None and event["isBase64Encoded"] is False


def test_repeated_query_parameters_keep_every_value_and_the_last_as_single(gateway, runtime):
    gateway.handle(request("GET", "/articles", query=[("category", "a"), ("category", "b")]), "/articles")

    (event,) = runtime.events_for("ArticlesApiFunction")
    assert event["multiValueQueryStringParameters"] == {"category": ["a", "b"]}
    assert event["queryStringParameters"] == {"category": "b"}


def test_the_authorizer_context_reaches_the_function(gateway, runtime):
    gateway.handle(request("GET", "/articles"), "/articles")

    (event,) = runtime.events_for("ArticlesApiFunction")
    assert event["requestContext"]["authorizer"]["publisher_id"] == "pub_unit"
    assert event["requestContext"]["authorizer"]["principalId"] == "pub_unit"


def test_the_authorizer_gets_the_request_authorizer_event(gateway, runtime):
    gateway.handle(request("POST", "/articles", body=b"{}"), "/articles")

    (event,) = runtime.events_for("PublisherAuthorizerFunction")
    assert event["type"] == "REQUEST"
    assert event["methodArn"].endswith("/dev/POST/articles")
    assert event["headers"]["Authorization"] == KEY


def test_the_authorizer_result_is_cached_per_authorization_header(gateway, runtime):
    gateway.handle(request("GET", "/articles"), "/articles")
    gateway.handle(request("GET", "/articles/x"), "/articles/x")

    assert len(runtime.events_for("PublisherAuthorizerFunction")) == 1
    assert len(runtime.events_for("ArticlesApiFunction")) == 2


def test_a_request_without_the_identity_header_is_401_without_calling_the_authorizer(gateway, runtime):
    reply = gateway.handle(request("GET", "/articles", key=None), "/articles")

    assert reply.status == 401
    assert reply.header("Content-Type") == "application/problem+json"
    assert runtime.calls == []


def test_an_authorizer_saying_unauthorized_is_401(gateway, runtime):
    reply = gateway.handle(request("GET", "/articles", key="Bearer syn_other"), "/articles")

    assert reply.status == 401
    assert runtime.events_for("ArticlesApiFunction") == []


def test_an_explicit_method_wins_over_any_on_the_same_path(gateway):
    assert gateway.match("GET", "/articles/x").route.event == "GetArticle"
    assert gateway.match("PATCH", "/articles/x").route.event == "ArticleOtherMethods"


def test_an_unknown_path_gets_the_templates_missing_authentication_token_response(gateway, runtime):
    reply = gateway.handle(request("GET", "/nothing/here"), "/nothing/here")

    assert reply.status == 404
    assert json.loads(reply.body)["title"] == "Not Found"
    assert runtime.calls == []


def test_a_body_that_is_not_text_is_passed_base64_encoded(gateway, runtime):
    gateway.handle(
        request("POST", "/articles", body=b"\xff\x00\xfe", headers={"Content-Type": "application/json"}), "/articles"
    )

    (event,) = runtime.events_for("ArticlesApiFunction")
    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == b"\xff\x00\xfe"


def test_a_function_error_is_a_502_from_the_gateway():
    template = tpl.load()
    gateway = RestApiGateway(template, tpl.Resolver(template, {}), RecordingRuntime(fail=True))

    reply = gateway.handle(request("GET", "/articles"), "/articles")

    assert reply.status == 502
    assert reply.header("Content-Type") == "application/problem+json"


def test_a_cached_authorization_lasts_until_the_stacks_clock_passes_its_ttl(runtime):
    template = tpl.load()
    now = [1_000.0]
    gateway = RestApiGateway(template, tpl.Resolver(template, {}), runtime, now=lambda: now[0])
    ttl = next(iter(gateway.authorizers.values())).ttl_seconds

    gateway.handle(request("GET", "/articles"), "/articles")
    now[0] += ttl - 1
    gateway.handle(request("GET", "/articles"), "/articles")
    now[0] += 2
    gateway.handle(request("GET", "/articles"), "/articles")

    assert len(runtime.events_for("PublisherAuthorizerFunction")) == 2


def test_forgetting_the_authorizations_calls_the_authorizer_on_the_next_request(gateway, runtime):
    gateway.handle(request("GET", "/articles"), "/articles")

    gateway.forget_authorizations()
    gateway.handle(request("GET", "/articles"), "/articles")

    assert len(runtime.events_for("PublisherAuthorizerFunction")) == 2
