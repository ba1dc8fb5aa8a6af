"""Reading a JSON request body safely: content type, size and syntax, each with its own 4xx."""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping
from typing import Any

from syndicate.api.problems import HttpProblem

MAX_BODY_BYTES = 1024 * 1024


def header(headers: Mapping[str, str] | None, name: str) -> str | None:
    """A header's value, whatever its case in the event."""
    wanted = name.lower()
    for key, value in (headers or {}).items():
        if key.lower() == wanted:
            return value
    return None


def json_body(headers: Mapping[str, str] | None, body: str | None, is_base64: bool = False) -> Any:
    """The JSON document of a request, or the HttpProblem (415, 400, 413) that says what is wrong."""
    _require_json_content_type(headers)
    data = _body_bytes(body, is_base64)
    if len(data) > MAX_BODY_BYTES:
        raise HttpProblem(413, f"The body is larger than {MAX_BODY_BYTES} bytes.", slug="payload-too-large")
    if not data.strip():
        raise HttpProblem(400, "The body is empty; send a JSON document.", slug="malformed-json")
    text, document = _parsed(data)
    # A lone surrogate can only come from a \uD800-\uDFFF escape (the text itself is strict UTF-8),
    # so a body without one skips the walk.
    where = _lone_surrogate(document, "") if _SURROGATE_ESCAPE.search(text) else None
    if where is not None:
        # JSON allows "\ud800" escapes, but half a character is not text: nothing downstream
        # (HTML sanitizer, S3, XML feeds, email) could store or show it.
        raise HttpProblem(
            400,
            f"The body holds half a UTF-16 surrogate pair at {where or '/'}; send whole characters.",
            slug="malformed-json",
        )
    return document


def _require_json_content_type(headers: Mapping[str, str] | None) -> None:
    content_type = (header(headers, "content-type") or "").split(";")[0].strip().lower()
    if content_type != "application/json" and not (
        content_type.startswith("application/") and content_type.endswith("+json")
    ):
        raise HttpProblem(
            415,
            "Send the body as application/json.",
            slug="unsupported-media-type",
            headers={"Accept": "application/json"},
        )


def _body_bytes(body: str | None, is_base64: bool) -> bytes:
    raw = body or ""
    try:
        return base64.b64decode(raw, validate=True) if is_base64 else raw.encode("utf-8", "surrogatepass")
    except (binascii.Error, ValueError):
        raise HttpProblem(400, "The body is not valid base64.", slug="malformed-body") from None


def _parsed(data: bytes) -> tuple[str, Any]:
    """(the text, the document) of a body, strict UTF-8 and strict JSON."""
    try:
        text = data.decode("utf-8")
        return text, json.loads(text, parse_constant=_refuse_constant)
    except UnicodeDecodeError:
        raise HttpProblem(400, "The body is not UTF-8.", slug="malformed-json") from None
    except json.JSONDecodeError as error:
        raise HttpProblem(
            400,
            f"The body is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}.",
            slug="malformed-json",
        ) from None
    except (ValueError, RecursionError) as error:
        # NaN/Infinity, integers too long to convert, nesting deeper than the parser allows.
        raise HttpProblem(400, f"The body is not acceptable JSON: {error}.", slug="malformed-json") from None


_SURROGATE = re.compile("[\ud800-\udfff]")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _lone_surrogate(value: Any, at: str) -> str | None:
    """JSON Pointer of the first string (or key) holding a lone surrogate, or None."""
    if isinstance(value, str):
        return at if _SURROGATE.search(value) else None
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = _lone_surrogate(item, f"{at}/{index}")
            if found is not None:
                return found
    elif isinstance(value, dict):
        for key, item in value.items():
            escaped = key.replace("~", "~0").replace("/", "~1")
            if _SURROGATE.search(key):
                return f"{at}/{escaped}"
            found = _lone_surrogate(item, f"{at}/{escaped}")
            if found is not None:
                return found
    return None


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")
