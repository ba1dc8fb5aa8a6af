"""The API contract: the JSON Schemas in schemas/, and the violations they find in a document.

Every message comes from the schema itself (its limits, its enums, its descriptions), so the
validator, the OpenAPI document and the error responses say the same thing.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any, Iterable

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError

from syndicate.errors import Violation
from syndicate.settings import schemas_dir

__all__ = ["Violation", "load_schema", "pointer", "validator", "violations"]

# jsonschema's own "email" check only looks for an "@"; a reader's inbox needs more.
_EMAIL = re.compile(r"^[^@\s\"(),:;<>\[\]\\]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")


def _format_checker() -> FormatChecker:
    checker = FormatChecker()

    @checker.checks("email")
    def is_email(instance: object) -> bool:
        return not isinstance(instance, str) or bool(_EMAIL.match(instance))

    return checker


@lru_cache(maxsize=None)
def load_schema(name: str) -> dict[str, Any]:
    with open(schemas_dir() / f"{name}.schema.json", encoding="utf-8") as handle:
        return json.load(handle)


@lru_cache(maxsize=None)
def validator(name: str) -> Draft202012Validator:
    schema = load_schema(name)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=_format_checker())


def pointer(parts: Iterable[Any]) -> str:
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in parts)


def violations(name: str, document: Any) -> list[Violation]:
    """Every violation of schema ``name`` in ``document``, in document order; empty when valid."""
    found: list[Violation] = []
    for error in validator(name).iter_errors(document):
        found.extend(_explain(error))
    unique = {(v.pointer, v.message): v for v in found}
    return sorted(unique.values(), key=lambda v: (v.pointer, v.message))


def _explain(error: ValidationError) -> list[Violation]:
    at = list(error.absolute_path)
    kind = error.validator
    value = error.validator_value
    schema = error.schema if isinstance(error.schema, dict) else {}
    instance = error.instance

    if kind == "required":
        missing = [name for name in value if isinstance(instance, dict) and name not in instance]
        return [Violation(pointer(at + [name]), "is required") for name in missing]
    if kind == "additionalProperties":
        known = set(schema.get("properties", {}))
        extras = [name for name in instance if name not in known] if isinstance(instance, dict) else []
        return [Violation(pointer(at + [name]), "is not a field this API accepts") for name in extras]
    if kind == "not" and value == {}:
        return [Violation(pointer(at), "is set by Syndicate and cannot be sent")]
    if kind == "anyOf" or kind == "oneOf":
        best = sorted(error.context or [], key=lambda e: -len(e.absolute_path))
        return _explain(best[0]) if best else [Violation(pointer(at), "does not match any allowed form")]
    return [Violation(pointer(at), _message(kind, value, schema, instance))]


def _message(kind: str, value: Any, schema: dict[str, Any], instance: Any) -> str:
    if kind == "type":
        expected = value if isinstance(value, str) else " or ".join(value)
        return f"must be {_article(expected)} {expected}"
    if kind == "maxLength":
        return f"must be at most {value} characters long"
    if kind == "minLength":
        return "must not be empty" if value == 1 else f"must be at least {value} characters long"
    if kind == "maxItems":
        return f"must have at most {value} items"
    if kind == "minItems":
        return f"must have at least {value} item{'s' if value != 1 else ''}"
    if kind == "uniqueItems":
        return "must not repeat items"
    if kind == "enum":
        return "must be one of: " + ", ".join(json.dumps(option) for option in value)
    if kind == "const":
        return f"must be {json.dumps(value)}"
    if kind == "format":
        return f"must be a valid {_FORMAT_NAMES.get(value, value)}"
    if kind == "pattern":
        described = schema.get("description")
        if described:
            return f"does not match the expected form: {described}"
        return "must contain visible characters" if value in ("\\S", "[A-Za-z0-9]") else f"must match the pattern {value}"
    if kind in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        words = {"minimum": "at least", "maximum": "at most", "exclusiveMinimum": "greater than", "exclusiveMaximum": "less than"}
        return f"must be {words[kind]} {value}"
    return f"is invalid ({kind})"


_FORMAT_NAMES = {
    "date-time": "RFC 3339 date-time with a time zone, e.g. 2025-12-17T09:30:00Z",
    "uri": "absolute URI",
    "email": "email address",
}


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"
