"""Schemathesis fuzzes the API of docs/openapi.yaml against the local stack: no 5xx, and every
response conforms to the document (status, content type, headers, body schema)."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from syndicate_dev import template as tpl

OPENAPI = tpl.REPO / "docs" / "openapi.yaml"
schema = schemathesis.openapi.from_path(OPENAPI)
# What the issue asks: no 5xx, and every response is one the document declares. (A schema-valid
# but unknown cursor or article id is rightly refused, so "positive data acceptance" is not one.)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@schema.parametrize()
@settings(max_examples=15, deadline=None, database=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_the_local_api_conforms_to_the_openapi_document(case, local_stack):
    case.call_and_validate(
        base_url=local_stack.api_url, headers={"Authorization": f"Bearer {local_stack.api_key}"}, checks=CHECKS
    )
