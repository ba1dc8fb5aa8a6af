"""The site's HTML pages in the site bucket: one page per article, where its feed entries link.

A page is written when its article is rendered at a version whose page is not yet written, with
the article's whole body (a feed entry may carry only its summary and a link to this page), and
deleted when the article is public nowhere any more. Further kinds of pages (a home page,
category pages) belong here, beside ``ArticlePages``, written by the same ``SiteWriter``.
"""

from __future__ import annotations

from syndicate.articles.model import article_url
from syndicate.feeds.documents import render_article_page
from syndicate.feeds.entries import Entry, xml_text
from syndicate.feeds.fingerprints import sha256
from syndicate.feeds.ports import SiteWriter
from syndicate.feeds.spec import SITE_TITLE

PAGE_CACHE = "public, max-age=300"
PAGE_TYPE = "text/html; charset=utf-8"


def article_page_key(article_id: str) -> str:
    return f"articles/{article_id}.html"


class ArticlePages:
    def __init__(self, site: SiteWriter, site_url: str) -> None:
        self._site = site
        self._site_url = site_url
        self._feed_url = f"{site_url}/feeds/rss.xml"

    def write(self, entry: Entry, body_html: str | None) -> str:
        """Writes the article's page with its whole body; returns its key."""
        whole = entry._replace(content_html=xml_text(body_html) if body_html else None)
        body = render_article_page(
            whole,
            page_url=article_url(self._site_url, entry.article_id),
            feed_url=self._feed_url,
            site_title=SITE_TITLE,
        )
        key = article_page_key(entry.article_id)
        self._site.put(key, body, content_type=PAGE_TYPE, cache_control=PAGE_CACHE, digest=sha256(body))
        return key

    def delete(self, article_id: str) -> str:
        key = article_page_key(article_id)
        self._site.delete(key)
        return key
