"""Reading a JSON request body safely: content type, size and syntax, each with its own 4xx."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any, Mapping

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
    content_type = (header(headers, "content-type") or "").split(";")[0].strip().lower()
    if content_type != "application/json" and not (content_type.startswith("application/") and content_type.endswith("+json")):
        raise HttpProblem(415, "Send the body as application/json.", slug="unsupported-media-type",
                          headers={"Accept": "application/json"})
    raw = body or ""
    try:
        data = base64.b64decode(raw, validate=True) if is_base64 else raw.encode("utf-8")
    except (binascii.Error, ValueError):
        raise HttpProblem(400, "The body is not valid base64.", slug="malformed-body") from None
    if len(data) > MAX_BODY_BYTES:
        raise HttpProblem(413, f"The body is larger than {MAX_BODY_BYTES} bytes.", slug="payload-too-large")
    if not data.strip():
        raise HttpProblem(400, "The body is empty; send a JSON document.", slug="malformed-json")
    try:
        return json.loads(data.decode("utf-8"), parse_constant=_refuse_constant)
    except UnicodeDecodeError:
        raise HttpProblem(400, "The body is not UTF-8.", slug="malformed-json") from None
    except json.JSONDecodeError as error:
        raise HttpProblem(
            400, f"The body is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}.",
            slug="malformed-json",
        ) from None
    except (ValueError, RecursionError) as error:
        # NaN/Infinity, integers too long to convert, nesting deeper than the parser allows.
        raise HttpProblem(400, f"The body is not acceptable JSON: {error}.", slug="malformed-json") from None


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")
