from __future__ import annotations

import pytest

from syndicate.settings import ArticleStorageSettings, ConfigurationError, SiteSettings


def test_missing_variable_is_named_at_start_up(monkeypatch):
    monkeypatch.setenv("ARTICLES_TABLE", "x")
    monkeypatch.delenv("ARTICLE_BUCKET", raising=False)
    with pytest.raises(ConfigurationError, match="ARTICLE_BUCKET"):
        ArticleStorageSettings.from_env()


def test_site_url_loses_its_trailing_slash(monkeypatch):
    monkeypatch.setenv("SITE_URL", "https://feeds.example/")
    assert SiteSettings.from_env().site_url == "https://feeds.example"


def test_the_digest_sender_refuses_to_start_without_its_ledger_table(monkeypatch):
    from syndicate import settings

    monkeypatch.delenv("DELIVERY_LEDGER_TABLE", raising=False)
    monkeypatch.setenv("DIGEST_BUCKET", "bucket")
    monkeypatch.setenv("API_URL", "https://api.example/dev")
    with pytest.raises(settings.ConfigurationError, match="DELIVERY_LEDGER_TABLE"):
        settings.DigestDeliverySettings.from_env()
