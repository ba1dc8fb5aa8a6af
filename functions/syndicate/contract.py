"""The API contract: the JSON Schemas in schemas/, and the violations they find in a document.

Every message comes from the schema itself (its limits, its enums, its descriptions), so the
validator, the OpenAPI document and the error responses say the same thing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker, validators
from jsonschema.exceptions import ValidationError
from jsonschema.protocols import Validator

from syndicate.errors import Violation
from syndicate.settings import schemas_dir

__all__ = ["Violation", "load_schema", "pointer", "validator", "violations"]

# jsonschema's own "email" check only looks for an "@"; a reader's inbox needs more (and an
# address becomes a header, where a control character has no place).
_EMAIL = re.compile(
    r"^[^@\s\"(),:;<>\[\]\\\x00-\x1f\x7f-\x9f]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+\Z"
)


# RFC 3339 and RFC 3986 have no whitespace or control character anywhere; the validators
# jsonschema uses anchor with Python's "$", which lets a final newline through.
_BLANK_OR_CONTROL = re.compile(r"[\s\x00-\x1f\x7f-\x9f]")


def _format_checker() -> FormatChecker:
    checker = FormatChecker()
    base = FormatChecker()

    @checker.checks("email")
    def is_email(instance: object) -> bool:
        return not isinstance(instance, str) or bool(_EMAIL.match(instance))

    @checker.checks("uri")
    def is_uri(instance: object) -> bool:
        return not isinstance(instance, str) or (
            not _BLANK_OR_CONTROL.search(instance) and base.conforms(instance, "uri")
        )

    @checker.checks("date-time")
    def is_date_time(instance: object) -> bool:
        return not isinstance(instance, str) or (
            not _BLANK_OR_CONTROL.search(instance) and base.conforms(instance, "date-time")
        )

    return checker


def _ecma_anchors(pattern: str) -> str:
    """A JSON Schema pattern (ECMA-262) for Python's re: there "$" ends the text, here it also
    matches before a final newline, so every "$" outside a character class becomes "\\Z"."""
    translated: list[str] = []
    escaped = in_class = False
    for char in pattern:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "$":
            char = "\\Z"
        translated.append(char)
    return "".join(translated)


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(_ecma_anchors(pattern))


def _pattern(validator: Validator, pattern: str, instance: Any, schema: dict[str, Any]) -> Iterator[ValidationError]:
    if validator.is_type(instance, "string") and not _compiled(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


# Draft 2020-12 with ECMA-262 anchors; the stubs leave extend() unannotated (it returns a validator class).
_Validator: type[Validator] = validators.extend(Draft202012Validator, {"pattern": _pattern})  # type: ignore[no-untyped-call]


@cache
def load_schema(name: str) -> dict[str, Any]:
    with open(schemas_dir() / f"{name}.schema.json", encoding="utf-8") as handle:
        schema: dict[str, Any] = json.load(handle)
    return schema


@cache
def validator(name: str) -> Validator:
    schema = load_schema(name)
    Draft202012Validator.check_schema(schema)
    return _Validator(schema, format_checker=_format_checker())


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
    kind = str(error.validator)
    value: Any = error.validator_value
    schema = error.schema if isinstance(error.schema, dict) else {}
    instance = error.instance

    if kind == "required":
        missing = [name for name in value if isinstance(instance, dict) and name not in instance]
        return [Violation(pointer([*at, name]), "is required") for name in missing]
    if kind == "additionalProperties":
        known = set(schema.get("properties", {}))
        extras = [name for name in instance if name not in known] if isinstance(instance, dict) else []
        return [Violation(pointer([*at, name]), "is not a field this API accepts") for name in extras]
    if kind == "not" and value == {}:
        return [Violation(pointer(at), "is set by Syndicate and cannot be sent")]
    if kind == "anyOf" or kind == "oneOf":
        best = sorted(error.context or [], key=lambda e: -len(e.absolute_path))
        return _explain(best[0]) if best else [Violation(pointer(at), "does not match any allowed form")]
    return [Violation(pointer(at), _message(kind, value, schema))]


_FORMAT_NAMES: dict[str, str] = {
    "date-time": "RFC 3339 date-time with a time zone, e.g. 2025-12-17T09:30:00Z",
    "uri": "absolute URI",
    "email": "email address",
}


def _message(kind: str, value: Any, schema: dict[str, Any]) -> str:
    """What a failed keyword means, in words a client understands (the schema's own limits)."""
    explain = _MESSAGES.get(kind)
    return explain(value, schema) if explain else f"is invalid ({kind})"


def _type_message(value: Any, schema: dict[str, Any]) -> str:
    expected = value if isinstance(value, str) else " or ".join(value)
    return f"must be {_article(expected)} {expected}"


def _pattern_message(value: Any, schema: dict[str, Any]) -> str:
    described = schema.get("description")
    if described:
        return f"does not match the expected form: {described}"
    if value in ("\\S", "[A-Za-z0-9]"):
        return "must contain visible characters"
    return f"must match the pattern {value}"


_MESSAGES: dict[str, Callable[[Any, dict[str, Any]], str]] = {
    "type": _type_message,
    "maxLength": lambda value, _: f"must be at most {value} characters long",
    "minLength": lambda value, _: "must not be empty" if value == 1 else f"must be at least {value} characters long",
    "maxItems": lambda value, _: f"must have at most {value} items",
    "minItems": lambda value, _: f"must have at least {value} item{'s' if value != 1 else ''}",
    "uniqueItems": lambda value, _: "must not repeat items",
    "enum": lambda value, _: "must be one of: " + ", ".join(json.dumps(option) for option in value),
    "const": lambda value, _: f"must be {json.dumps(value)}",
    "format": lambda value, _: f"must be a valid {_FORMAT_NAMES.get(value, value)}",
    "pattern": _pattern_message,
    "minimum": lambda value, _: f"must be at least {value}",
    "maximum": lambda value, _: f"must be at most {value}",
    "exclusiveMinimum": lambda value, _: f"must be greater than {value}",
    "exclusiveMaximum": lambda value, _: f"must be less than {value}",
}


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"
