"""Rendering an edition ONCE: Jinja2 (autoescaped) HTML with inlined CSS, and plain text.

Each reader's links are slots the templates place (``syndicate.mailing.slots``): the render
cuts its output at them, so the stored edition is literal text and slots, and the sender fills
the slots per recipient without ever searching the articles' text. A million recipients cost
one template render per edition.

What an article holds never stops an edition: single-line fields are made one line, URLs that
are not http(s) are not linked, and an article the templates still cannot render is left out
(``RenderedEdition.left_out`` says which and why) while the others go out.

Every message stays under Gmail's clipping size (``syndicate.mailing.size``), which would hide
the footer and its unsubscribe link: an edition too large to show whole shows its first
articles in full and the rest as a list of linked titles, and if even that list is too long,
its end becomes one link to the site ("12 more articles"). The largest edition the contract
allows (30 articles at every field's limit) is measured by a test.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import css_inline

from syndicate.articles.model import Article, article_url
from syndicate.digests.edition import DigestEdition
from syndicate.mailing.message import encoded_size, one_line
from syndicate.mailing.size import CLIP_BYTES
from syndicate.mailing.slots import Body, Slot, SlotMarkers
from syndicate.mailing.templates import email_environment

SUBJECT_TITLE_LENGTH = 80
LISTED_TITLE_LENGTH = 120
# What one article may take of a digest: its summary and image description shortened, and a URL
# longer than any real one replaced (the article's own page) or dropped (an image), so that even
# articles at every limit of the contract leave room for others in full.
SUMMARY_LENGTH = 600
ALT_LENGTH = 200
URL_LENGTH = 512
# Room for what is not a body: the headers (From, a 254-octet To, an encoded Subject, Message-ID,
# List-Id, List-Unsubscribe with its link) and the MIME boundaries; measured well under it.
HEADER_ALLOWANCE = 4_000
# A reader's link as the budget counts it: an API base URL of up to 400 characters, the path and
# a token of the longest length a token may have. Real links are shorter.
LONGEST_LINK = "https://" + "a" * 392 + "/subscriptions/preferences?token=" + "t" * 512


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
class Layout:
    """How an edition shows its articles: the first ``full`` in full, the next ``listed`` as linked
    titles, and the rest (if any) counted in one link to the site."""

    full: int
    listed: int = 0


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


def _shortened(title: str, length: int) -> str:
    return title if len(title) <= length else title[: length - 1].rstrip() + "…"


def fits(rendered: RenderedEdition) -> bool:
    """Whether every recipient's message of this edition stays under Gmail's clipping size."""
    size = encoded_size(rendered.html, LONGEST_LINK, html=True) + encoded_size(rendered.text, LONGEST_LINK, html=False)
    return size + HEADER_ALLOWANCE <= CLIP_BYTES


def _largest(highest: int, holds: Callable[[int], bool]) -> int | None:
    """The largest n in [0, highest] for which ``holds(n)`` (true up to some n, false after); None if none."""
    low, high, found = 0, highest, None
    while low <= high:
        middle = (low + high) // 2
        if holds(middle):
            found, low = middle, middle + 1
        else:
            high = middle - 1
    return found


def _subject(cadence: str, sender_name: str, articles: list[dict[str, Any]]) -> str:
    first = _shortened(articles[0]["title"], SUBJECT_TITLE_LENGTH)
    more = f" (+{len(articles) - 1} more)" if len(articles) > 1 else ""
    return one_line(f"{sender_name} {cadence} digest: {first}{more}")


def _web_url(value: Any) -> str | None:
    """An absolute http(s) URL of at most URL_LENGTH, or None: nothing else becomes a link or an image."""
    if isinstance(value, str) and value.startswith(("https://", "http://")) and value.isprintable():
        return value if len(value) <= URL_LENGTH else None
    return None


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise UnrenderableArticle(f"{what} is a {type(value).__name__}, not text")
    return value.encode("utf-8", "replace").decode("utf-8")


IMAGE_WIDTH = 568  # pixels: the digest's column (digest.html.j2)


def _image(image: Any) -> dict[str, str] | None:
    """The photo, if it has an http(s) URL; its alt text made one line; its height at the email's
    width when its size is known (a hosted image's always is), so the layout does not jump."""
    url = _web_url(image.get("url")) if isinstance(image, dict) else None
    if url is None:
        return None
    shown = {"url": url, "alt": _shortened(one_line(_text(image.get("alt", ""), "the image's alt text")), ALT_LENGTH)}
    width, height = image.get("width"), image.get("height")
    if isinstance(width, int) and isinstance(height, int) and width > 0 and height > 0:
        shown["height"] = str(max(1, round(IMAGE_WIDTH * height / width)))
    return shown


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
            rendered = self._fitted(edition, views) if views else None
        except Exception:  # an article's text broke a template or the CSS inliner: find which
            views, unrenderable = self._renderable(edition, views)
            left_out.extend(unrenderable)
            rendered = self._fitted(edition, views) if views else None
        return replace(rendered, left_out=tuple(left_out)) if rendered else None

    def _fitted(self, edition: DigestEdition, views: list[dict[str, Any]]) -> RenderedEdition:
        """The edition with as much shown in full as fits under Gmail's clipping size.

        One render when everything fits (the usual case). Otherwise the most articles in full
        with every other one listed; if not even that fits, the most in full and then the most
        listed, the rest counted in one link: a binary search each, a dozen renders at most.
        """
        count = len(views)
        whole = self._render(edition, views, Layout(count))
        if fits(whole):
            return whole
        full = _largest(count - 1, lambda n: fits(self._render(edition, views, Layout(n, count - n))))
        if full is not None:
            return self._render(edition, views, Layout(full, count - full))
        full = _largest(count - 1, lambda n: fits(self._render(edition, views, Layout(n)))) or 0
        listed = _largest(count - full, lambda n: fits(self._render(edition, views, Layout(full, n)))) or 0
        return self._render(edition, views, Layout(full, listed))

    def view(self, article: Article) -> dict[str, Any]:
        """What the templates show of an article: plain text and checked URLs only."""
        summary = article.extras.get("summary")
        return {
            "id": article.id,
            "title": one_line(_text(article.title, "the title")),
            "summary": _shortened(_text(summary, "the summary"), SUMMARY_LENGTH) if summary is not None else None,
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

    def _render(
        self, edition: DigestEdition, views: list[dict[str, Any]], layout: Layout | None = None
    ) -> RenderedEdition:
        layout = layout or Layout(len(views))
        env = email_environment("syndicate.digests")
        markers = SlotMarkers()
        count = len(views)
        listed = views[layout.full : layout.full + layout.listed]
        context = {
            "heading": f"Your {edition.cadence} digest: {count} new article{'s' if count != 1 else ''}",
            "cadence": edition.cadence,
            "sender_name": self.sender_name,
            "articles": views[: layout.full],
            "listed": [{**view, "title": _shortened(view["title"], LISTED_TITLE_LENGTH)} for view in listed],
            "elsewhere": count - layout.full - len(listed),
            "site_url": self.site_url + "/",
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
