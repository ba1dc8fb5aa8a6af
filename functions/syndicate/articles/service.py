"""What the publisher API does with articles, on plain values.

Callers hand in the requester's publisher id and the parsed JSON document; they get back
``Article`` values or a ``DomainError``. Nothing here knows about API Gateway or boto3.
"""

from __future__ import annotations

import html
import re
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig, idempotent_function
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyAlreadyInProgressError,
    IdempotencyValidationError,
)
from aws_lambda_powertools.utilities.idempotency.persistence.base import BasePersistenceLayer
from aws_lambda_powertools.utilities.idempotency.serialization.custom_dict import CustomDictSerializer

from syndicate import contract
from syndicate.articles.limits import MAX_RESPONSE_BYTES, URL_ALLOWANCE, payload_bytes, response_fits
from syndicate.articles.model import (
    OPTIONAL_FIELDS,
    PUBLISHED,
    RETRACTED,
    Article,
    category_slug,
    content_hash,
    public_article_id,
)
from syndicate.articles.ports import (
    ArticleRepository,
    HostedImages,
    ImageNotHosted,
    InvalidCursor,
    Page,
    VersionConflict,
)
from syndicate.articles.rendering import BodyRefused, render_body
from syndicate.clock import Clock, isoformat
from syndicate.contract import Violation
from syndicate.errors import (
    EditConflict,
    IdempotencyKeyReused,
    InvalidParameters,
    InvalidRequest,
    NotFound,
    PreconditionFailed,
    RequestInProgress,
)

DEFAULT_PAGE_SIZE = 20
IDEMPOTENCY_WINDOW_SECONDS = 24 * 3600
_IMAGE_SOURCES = re.compile(r'<img\b[^>]*?\ssrc="([^"]*)"')


@dataclass(frozen=True)
class PutResult:
    article: Article
    created: bool


