"""The publisher API over HTTP, as ``syndicate publish`` and ``syndicate articles`` use it.

Every request has a deadline. Only idempotent requests are sent here (GET, PUT, DELETE; POST
/assets, which changes nothing, and the upload of an image to the key its bytes name), so a
request that failed on the way (a refused or reset connection, a timeout, 429, 502, 503, 504) is
sent again, a few times with growing pauses (urllib3's ``Retry``, which honours Retry-After).
Redirects are not followed: the API never answers with one, and following it would hand the API
key to whichever host it names. The key goes only into the Authorization header, and only to the
API: an image's upload goes to the presigned URL the API answered, with the form's own signature
and no key; nothing here puts the key into a message.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

import urllib3
from urllib3.exceptions import HTTPError as TransportError
from urllib3.util import Retry, Timeout

from syndicate.errors import Violation

USER_AGENT = "syndicate-cli/0.1"
IDEMPOTENT_METHODS = frozenset({"GET", "PUT", "DELETE"})
RETRIED_STATUSES = frozenset({429, 502, 503, 504})
PAGE_SIZE = 100
# The API's limit on a request body (syndicate.api.requests, a test keeps the two equal). Not
# imported: that module brings the handlers' Powertools objects, which read their settings once.
MAX_BODY_BYTES = 1024 * 1024


def request_body(document: Any) -> bytes:
    """The bytes sent for a document (the size the API's 1 MB limit applies to)."""
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


def default_retries(backoff_factor: float = 0.5) -> Retry:
    return Retry(
        total=4,
        connect=3,
        read=2,
        status=3,
        other=0,
        redirect=False,
        allowed_methods=IDEMPOTENT_METHODS,
        status_forcelist=RETRIED_STATUSES,
        backoff_factor=backoff_factor,
        backoff_max=10,
        raise_on_status=False,
        respect_retry_after_header=True,
    )


class ApiFailure(Exception):
    """The API could not be asked, or refused the caller: no later request would fare better."""


class ProblemAnswer(Exception):
    """A 4xx or 5xx about one request (RFC 9457 problem details when the API sent them)."""

    def __init__(self, status: int, title: str, detail: str, violations: list[Violation]) -> None:
        super().__init__(f"{status} {title}: {detail}")
        self.status = status
        self.title = title
        self.detail = detail
        self.violations = violations


@dataclass(frozen=True)
class StoredArticle:
    resource: dict[str, Any]  # the article as GET /articles/{id} answers it
    etag: str | None


class PublisherApi:
    def __init__(
        self,
        endpoint: str,
        api_key: str,
        *,
        timeout: float = 30.0,
        retries: Retry | None = None,
        pool: urllib3.PoolManager | None = None,
    ) -> None:
        self._endpoint = endpoint.rstrip("/")
        self._headers = {"Authorization": f"Bearer {api_key}", "User-Agent": USER_AGENT, "Accept": "application/json"}
        self._pool = pool or urllib3.PoolManager()
        self._timeout = Timeout(connect=min(timeout, 10.0), read=timeout)
        self._retries = retries or default_retries()

    def get(self, article_id: str) -> StoredArticle | None:
        """The article as the API holds it now, or None when there is none (or it was retracted)."""
        status, headers, body = self._send("GET", _article_path(article_id))
        if status == 404:
            return None
        _raise_unless_ok(status, body)
        return StoredArticle(_json_object(body), headers.get("ETag"))

    def put(self, article_id: str, document: dict[str, Any], *, if_match: str | None, if_none_match: str | None) -> int:
        """Create (201) or replace (200) the article; the answer's body is not relied on."""
        headers = {"Content-Type": "application/json"}
        if if_match:
            headers["If-Match"] = if_match
        if if_none_match:
            headers["If-None-Match"] = if_none_match
        status, _, body = self._send("PUT", _article_path(article_id), body=request_body(document), headers=headers)
        _raise_unless_ok(status, body)
        return status

    def request_upload(self, media_type: str, length: int, sha256: str) -> dict[str, Any]:
        """POST /assets: the image's hosted URL, its state, and an upload form unless it is verified."""
        document = {"type": media_type, "length": length, "sha256": sha256}
        headers = {"Content-Type": "application/json"}
        retries = self._retries.new(allowed_methods=IDEMPOTENT_METHODS | {"POST"})
        status, _, body = self._send("POST", "/assets", body=request_body(document), headers=headers, retries=retries)
        _raise_unless_ok(status, body)
        return _json_object(body)

    def upload_state(self, sha256: str) -> dict[str, Any] | None:
        """GET /assets/{sha256}: what became of the caller's upload of these bytes (None: not checked yet)."""
        status, _, body = self._send("GET", f"/assets/{quote(sha256, safe='')}")
        if status == 404:
            return None
        _raise_unless_ok(status, body)
        return _json_object(body)

    def upload(self, form: dict[str, Any], data: bytes, media_type: str) -> None:
        """Send ``data`` with a presigned S3 POST form (its fields, then the file, as S3 wants)."""
        fields: list[tuple[str, Any]] = [(str(name), str(value)) for name, value in form["fields"].items()]
        fields.append(("file", ("image", data, media_type)))
        retries = self._retries.new(allowed_methods=IDEMPOTENT_METHODS | {"POST"})
        try:
            answer = self._pool.request(
                "POST", str(form["url"]), fields=fields, timeout=self._timeout, retries=retries, redirect=False
            )
        except TransportError as error:
            raise ApiFailure(f"cannot reach the upload URL: {_reason(error)}") from None
        if answer.status >= 300:
            excerpt = answer.data[:200].decode("utf-8", "replace").strip()
            raise ProblemAnswer(answer.status, "", f"the image upload was refused: {excerpt}", [])

    def retract(self, article_id: str) -> None:
        status, _, body = self._send("DELETE", _article_path(article_id))
        _raise_unless_ok(status, body)

    def own_articles(self) -> Iterator[dict[str, Any]]:
        """The caller's own articles, drafts and scheduled ones included, newest first."""
        cursor: str | None = None
        while True:
            query = {"publisher": "me", "limit": str(PAGE_SIZE), **({"cursor": cursor} if cursor else {})}
            status, _, body = self._send("GET", f"/articles?{urlencode(query)}")
            _raise_unless_ok(status, body)
            page = _json_object(body)
            yield from page.get("articles") or []
            cursor = page.get("cursor")
            if not cursor:
                return

    def _send(
        self,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        retries: Retry | None = None,
    ) -> tuple[int, dict[str, str], bytes]:
        try:
            answer = self._pool.request(
                method,
                self._endpoint + path,
                body=body,
                headers={**self._headers, **(headers or {})},
                timeout=self._timeout,
                retries=retries or self._retries,
                redirect=False,
            )
        except TransportError as error:
            raise ApiFailure(f"cannot reach {self._endpoint}: {_reason(error)}") from None
        if answer.status in (401, 403):
            raise ApiFailure(
                f"the API refused the key ({answer.status}): {_problem(answer.status, answer.data).detail}"
            )
        if 300 <= answer.status < 400:
            raise ApiFailure(f"the API answered {answer.status}, a redirect; check the endpoint (not followed)")
        return answer.status, dict(answer.headers.items()), answer.data


def _article_path(article_id: str) -> str:
    return f"/articles/{quote(article_id, safe='')}"


def _reason(error: TransportError) -> str:
    reason = getattr(error, "reason", None) or error
    return f"{type(reason).__name__}: {reason}"


def _raise_unless_ok(status: int, body: bytes) -> None:
    if status >= 400:
        raise _problem(status, body)


def _problem(status: int, body: bytes) -> ProblemAnswer:
    try:
        problem = json.loads(body)
    except ValueError:
        problem = None
    if not isinstance(problem, dict):
        excerpt = body[:200].decode("utf-8", "replace").strip()
        return ProblemAnswer(status, "", excerpt or "(no details)", [])
    violations = [
        Violation(str(error.get("pointer", "")), str(error.get("message", "")))
        for error in problem.get("errors") or []
        if isinstance(error, dict)
    ]
    return ProblemAnswer(status, str(problem.get("title", "")), str(problem.get("detail", "")), violations)


def _json_object(body: bytes) -> dict[str, Any]:
    try:
        document = json.loads(body)
    except ValueError:
        document = None
    if not isinstance(document, dict):
        raise ProblemAnswer(200, "", "the API answered with something other than a JSON object", [])
    return document
