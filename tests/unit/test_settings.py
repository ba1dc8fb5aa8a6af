from __future__ import annotations

import pytest

from syndicate.settings import ArticleSettings, MissingSetting


def test_missing_variable_is_named_at_start_up(monkeypatch):
    for name in ("ARTICLES_TABLE", "ARTICLE_BUCKET", "IDEMPOTENCY_TABLE", "SITE_URL"):
        monkeypatch.setenv(name, "x")
    monkeypatch.delenv("ARTICLE_BUCKET")
    with pytest.raises(MissingSetting, match="ARTICLE_BUCKET"):
        ArticleSettings.from_env()


def test_site_url_loses_its_trailing_slash(monkeypatch):
    for name in ("ARTICLES_TABLE", "ARTICLE_BUCKET", "IDEMPOTENCY_TABLE"):
        monkeypatch.setenv(name, "x")
    monkeypatch.setenv("SITE_URL", "https://feeds.example/")
    assert ArticleSettings.from_env().site_url == "https://feeds.example"