class ArticleService:
    def __init__(
        self,
        store: ArticleRepository,
        clock: Clock,
        idempotency: BasePersistenceLayer | None = None,
        images: HostedImages | None = None,
    ) -> None:
        self._store = store
        self._clock = clock
        self._idempotency = idempotency
        self._images = images

    # -- writes -------------------------------------------------------------------------------

    def publish(
        self, publisher_id: str, document: Any, *, idempotency_key: str | None = None, lambda_context: Any = None
    ) -> Article:
        """POST /articles: a new article under a fresh id.

        With an idempotency key, a retry with the same key and document stores nothing and answers
        with the article the first request created, as it is now (the record keeps a reference to
        it, not a copy, so a body of any allowed size fits); the same key with another document is
        refused. ``lambda_context`` lets an in-progress record expire when the invocation would have
        timed out, so a crashed request does not block its retries.
        """
        if idempotency_key is None or self._idempotency is None:
            return self._publish(publisher_id, document)
        _require_valid_idempotency_key(idempotency_key)
        request = {"publisher_id": publisher_id, "idempotency_key": idempotency_key, "document": document}
        try:
            article: Article = self._once(self._idempotency, lambda_context)(request=request)
        except IdempotencyValidationError:
            raise IdempotencyKeyReused(
                "This Idempotency-Key was already used with a different article; use a new key."
            ) from None
        except IdempotencyAlreadyInProgressError:
            raise RequestInProgress(
                "A request with this Idempotency-Key is still in progress; retry shortly."
            ) from None
        return article

    def _once(self, records: BasePersistenceLayer, lambda_context: Any) -> Callable[..., Article]:
        """``_publish_request`` made idempotent per (publisher, key), its result recorded by reference."""
        config = IdempotencyConfig(
            event_key_jmespath="[publisher_id, idempotency_key]",
            payload_validation_jmespath="document",
            expires_after_seconds=IDEMPOTENCY_WINDOW_SECONDS,
        )
        if lambda_context is not None:
            config.register_lambda_context(lambda_context)
        recorded = CustomDictSerializer(to_dict=_reference, from_dict=self._referenced)
        once: Callable[..., Article] = idempotent_function(
            data_keyword_argument="request",
            persistence_store=records,
            config=config,
            output_serializer=recorded,
        )(self._publish_request)
        return once

    def _referenced(self, reference: dict[str, Any]) -> Article:
        """The article an idempotency record refers to, read again (metadata: what POST answers)."""
        article = self._store.get(reference["id"], with_body=False)
        if article is None:
            raise NotFound(f"No article {reference['own_id']}.")
        return article

    def _publish_request(self, request: dict[str, Any]) -> Article:
        return self._publish(request["publisher_id"], request["document"])

    def _publish(self, publisher_id: str, document: Any) -> Article:
        _require_valid(document)
        article = self._build(publisher_id, new_article_id(), document, previous=None)
        return self._write(article, previous=None)

    def put(
        self,
        publisher_id: str,
        article_id: str,
        document: Any,
        *,
        if_match: str | None = None,
        if_none_match: str | None = None,
    ) -> PutResult:
        """PUT /articles/{id}: create or replace under the publisher's own id (its own id space)."""
        _require_valid_id(article_id)
        _require_valid(document)
        previous = self._own(publisher_id, article_id)
        live = previous if previous is not None and previous.status != RETRACTED else None
        _check_preconditions(live, if_match=if_match, if_none_match=if_none_match)
        article = self._build(publisher_id, article_id, document, previous=previous)
        if live is not None and live.content_hash == article.content_hash:
            return PutResult(live, created=False)
        return PutResult(self._write(article, previous=previous), created=live is None)

    def retract(self, publisher_id: str, article_id: str, *, if_match: str | None = None) -> None:
        """DELETE /articles/{id}: gone from listings and feeds; the stored bodies stay in S3."""
        _require_valid_id(article_id)
        previous = self._own(publisher_id, article_id)
        if previous is None:
            raise NotFound(f"No article {article_id}.")
        if previous.status == RETRACTED:
            return  # DELETE is idempotent for the owner
        _check_preconditions(previous, if_match=if_match, if_none_match=None)
        now = isoformat(self._clock())
        retracted = previous.with_changes(
            status=RETRACTED, version=previous.version + 1, updated_at=now, retracted_at=now
        )
        self._write(retracted, previous=previous)

    # -- reads --------------------------------------------------------------------------------

    def read(self, requester_id: str, article_id: str) -> Article:
        """GET /articles/{id}: one of the requester's own articles, drafts and scheduled ones too."""
        _require_valid_id(article_id)
        article = self._store.get(public_article_id(requester_id, article_id))
        if article is None or article.publisher_id != requester_id or article.status == RETRACTED:
            raise NotFound(f"No article {article_id}.")
        return article

    def list(self, requester_id: str, query: Mapping[str, str | Sequence[str]]) -> Page:
        """GET /articles: public articles newest first, or the requester's own with publisher=me.

        ``query`` holds each parameter's value, or all its values when it was given more than once.
        A page is one Query, which DynamoDB stops at 1 MB of items: escaped as the API answers,
        that is at most about 4 MB (a quote or backslash takes 4 bytes), within Lambda's 6 MB.
        """
        found = _query_violations(query)
        if found:
            raise InvalidParameters(found, "The query parameters are not valid.")
        limit = int(str(query.get("limit", DEFAULT_PAGE_SIZE)))
        cursor = str(query["cursor"]) if "cursor" in query else None
        try:
            if query.get("publisher") == "me":
                return self._store.list_by_publisher(requester_id, limit=limit, cursor=cursor)
            category = category_slug(str(query["category"])) if "category" in query else None
            return self._store.list_public(category=category, now=isoformat(self._clock()), limit=limit, cursor=cursor)
        except InvalidCursor:
            raise InvalidParameters(
                [contract.Violation("/cursor", "is not a cursor this listing issued (altered, or from another query)")],
                "The query parameters are not valid.",
            ) from None

    # -- internals ----------------------------------------------------------------------------

    def _own(self, publisher_id: str, article_id: str) -> Article | None:
        """The publisher's article ``article_id`` (metadata only), or None: its own id space."""
        existing = self._store.get(public_article_id(publisher_id, article_id), with_body=False)
        if existing is not None and existing.publisher_id != publisher_id:
            # Only a SHA-256 collision could lead here; it is nobody's article to change.
            raise NotFound(f"No article {article_id}.")
        return existing

    def _build(self, publisher_id: str, article_id: str, document: dict[str, Any], previous: Article | None) -> Article:
        stamp = isoformat(self._clock())
        document, refused = self._with_image_facts(publisher_id, document)
        published_at = document.get("published_at")
        article = Article(
            id=public_article_id(publisher_id, article_id),
            own_id=article_id,
            publisher_id=publisher_id,
            version=(previous.version + 1) if previous else 1,
            status=document.get("status", PUBLISHED),
            title=document["title"],
            categories=tuple(document["categories"]),
            published_at=isoformat(datetime.fromisoformat(published_at.upper())) if published_at else stamp,
            created_at=previous.created_at if previous else stamp,
            updated_at=stamp,
            content_hash=content_hash(document),
            extras={name: document[name] for name in OPTIONAL_FIELDS if name in document},
            body_markdown=document["body"],
            body_html=_rendered(document["body"]),
        )
        _require_answerable(article)
        refused += self._body_image_violations(publisher_id, article.body_html or "")
        if refused:
            raise InvalidRequest.in_document("article", refused)
        return article

    def _with_image_facts(
        self, publisher_id: str, document: dict[str, Any]
    ) -> tuple[dict[str, Any], tuple[Violation, ...]]:
        """The document with a hosted ``image``'s recorded facts, which win over what was sent
        (feeds and emails then carry them without probing the URL), or why it cannot be used."""
        image = document.get("image")
        if self._images is None or not isinstance(image, dict):
            return document, ()
        try:
            facts = self._images.facts(publisher_id, image["url"])
        except ImageNotHosted as refusal:
            return document, (Violation("/image/url", str(refusal)),)
        return (document if facts is None else {**document, "image": {**image, **facts}}), ()

    def _body_image_violations(self, publisher_id: str, body_html: str) -> tuple[Violation, ...]:
        """Every hosted image the body shows must be one the publisher uploaded and had verified."""
        if self._images is None:
            return ()
        found: tuple[Violation, ...] = ()
        for url in dict.fromkeys(html.unescape(source) for source in _IMAGE_SOURCES.findall(body_html)):
            try:
                self._images.facts(publisher_id, url)
            except ImageNotHosted as refusal:
                found += (Violation("/body", f"shows {url}, which {refusal}"),)
        return found

    def _write(self, article: Article, previous: Article | None) -> Article:
        try:
            return self._store.save(article, previous)
        except VersionConflict:
            raise EditConflict(
                f"Article {article.id} was changed by another request; read it again and retry."
            ) from None


