from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from syndicate import dependencies
from tests.support.api import ApiCaller
from tests.support.digests import MailingWorld
from tests.support.functions import Functions
from tests.support.mail import Outbox


@pytest.fixture
def articles_api(stack, monkeypatch) -> ApiCaller:
    """The publisher API handler, configured exactly as template.yaml configures it."""
    stack.use("ArticlesApiFunction", monkeypatch)
    from syndicate.handlers import articles_api

    return ApiCaller(articles_api.handler, publisher_id="pub_alice")


# -- subscriptions and digests ------------------------------------------------------------------


# The API id of the recorded API Gateway samples (events/api/*.json): requests and mails agree.
SAMPLE_API_ID = "abc123defg"


@pytest.fixture
def sleeps() -> Iterator[list[float]]:
    """What the SES backoff would have slept (nothing sleeps for real)."""
    waited: list[float] = []
    dependencies.use_sleep(waited.append)
    yield waited
    dependencies.use_sleep(time.sleep)


@pytest.fixture
def functions(stack, monkeypatch, sleeps) -> Functions:
    """Every function of template.yaml, each invoked with exactly its own environment."""
    stack.resolver.names["PublicApi"] = SAMPLE_API_ID
    return Functions(stack, monkeypatch)


@pytest.fixture
def world(functions, stack) -> MailingWorld:
    return MailingWorld(functions, stack, Outbox())
