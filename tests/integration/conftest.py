from __future__ import annotations

import pytest

from tests.support.api import ApiCaller


@pytest.fixture
def articles_api(stack, monkeypatch) -> ApiCaller:
    """The publisher API handler, configured exactly as template.yaml configures it."""
    stack.use("ArticlesApiFunction", monkeypatch)
    from syndicate.handlers import articles_api

    return ApiCaller(articles_api.handler, publisher_id="pub_alice")
