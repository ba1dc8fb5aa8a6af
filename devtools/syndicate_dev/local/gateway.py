"""API Gateway (REST API, Lambda proxy integration) as template.yaml describes it.

A request becomes the exact proxy event the deployed API sends: the route is the template's
(explicit methods before ``ANY``), the REQUEST authorizer of the template runs first with the
real authorizer event, its result is cached per identity source for ``ReauthorizeEvery``
seconds, and errors API Gateway answers itself use the template's ``GatewayResponses``.
"""

from __future__ import annotations

import base64
import fnmatch
import hashlib
import json
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from syndicate_dev import template as tpl
from syndicate_dev.local.authorizers import Authorizer, AuthorizerCache, allows, authorizers_of
from syndicate_dev.local.runtime import ACCOUNT, FunctionFailed, Invoker
from syndicate_dev.local.wire import Reply, Request

MAX_PAYLOAD_BYTES = 10 * 1024 * 1024
METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}  # what ANY stands for

# API Gateway's own answers when the template does not replace them.
_DEFAULT_RESPONSES = {
    "UNAUTHORIZED": (401, "Unauthorized"),
    "ACCESS_DENIED": (403, "User is not authorized to access this resource"),
    "MISSING_AUTHENTICATION_TOKEN": (403, "Missing Authentication Token"),
    "AUTHORIZER_FAILURE": (500, None),
    "AUTHORIZER_CONFIGURATION_ERROR": (500, None),
    "REQUEST_TOO_LARGE": (413, "Request Too Long"),
    "THROTTLED": (429, "Too Many Requests"),
    "INTEGRATION_FAILURE": (502, "Internal server error"),
    "DEFAULT_4XX": (400, None),
    "DEFAULT_5XX": (500, None),
}


@dataclass(frozen=True)
class Match:
    route: tpl.Route
    path_parameters: dict[str, str]


class _Route:
    def __init__(self, route: tpl.Route) -> None:
        self.route = route
        pattern = ""
        for part in route.path.strip("/").split("/"):
            if not part:
                continue
            greedy = re.fullmatch(r"\{(\w+)\+\}", part)
            single = re.fullmatch(r"\{(\w+)\}", part)
            if greedy:
                pattern += rf"/(?P<{greedy.group(1)}>.+)"
            elif single:
                pattern += rf"/(?P<{single.group(1)}>[^/]+)"
            else:
                pattern += "/" + re.escape(part)
        self.regex = re.compile(pattern + "/?" if pattern else "/")
        # Literal segments beat parameters, as in API Gateway.
        self.specificity = (sum(1 for p in route.path.split("/") if p and not p.startswith("{")), len(route.path))


def stage_name(template: dict[str, Any], resolver: tpl.Resolver, api_logical_id: str | None = None) -> str:
    """The stage an API is deployed to (the first API of the template by default)."""
    apis = tpl.resources(template, "AWS::Serverless::Api")
    api = apis.get(api_logical_id or "", None) or next(iter(apis.values()), {})
    return str(resolver.value(api.get("StageName", "Prod")))


