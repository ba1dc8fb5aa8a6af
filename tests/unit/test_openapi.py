"""docs/openapi.yaml is a valid OpenAPI 3.1 document that says what template.yaml deploys."""

from __future__ import annotations

import yaml
from openapi_spec_validator import validate

from syndicate_dev import template as tpl

OPENAPI = tpl.REPO / "docs" / "openapi.yaml"
METHODS = {"get", "put", "post", "delete", "patch", "head", "options"}


def document() -> dict:
    return yaml.safe_load(OPENAPI.read_text(encoding="utf-8"))


def documented_operations() -> set[tuple[str, str]]:
    return {
        (method.upper(), path) for path, item in document()["paths"].items() for method in item if method in METHODS
    }


def test_document_is_valid_openapi_3_1_with_its_schema_references_resolved():
    validate(document(), base_uri=OPENAPI.as_uri())


def test_every_template_route_is_documented_and_every_documented_route_is_deployed():
    routes = tpl.api_routes(tpl.load())
    deployed = {(route.method, route.path) for route in routes if route.method != "ANY"}

    assert deployed == documented_operations()


def test_catch_all_routes_only_cover_documented_paths():
    # ANY routes exist so that a wrong method gets 405 from the function, not a gateway 403.
    documented_paths = {path for _, path in documented_operations()}
    for route in tpl.api_routes(tpl.load()):
        if route.method == "ANY":
            assert route.path in documented_paths


def test_request_bodies_reference_the_schemas_directory_rather_than_copy_it():
    for path, item in document()["paths"].items():
        for method, operation in item.items():
            if method not in METHODS or "requestBody" not in operation:
                continue
            for media in operation["requestBody"]["content"].values():
                reference = media["schema"].get("$ref", "")
                assert reference.startswith("../schemas/"), (method, path)
                assert (OPENAPI.parent / reference.split("#")[0]).resolve().is_file()


def test_security_matches_the_authorizer_on_each_route():
    doc = document()
    default = bool(doc.get("security"))
    for route in tpl.api_routes(tpl.load()):
        if route.method == "ANY":
            continue
        operation = doc["paths"][route.path][route.method.lower()]
        secured = bool(operation.get("security", doc.get("security")))
        assert secured == route.authorized, (route.method, route.path)
        assert default or not route.authorized
