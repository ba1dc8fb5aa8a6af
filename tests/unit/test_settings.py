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


def test_the_digest_sender_refuses_to_start_without_its_ledger_table(monkeypatch):
    from syndicate import settings

    monkeypatch.delenv("DELIVERY_LEDGER_TABLE", raising=False)
    monkeypatch.setenv("DIGEST_BUCKET", "bucket")
    monkeypatch.setenv("API_URL", "https://api.example/dev")
    with pytest.raises(settings.MissingSetting, match="DELIVERY_LEDGER_TABLE"):
        settings.DigestDeliverySettings.from_env()
