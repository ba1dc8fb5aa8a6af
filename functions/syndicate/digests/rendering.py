"""Rendering an edition ONCE: Jinja2 (autoescaped) HTML with inlined CSS, and plain text.

Each reader's links are slots the templates place (``syndicate.mailing.slots``): the render
cuts its output at them, so the stored edition is literal text and slots, and the sender fills
the slots per recipient without ever searching the articles' text. A million recipients cost
one template render per edition.

What an article holds never stops an edition: single-line fields are made one line, URLs that
are not http(s) are not linked, and an article the templates still cannot render is left out
(``RenderedEdition.left_out`` says which and why) while the others go out.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import css_inline

from syndicate.articles.model import Article, article_url
from syndicate.digests.edition import DigestEdition
from syndicate.mailing.message import one_line
from syndicate.mailing.slots import Body, Slot, SlotMarkers
from syndicate.mailing.templates import email_environment

SUBJECT_TITLE_LENGTH = 80


class UnrenderableArticle(ValueError):
    """An article whose stored fields have shapes the digest cannot show."""


@dataclass(frozen=True)
class LeftOut:
    """An article an edition went out without, and why (for the log and the metric; no reader data)."""

    article_id: str
    reason: str


def _body_to_json(body: Body) -> list[Any]:
    return [piece if isinstance(piece, str) else {"slot": piece.value} for piece in body]


def _body_from_json(values: list[Any]) -> Body:
    return tuple(piece if isinstance(piece, str) else Slot(piece["slot"]) for piece in values)


@dataclass(frozen=True)
class RenderedEdition:
    edition_id: str
    cadence: str
    subject: str
    html: Body
    text: Body
    article_ids: tuple[str, ...]
    left_out: tuple[LeftOut, ...] = field(default=(), compare=False)  # known at render time only

    def as_document(self) -> dict[str, Any]:
        return {
            "edition_id": self.edition_id,
            "cadence": self.cadence,
            "subject": self.subject,
            "html": _body_to_json(self.html),
            "text": _body_to_json(self.text),
            "article_ids": list(self.article_ids),
        }

    @classmethod
    def from_document(cls, values: dict[str, Any]) -> RenderedEdition:
        return cls(
            edition_id=values["edition_id"],
            cadence=values["cadence"],
            subject=values["subject"],
            html=_body_from_json(values["html"]),
            text=_body_from_json(values["text"]),
            article_ids=tuple(values["article_ids"]),
        )


def _subject(cadence: str, sender_name: str, articles: list[dict[str, Any]]) -> str:
    first = articles[0]["title"]
    if len(first) > SUBJECT_TITLE_LENGTH:
        first = first[: SUBJECT_TITLE_LENGTH - 1].rstrip() + "…"
    more = f" (+{len(articles) - 1} more)" if len(articles) > 1 else ""
    return one_line(f"{sender_name} {cadence} digest: {first}{more}")


def _web_url(value: Any) -> str | None:
    """An absolute http(s) URL, or None: nothing else becomes a link or an image in a digest."""
    if isinstance(value, str) and value.startswith(("https://", "http://")) and value.isprintable():
        return value
    return None


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise UnrenderableArticle(f"{what} is a {type(value).__name__}, not text")
    return value.encode("utf-8", "replace").decode("utf-8")


def _image(image: Any) -> dict[str, str] | None:
    """The photo, if it has an http(s) URL; its alt text made one line."""
    url = _web_url(image.get("url")) if isinstance(image, dict) else None
    if url is None:
        return None
    return {"url": url, "alt": one_line(_text(image.get("alt", ""), "the image's alt text"))}


class EditionRenderer:
    def __init__(self, site_url: str, sender_name: str) -> None:
        self.site_url = site_url.rstrip("/")
        self.sender_name = sender_name
        self.renders = 0  # template renders (the benchmark checks it equals the editions)
        self._inliner = css_inline.CSSInliner(keep_style_tags=False, load_remote_stylesheets=False)

    def render(self, edition: DigestEdition, articles: list[Article]) -> RenderedEdition | None:
        """The edition, without the articles it cannot show; None when none is left."""
        views: list[dict[str, Any]] = []
        left_out: list[LeftOut] = []
        for article in articles:
            try:
                views.append(self.view(article))
            except UnrenderableArticle as error:
                left_out.append(LeftOut(article.id, str(error)))
        try:
            rendered = self._render(edition, views) if views else None
        except Exception:  # an article's text broke a template or the CSS inliner: find which
            views, unrenderable = self._renderable(edition, views)
            left_out.extend(unrenderable)
            rendered = self._render(edition, views) if views else None
        return replace(rendered, left_out=tuple(left_out)) if rendered else None

    def view(self, article: Article) -> dict[str, Any]:
        """What the templates show of an article: plain text and checked URLs only."""
        summary = article.extras.get("summary")
        return {
            "id": article.id,
            "title": one_line(_text(article.title, "the title")),
            "summary": _text(summary, "the summary") if summary is not None else None,
            "url": _web_url(article.extras.get("canonical_url")) or article_url(self.site_url, article.id),
            "image": _image(article.extras.get("image")),
        }

    def _renderable(
        self, edition: DigestEdition, views: list[dict[str, Any]]
    ) -> tuple[list[dict[str, Any]], list[LeftOut]]:
        """The views that render on their own, and why the others do not."""
        kept: list[dict[str, Any]] = []
        left_out: list[LeftOut] = []
        for view in views:
            try:
                self._render(edition, [view])
            except Exception as error:  # whatever broke, this article is left out
                left_out.append(LeftOut(view["id"], f"{type(error).__name__}: {error}"[:300]))
            else:
                kept.append(view)
        return kept, left_out

    def _render(self, edition: DigestEdition, views: list[dict[str, Any]]) -> RenderedEdition:
        env = email_environment("syndicate.digests")
        markers = SlotMarkers()
        count = len(views)
        context = {
            "heading": f"Your {edition.cadence} digest: {count} new article{'s' if count != 1 else ''}",
            "cadence": edition.cadence,
            "sender_name": self.sender_name,
            "articles": views,
            "unsubscribe_url": markers[Slot.UNSUBSCRIBE_URL],
            "preferences_url": markers[Slot.PREFERENCES_URL],
        }
        subject = _subject(edition.cadence, self.sender_name, views)
        html = self._inliner.inline(env.get_template("digest.html.j2").render(subject=subject, **context))
        text = env.get_template("digest.txt.j2").render(**context)
        self.renders += 1
        return RenderedEdition(
            edition_id=edition.id,
            cadence=edition.cadence,
            subject=subject,
            html=markers.body(html),
            text=markers.body(text),
            article_ids=tuple(view["id"] for view in views),
        )
