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


def test_allowed_origins_are_read_as_a_list_and_may_be_empty(monkeypatch):
    from syndicate import settings

    monkeypatch.setenv("API_URL", "https://api.example/dev/")
    monkeypatch.setenv("ALLOWED_ORIGINS", " https://blog.example.com, http://127.0.0.1:8080 ")
    assert settings.SubscriptionPageSettings.from_env() == settings.SubscriptionPageSettings(
        api_url="https://api.example/dev", allowed_origins=("https://blog.example.com", "http://127.0.0.1:8080")
    )
    monkeypatch.setenv("ALLOWED_ORIGINS", "")
    assert settings.SubscriptionPageSettings.from_env().allowed_origins is None


@pytest.mark.parametrize("value", ["https://blog.example.com/", "blog.example.com", "https://a.example/path", "*"])
def test_an_allowed_origin_with_a_path_or_without_a_scheme_stops_the_function(monkeypatch, value):
    from syndicate import settings

    monkeypatch.setenv("API_URL", "https://api.example/dev")
    monkeypatch.setenv("ALLOWED_ORIGINS", f"https://ok.example,{value}")
    with pytest.raises(settings.ConfigurationError, match="ALLOWED_ORIGINS"):
        settings.SubscriptionPageSettings.from_env()


def reputation(monkeypatch, bounce="4", complaint="0.08", minimum="500"):
    from syndicate.settings import ReputationSettings

    monkeypatch.setenv("REPUTATION_BOUNCE_RATE_PERCENT", bounce)
    monkeypatch.setenv("REPUTATION_COMPLAINT_RATE_PERCENT", complaint)
    monkeypatch.setenv("REPUTATION_MINIMUM_SENDS", minimum)
    return ReputationSettings.from_env()


def test_the_reputation_thresholds_are_read_as_fractions_of_the_digests_sent(monkeypatch):
    found = reputation(monkeypatch)

    assert (found.bounce_rate, found.complaint_rate, found.minimum_sends) == (0.04, pytest.approx(0.0008), 500)


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("bounce", "0"),
        ("bounce", "101"),
        ("complaint", "a lot"),
        ("minimum", "0"),
        ("minimum", "1.5"),
    ],
)
def test_a_threshold_no_guard_can_use_is_refused_at_start_up(monkeypatch, variable, value):
    with pytest.raises(ConfigurationError, match="REPUTATION_"):
        reputation(monkeypatch, **{variable: value})


def test_the_sender_needs_to_know_how_many_senders_share_the_send_rate(monkeypatch):
    from syndicate.settings import PacingSettings

    monkeypatch.delenv("SENDER_CONCURRENCY", raising=False)
    with pytest.raises(ConfigurationError, match="SENDER_CONCURRENCY"):
        PacingSettings.from_env()
    monkeypatch.setenv("SENDER_CONCURRENCY", "25")
    assert PacingSettings.from_env().sender_concurrency == 25
