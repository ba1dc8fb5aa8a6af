"""RenderFeedsFunction's settings: read once, validated, refused when missing or wrong."""

from __future__ import annotations

import pytest

from syndicate.settings import ConfigurationError, FeedSettings

ENV = {
    "ARTICLES_TABLE": "articles",
    "ARTICLE_BUCKET": "bodies",
    "SITE_BUCKET": "site",
    "SITE_TITLE": "Orbital Daily",
    "SITE_URL": "https://site.example/",
    "FEED_ITEM_COUNT": "50",
    "WEBSUB_HUB_URL": "",
    "API_URL": "https://api.example/dev/",
}


@pytest.fixture
def env(monkeypatch):
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    return monkeypatch


def test_feed_settings_come_from_the_environment(env):
    settings = FeedSettings.from_env()

    assert settings == FeedSettings("site", "Orbital Daily", 50, None, "https://api.example/dev")


@pytest.mark.parametrize("name", ["SITE_BUCKET", "SITE_TITLE", "FEED_ITEM_COUNT", "API_URL"])
def test_a_missing_feed_setting_is_refused_at_start_up(env, name):
    env.delenv(name)

    with pytest.raises(ConfigurationError, match=name):
        FeedSettings.from_env()


@pytest.mark.parametrize("count", ["0", "ten", "1001"])
def test_a_feed_item_count_out_of_range_is_refused(env, count):
    env.setenv("FEED_ITEM_COUNT", count)

    with pytest.raises(ConfigurationError, match="FEED_ITEM_COUNT"):
        FeedSettings.from_env()


@pytest.mark.parametrize("url", ["ftp://hub.example", "https://", "https:///publish", "https://hub.example/a b"])
def test_a_hub_url_that_is_not_http_is_refused(env, url):
    env.setenv("WEBSUB_HUB_URL", url)

    with pytest.raises(ConfigurationError, match="WEBSUB_HUB_URL"):
        FeedSettings.from_env()


@pytest.mark.parametrize("url", ["javascript:alert(1)", "api.example/dev", "https://api.example/a b"])
def test_an_api_url_the_subscribe_form_cannot_post_to_is_refused(env, url):
    env.setenv("API_URL", url)

    with pytest.raises(ConfigurationError, match="API_URL"):
        FeedSettings.from_env()