class RestApiGateway:
    """One ``AWS::Serverless::Api`` of the template, served by the local runtime."""

    def __init__(
        self,
        template: dict[str, Any],
        resolver: tpl.Resolver,
        runtime: Invoker,
        api_logical_id: str | None = None,
        *,
        now: Callable[[], float] = time.monotonic,
        say: Callable[[str], None] = print,
    ) -> None:
        self.template = template
        self.resolver = resolver
        self.runtime = runtime
        apis = tpl.resources(template, "AWS::Serverless::Api")
        routes = tpl.api_routes(template)
        self.api_logical_id = api_logical_id or next(iter(apis), None) or "ServerlessRestApi"
        self.api = apis.get(self.api_logical_id, {})
        self.routes = [_Route(r) for r in routes if r.api in (self.api_logical_id, None)]
        self.routes.sort(key=lambda r: r.specificity, reverse=True)
        self.stage = stage_name(template, resolver, self.api_logical_id)
        physical_name = resolver.names.get(self.api_logical_id, self.api_logical_id)
        self.api_id = "local" + hashlib.sha256(physical_name.encode()).hexdigest()[:5]
        self.binary_media_types = [
            str(resolver.value(t)).replace("~1", "/") for t in self.api.get("BinaryMediaTypes") or []
        ]
        self.authorizers = authorizers_of(self.api, resolver)
        self.authorizations = AuthorizerCache(now)
        self.say = say

    # -- answers of its own ------------------------------------------------------------------
    def gateway_response(self, kind: str, message: str | None = None, status: int | None = None) -> Reply:
        """An answer API Gateway gives itself, shaped by the template's GatewayResponses."""
        responses = self.api.get("GatewayResponses") or {}
        default_status, default_message = _DEFAULT_RESPONSES.get(kind, (500, None))
        message = message or default_message or "Internal server error"
        fallback = "DEFAULT_5XX" if default_status >= 500 else "DEFAULT_4XX"
        spec = responses.get(kind) or responses.get(fallback) or {}
        code = int(spec.get("StatusCode", status or default_status))
        headers = [("Content-Type", "application/json")]
        for name, value in ((spec.get("ResponseParameters") or {}).get("Headers") or {}).items():
            headers = [(k, v) for k, v in headers if k.lower() != name.lower()]
            headers.append((name, str(self.resolver.value(value)).strip("'")))
        body_template = (spec.get("ResponseTemplates") or {}).get("application/json")
        if body_template is None:
            body = json.dumps({"message": message})
        else:
            body = (
                body_template.replace("$context.error.messageString", json.dumps(message))
                .replace("$context.error.message", message)
                .replace("$context.error.responseType", kind)
            )
        headers.append(("x-amzn-ErrorType", _error_type(kind)))
        return Reply(code, headers, body.encode("utf-8"))

    def routes_for_console(self) -> list[tpl.Route]:
        return [candidate.route for candidate in self.routes]

    # -- routing -----------------------------------------------------------------------------
    def match(self, method: str, path: str) -> Match | None:
        """The route for (method, path): the most specific resource path first, then its exact
        method before ``ANY``; None when API Gateway would answer MISSING_AUTHENTICATION_TOKEN."""
        for candidate in self.routes:
            found = candidate.regex.fullmatch(path)
            if not found:
                continue
            same_path = [r for r in self.routes if r.route.path == candidate.route.path]
            for wanted in (method, "ANY"):
                for route in same_path:
                    if route.route.method == wanted:
                        return Match(route.route, dict(found.groupdict()))
            return None
        return None

    # -- serving -----------------------------------------------------------------------------
    def handle(self, request: Request, path: str) -> Reply:
        """Serve ``request`` whose path, without the stage, is ``path``."""
        if len(request.body) > MAX_PAYLOAD_BYTES:
            return self.gateway_response("REQUEST_TOO_LARGE")
        found = self.match(request.method, path) if request.method in METHODS else None
        if found is None:
            return self.gateway_response("MISSING_AUTHENTICATION_TOKEN")
        request_id = str(uuid.uuid4())
        context = self._request_context(request, path, found.route, request_id)
        authorizer_context = None
        if found.route.authorizer:
            outcome = self._authorize(request, path, found, context)
            if isinstance(outcome, Reply):
                return self._with_request_id(outcome, request_id)
            authorizer_context = outcome
        event = self.proxy_event(request, path, found, context, authorizer_context)
        try:
            result = self.runtime.invoke(found.route.function, event)
        except FunctionFailed:
            return self._with_request_id(
                self.gateway_response("INTEGRATION_FAILURE", "Internal server error", 502), request_id
            )
        return self._with_request_id(self._integration_reply(result), request_id)

    def _with_request_id(self, reply: Reply, request_id: str) -> Reply:
        reply.headers.append(("x-amzn-RequestId", request_id))
        return reply

    def _request_context(self, request: Request, path: str, route: tpl.Route, request_id: str) -> dict[str, Any]:
        now = datetime.now(UTC)
        host = request.host
        return {
            "resourceId": hashlib.sha256(route.path.encode()).hexdigest()[:6],
            "resourcePath": route.path,
            "httpMethod": request.method,
            "extendedRequestId": base64.b64encode(uuid.uuid4().bytes[:12]).decode().rstrip("="),
            "requestTime": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "path": f"/{self.stage}{path}",
            "accountId": ACCOUNT,
            "protocol": "HTTP/1.1",
            "stage": self.stage,
            "domainPrefix": host.split(".")[0].split(":")[0],
            "requestTimeEpoch": int(now.timestamp() * 1000),
            "requestId": request_id,
            "identity": {
                "cognitoIdentityPoolId": None,
                "accountId": None,
                "cognitoIdentityId": None,
                "caller": None,
                "sourceIp": request.client_ip,
                "principalOrgId": None,
                "accessKey": None,
                "cognitoAuthenticationType": None,
                "cognitoAuthenticationProvider": None,
                "userArn": None,
                "userAgent": request.header("User-Agent"),
                "user": None,
            },
            "domainName": host,
            "apiId": self.api_id,
        }

    def _headers(self, request: Request) -> tuple[dict[str, str], dict[str, list[str]]]:
        multi: dict[str, list[str]] = {}
        names: dict[str, str] = {}
        for name, value in request.headers:
            key = names.setdefault(name.lower(), name)
            multi.setdefault(key, []).append(value)
        extra = {
            "X-Forwarded-For": request.client_ip,
            "X-Forwarded-Proto": "http",
            "X-Forwarded-Port": request.host.rpartition(":")[2] if ":" in request.host else "80",
            "X-Amzn-Trace-Id": f"Root=1-{int(time.time()):08x}-{uuid.uuid4().hex[:24]}",
        }
        for name, value in extra.items():
            if name.lower() not in names:
                multi[name] = [value]
        return {name: values[-1] for name, values in multi.items()}, multi

    def _query(self, request: Request) -> tuple[dict[str, str] | None, dict[str, list[str]] | None]:
        if not request.query:
            return None, None
        multi: dict[str, list[str]] = {}
        for name, value in request.query:
            multi.setdefault(name, []).append(value)
        return {name: values[-1] for name, values in multi.items()}, multi

    def proxy_event(
        self,
        request: Request,
        path: str,
        found: Match,
        context: dict[str, Any],
        authorizer_context: dict[str, Any] | None,
    ) -> dict[str, Any]:
        headers, multi_headers = self._headers(request)
        query, multi_query = self._query(request)
        body, is_base64 = self._body(request)
        request_context = dict(context)
        if authorizer_context is not None:
            request_context["authorizer"] = authorizer_context
        return {
            "resource": found.route.path,
            "path": path,
            "httpMethod": request.method,
            "headers": headers,
            "multiValueHeaders": multi_headers,
            "queryStringParameters": query,
            "multiValueQueryStringParameters": multi_query,
            "pathParameters": found.path_parameters or None,
            "stageVariables": None,
            "requestContext": request_context,
            "body": body,
            "isBase64Encoded": is_base64,
        }

    def _body(self, request: Request) -> tuple[str | None, bool]:
        if not request.body:
            return None, False
        content_type = (request.header("Content-Type") or "").split(";")[0].strip().lower()
        binary = any(fnmatch.fnmatch(content_type, pattern) for pattern in self.binary_media_types)
        if not binary:
            try:
                return request.body.decode("utf-8"), False
            except UnicodeDecodeError:
                binary = True  # the deployed API would mangle it; pass it intact
        return base64.b64encode(request.body).decode("ascii"), True

    def _integration_reply(self, result: Any) -> Reply:
        if not isinstance(result, dict) or not isinstance(result.get("statusCode"), int):
            self.say(f"malformed Lambda proxy response: {result!r:.200}")
            return self.gateway_response("INTEGRATION_FAILURE", "Internal server error", 502)
        headers: list[tuple[str, str]] = []
        seen: set[str] = set()
        for name, values in (result.get("multiValueHeaders") or {}).items():
            seen.add(name.lower())
            headers.extend((name, str(value)) for value in values)
        for name, value in (result.get("headers") or {}).items():
            if name.lower() not in seen:
                headers.append((name, str(value)))
        if not any(name.lower() == "content-type" for name, _ in headers):
            headers.append(("Content-Type", "application/json"))
        body = result.get("body") or ""
        data = base64.b64decode(body) if result.get("isBase64Encoded") else str(body).encode("utf-8")
        return Reply(result["statusCode"], headers, data)

    # -- authorizer --------------------------------------------------------------------------
    def method_arn(self, method: str, path: str) -> str:
        return f"arn:aws:execute-api:{self.runtime.region}:{ACCOUNT}:{self.api_id}/{self.stage}/{method}{path}"

    def _authorize(self, request: Request, path: str, found: Match, context: dict[str, Any]) -> dict[str, Any] | Reply:
        authorizer = self.authorizers.get(found.route.authorizer or "")
        if authorizer is None:
            return self.gateway_response("AUTHORIZER_CONFIGURATION_ERROR")
        identity = tuple(request.header(name) or "" for name in authorizer.identity_headers) + tuple(
            next((v for k, v in request.query if k == name), "") for name in authorizer.identity_queries
        )
        if not all(identity):
            return self.gateway_response("UNAUTHORIZED")  # no identity source: the function is not called
        method_arn = self.method_arn(request.method, path)
        policy = self.authorizations.get(authorizer, identity)
        if policy is None:
            outcome = self._call_authorizer(authorizer, request, path, found, context)
            if isinstance(outcome, Reply):
                return outcome
            policy = outcome
            self.authorizations.put(authorizer, identity, policy)
        if not allows(policy["policyDocument"], method_arn):
            return self.gateway_response("ACCESS_DENIED")
        authorizer_context = dict(policy.get("context") or {})
        authorizer_context["principalId"] = policy["principalId"]
        authorizer_context["integrationLatency"] = 0
        return authorizer_context

    def _call_authorizer(
        self, authorizer: Authorizer, request: Request, path: str, found: Match, context: dict[str, Any]
    ) -> dict[str, Any] | Reply:
        """The authorizer function's policy for this request, or the gateway's answer when it has none."""
        headers, multi_headers = self._headers(request)
        query, multi_query = self._query(request)
        event = {
            "type": "REQUEST",
            "methodArn": self.method_arn(request.method, path),
            "resource": found.route.path,
            "path": path,
            "httpMethod": request.method,
            "headers": headers,
            "multiValueHeaders": multi_headers,
            "queryStringParameters": query or {},
            "multiValueQueryStringParameters": multi_query or {},
            "pathParameters": found.path_parameters,
            "stageVariables": {},
            "requestContext": context,
        }
        try:
            policy = self.runtime.invoke(authorizer.function, event)
        except FunctionFailed as failed:
            kind = "UNAUTHORIZED" if str(failed.error) == "Unauthorized" else "AUTHORIZER_FAILURE"
            return self.gateway_response(kind)
        if not isinstance(policy, dict) or "policyDocument" not in policy or "principalId" not in policy:
            return self.gateway_response("AUTHORIZER_CONFIGURATION_ERROR")
        return policy

    def forget_authorizations(self) -> None:
        """Flush the stage's authorizer cache (FlushStageAuthorizersCache), as a revocation does."""
        self.authorizations.forget()


def _error_type(kind: str) -> str:
    return {
        "UNAUTHORIZED": "UnauthorizedException",
        "ACCESS_DENIED": "AccessDeniedException",
        "MISSING_AUTHENTICATION_TOKEN": "MissingAuthenticationTokenException",
        "THROTTLED": "TooManyRequestsException",
    }.get(kind, "InternalServerErrorException" if "5XX" in kind or "FAIL" in kind else "BadRequestException")
