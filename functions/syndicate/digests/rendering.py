"""Rendering an edition ONCE: Jinja2 (autoescaped) HTML with inlined CSS, and plain text.

Per-recipient links are left as placeholders that ``digests.message`` fills in by string
substitution, so a million recipients cost one template render per edition.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import css_inline

from syndicate.articles.model import Article, article_url
from syndicate.digests.edition import DigestEdition
from syndicate.mailing.templates import email_environment

UNSUBSCRIBE_SLOT = "@@UNSUBSCRIBE_URL@@"
PREFERENCES_SLOT = "@@PREFERENCES_URL@@"


@dataclass(frozen=True)
class RenderedEdition:
    edition_id: str
    cadence: str
    subject: str
    html: str  # with UNSUBSCRIBE_SLOT / PREFERENCES_SLOT
    text: str
    article_ids: tuple[str, ...]

    def as_document(self) -> dict[str, Any]:
        values = asdict(self)
        values["article_ids"] = list(self.article_ids)
        return values

    @classmethod
    def from_document(cls, values: dict[str, Any]) -> RenderedEdition:
        return cls(**{**values, "article_ids": tuple(values["article_ids"])})


def _subject(cadence: str, sender_name: str, articles: list[Article]) -> str:
    first = articles[0].title
    if len(first) > 80:
        first = first[:79].rstrip() + "…"
    more = f" (+{len(articles) - 1} more)" if len(articles) > 1 else ""
    return f"{sender_name} {cadence} digest: {first}{more}"


class EditionRenderer:
    def __init__(self, site_url: str, sender_name: str) -> None:
        self.site_url = site_url.rstrip("/")
        self.sender_name = sender_name
        self.renders = 0  # template renders (the benchmark checks it equals the editions)
        self._inliner = css_inline.CSSInliner(keep_style_tags=False, load_remote_stylesheets=False)

    def render(self, edition: DigestEdition, articles: list[Article]) -> RenderedEdition:
        if not articles:
            raise ValueError("an empty edition is never rendered")
        env = email_environment("syndicate.digests")
        heading = f"Your {edition.cadence} digest: {len(articles)} new article{'s' if len(articles) != 1 else ''}"
        context = {
            "heading": heading,
            "cadence": edition.cadence,
            "sender_name": self.sender_name,
            "articles": [self._article(a) for a in articles],
            "unsubscribe_url": UNSUBSCRIBE_SLOT,
            "preferences_url": PREFERENCES_SLOT,
        }
        subject = _subject(edition.cadence, self.sender_name, articles)
        html = env.get_template("digest.html.j2").render(subject=subject, **context)
        text = env.get_template("digest.txt.j2").render(**context)
        self.renders += 1
        return RenderedEdition(
            edition_id=edition.id,
            cadence=edition.cadence,
            subject=subject,
            html=self._inliner.inline(html),
            text=text,
            article_ids=tuple(a.id for a in articles),
        )

    def _article(self, article: Article) -> dict[str, Any]:
        image = article.extras.get("image")
        return {
            "title": article.title,
            "summary": article.extras.get("summary"),
            "url": article.extras.get("canonical_url") or article_url(self.site_url, article.id),
            "image": image if isinstance(image, dict) and image.get("url") else None,
        }
