"""Publishing checked Markdown articles: each is compared with what the API holds and sent with
``PUT /articles/{id}`` only when it differs, so publishing a folder again changes nothing.

The write is conditional on the state compared against (``If-Match`` with its ETag, or
``If-None-Match: *`` for a new id), so the changes reported are the ones made. When the condition
fails (412, or 409 from a concurrent write) the article is read again: if it now holds the file's
content (an earlier attempt whose answer was lost, then retried), the file is published;
otherwise someone changed it in between, and the file is reported as failed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from syndicate_dev.publishing.api import ApiFailure, ProblemAnswer, PublisherApi
from syndicate_dev.publishing.changes import FieldChange, changes, to_send
from syndicate_dev.publishing.images import HostedImage, ImageHost, ImageRefused, rewritten
from syndicate_dev.publishing.mapping import LocatedViolation, MarkdownArticle


class Outcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    WOULD_CREATE = "would create"
    WOULD_UPDATE = "would update"
    INVALID = "invalid"
    FAILED = "failed"
    NOT_SENT = "not sent"


SUCCESSES = frozenset({Outcome.CREATED, Outcome.UPDATED, Outcome.UNCHANGED, Outcome.WOULD_CREATE, Outcome.WOULD_UPDATE})
CONDITION_FAILED = frozenset({409, 412})


@dataclass(frozen=True)
class FileResult:
    article: MarkdownArticle
    outcome: Outcome
    changes: tuple[FieldChange, ...] = ()
    problem: ProblemAnswer | None = None  # what the API answered, when it refused the file
    failure: ApiFailure | None = None  # why this file and the rest were not sent


def refuse_shared_ids(articles: Sequence[MarkdownArticle]) -> list[MarkdownArticle]:
    """Files that would publish under one id are all refused: which of them is right is unknown."""
    by_id: dict[str, list[MarkdownArticle]] = defaultdict(list)
    for article in articles:
        by_id[article.article_id.lower()].append(article)
    checked = []
    for article in articles:
        others = [other.path for other in by_id[article.article_id.lower()] if other is not article]
        if others:
            line = article.id_line or _first_line(article)
            message = f"`{article.article_id}` is also the id of {', '.join(others)}; give each file its own `id`"
            article = article.refused(LocatedViolation(line, "/id", message))
        checked.append(article)
    return checked


def _first_line(article: MarkdownArticle) -> int | None:
    return min((v.line for v in article.violations if v.line), default=None)


def publish_articles(
    articles: Sequence[MarkdownArticle],
    api: PublisherApi,
    *,
    dry_run: bool,
    report: Callable[[FileResult], None],
    images: ImageHost | None = None,
) -> list[FileResult]:
    """Publish every valid article in order, reporting each result as it is known.

    When the API cannot be reached or refuses the key, that file and the rest are not sent. Local
    images are uploaded once per run, whichever files name them (``images``).
    """
    images = images or ImageHost(api)
    results: list[FileResult] = []
    failure: ApiFailure | None = None
    for article in articles:
        if article.violations:
            result = FileResult(article, Outcome.INVALID)
        elif failure is not None:
            result = FileResult(article, Outcome.NOT_SENT)
        else:
            try:
                result = publish_article(article, api, dry_run=dry_run, images=images)
            except ApiFailure as error:
                failure = error
                result = FileResult(article, Outcome.NOT_SENT, failure=error)
        results.append(result)
        report(result)
    return results


def publish_article(
    article: MarkdownArticle, api: PublisherApi, *, dry_run: bool, images: ImageHost | None = None
) -> FileResult:
    try:
        stored = api.get(article.article_id)
        resource = stored.resource if stored else None
        try:
            document = _with_hosted_images(article, images or ImageHost(api), dry_run=dry_run)
        except ImageRefused as refusal:
            where = refusal.image
            refused = LocatedViolation(where.line, where.pointer, f"{where.written}: {refusal.reason}")
            return FileResult(article.refused(refused), Outcome.INVALID)
        article = replace(article, document=document)
        found = tuple(changes(article.document, resource))
        if stored is not None and not found:
            return FileResult(article, Outcome.UNCHANGED)
        if dry_run:
            return FileResult(article, Outcome.WOULD_UPDATE if stored else Outcome.WOULD_CREATE, found)
        try:
            status = api.put(
                article.article_id,
                to_send(article.document, resource),
                if_match=stored.etag if stored else None,
                if_none_match=None if stored else "*",
            )
        except ProblemAnswer as problem:
            if problem.status not in CONDITION_FAILED or not _holds(api, article):
                raise
            status = 200 if stored else 201
        return FileResult(article, Outcome.CREATED if status == 201 else Outcome.UPDATED, found)
    except ProblemAnswer as problem:
        return FileResult(article, Outcome.FAILED, problem=problem)


def _with_hosted_images(article: MarkdownArticle, images: ImageHost, *, dry_run: bool) -> dict[str, object]:
    """The document with each local image's hosted URL (uploaded now unless ``dry_run``, which
    uses what the API already holds, else a stand-in that names the file)."""
    hosted: dict[str, HostedImage] = {}
    for image in article.images:
        if image.sha256 in hosted:
            continue
        known = images.known(image) if dry_run else images.host(image)
        hosted[image.sha256] = known or HostedImage(f"(to upload) {image.written}", {})
    return rewritten(article.document, list(article.images), hosted)


def _holds(api: PublisherApi, article: MarkdownArticle) -> bool:
    """Whether the API now holds what the file says."""
    stored = api.get(article.article_id)
    return stored is not None and not changes(article.document, stored.resource)