def _reference(article: Article) -> dict[str, Any]:
    """What an idempotency record keeps of the article a request created: where to find it again."""
    return {"id": article.id, "own_id": article.api_id, "version": article.version, "etag": article.etag}


def new_article_id() -> str:
    """A publisher's id for an article POSTed without one: 32 hex characters (128 random bits)."""
    return secrets.token_hex(16)


def _require_valid(document: Any) -> None:
    found = contract.violations("article", document)
    if not found and isinstance(document, dict) and document.get("published_at"):
        try:
            datetime.fromisoformat(document["published_at"].upper()).astimezone(UTC)
        except (OverflowError, ValueError):
            found = [Violation("/published_at", "is not a moment between the years 0001 and 9999 in UTC")]
    if found:
        raise InvalidRequest.in_document("article", found)


def _rendered(markdown: str) -> str:
    try:
        return render_body(markdown)
    except BodyRefused as refused:
        raise InvalidRequest.in_document("article", [Violation("/body", str(refused))]) from None


def _require_answerable(article: Article) -> None:
    """Refuse an article that GET /articles/{id} could not return within Lambda's payload limit."""
    limit = MAX_RESPONSE_BYTES - URL_ALLOWANCE
    if not response_fits(article.resource(site_url=""), limit):
        size = payload_bytes(article.resource(site_url=""))
        found = Violation(
            "/body",
            f"makes the article {size:,} bytes as the API returns it (JSON escaped as Lambda sends it, "
            f"text outside ASCII up to 6 bytes a character), more than the {limit:,} allowed",
        )
        raise InvalidRequest.in_document("article", [found])


def _query_violations(query: Mapping[str, str | Sequence[str]]) -> list[Violation]:
    repeated = sorted(name for name, value in query.items() if not isinstance(value, str))
    if repeated:
        return [Violation(contract.pointer([name]), "must be given once") for name in repeated]
    found = contract.violations("article-list-query", query)
    if not found and query.get("publisher") == "me" and "category" in query:
        found = [Violation("/category", "cannot be combined with publisher=me, which lists all your articles")]
    return found


def _require_valid_idempotency_key(key: str) -> None:
    if not 1 <= len(key) <= 255 or not key.isprintable():
        raise InvalidParameters(
            [contract.Violation("/Idempotency-Key", "must be 1 to 255 printable characters")],
            "The Idempotency-Key header is not valid.",
        )


def _require_valid_id(article_id: str) -> None:
    found = contract.violations("article-path", {"id": article_id})
    if found:
        raise InvalidParameters(found, "The article id in the path is not valid.")


def _check_preconditions(current: Article | None, *, if_match: str | None, if_none_match: str | None) -> None:
    if if_match is not None:
        tags = _entity_tags(if_match)
        if current is None or ("*" not in tags and current.etag not in tags):
            raise PreconditionFailed("If-Match does not match the article's current ETag.")
    if if_none_match is not None:
        tags = _entity_tags(if_none_match)
        if current is not None and ("*" in tags or current.etag in tags):
            raise PreconditionFailed("If-None-Match matched the article's current ETag.")


def _entity_tags(header: str) -> Sequence[str]:
    return [tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()]
