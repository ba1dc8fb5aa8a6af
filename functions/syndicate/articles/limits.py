"""What bounds the size of an article, so that no answer of the API passes what Lambda allows.

A function behind API Gateway answers with one JSON document holding the HTTP body as a string,
and the Python 3.11 runtime writes it with ``ensure_ascii``: the body, JSON already, is escaped
again, and every character outside ASCII becomes ``\\uXXXX`` (6 bytes, 12 outside the BMP). That
payload may not pass 6 MB. A request body is at most 1 MB, and a character of it costs at most
three times its request bytes once escaped twice (``é``: 2 bytes in, 6 out), so the Markdown and
every other field an article echoes stay within 3 MB; the rendered HTML and the whole answer are
measured at ingest. A listing holds no bodies, and one page is one Query, which DynamoDB ends at
1 MB of items: at most about 4 MB once escaped.
"""

from __future__ import annotations

import json
from typing import Any

LAMBDA_RESPONSE_LIMIT = 6 * 1024 * 1024
# Any one answer's body, as the runtime escapes it; the rest of the payload (status, headers,
# the envelope) takes a few hundred bytes.
MAX_RESPONSE_BYTES = 5_500_000
# The longest the site URL can make an article's "url" beyond what ingest measures.
URL_ALLOWANCE = 2_048
_WORST_ESCAPE = 12  # bytes a single character can take, escaped twice (a non-BMP one)


def payload_bytes(document: Any) -> int:
    """The bytes ``document`` takes as the body of a Lambda proxy response (JSON in JSON, ASCII)."""
    return len(json.dumps(json.dumps(document, ensure_ascii=False)))


def response_fits(document: Any, limit: int = MAX_RESPONSE_BYTES) -> bool:
    """Whether ``document`` fits in ``limit`` as a response body (exact only when it could matter)."""
    body = json.dumps(document, ensure_ascii=False)
    return _WORST_ESCAPE * len(body) <= limit or len(json.dumps(body)) <= limit
