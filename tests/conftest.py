from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator

import pytest
from moto import mock_aws

from syndicate import dependencies
from syndicate.clock import system_clock
from syndicate_dev import moto_gaps
from tests.support.clock import FakeClock, FakeTimer
from tests.support.logs import FunctionOutput
from tests.support.stack import Stack, build_stack

# Fake credentials before any client exists; nothing here may reach a real AWS endpoint.
for _name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
    os.environ.pop(_name, None)
os.environ.update(
    AWS_ACCESS_KEY_ID="testing",
    AWS_SECRET_ACCESS_KEY="testing",
    AWS_DEFAULT_REGION="us-east-1",
    POWERTOOLS_TRACE_DISABLED="true",
    POWERTOOLS_METRICS_NAMESPACE="Syndicate",
    POWERTOOLS_SERVICE_NAME="syndicate",
    POWERTOOLS_DEV="false",
)


@pytest.fixture
def clock() -> Iterator[FakeClock]:
    fake = FakeClock()
    dependencies.use_clock(fake)
    yield fake
    dependencies.use_clock(system_clock)


@pytest.fixture
def pacing() -> Iterator[FakeTimer]:
    """The time digest senders pace themselves by: it moves only when they sleep, and records it."""
    timer = FakeTimer()
    dependencies.use_pacing(timer, timer.sleep)
    yield timer
    dependencies.use_pacing(time.monotonic, time.sleep)


@pytest.fixture
def aws(pacing):
    """moto, with what moto does not answer (SES GetAccount, event destinations) answered by moto_gaps."""
    with mock_aws():
        moto_gaps.ses.reset()
        moto_gaps.ses.install()
        dependencies.forget()
        try:
            yield
        finally:
            moto_gaps.ses.uninstall()
    dependencies.forget()


@pytest.fixture
def stack(aws, clock) -> Stack:
    """Every resource of template.yaml on moto, with names unique to this test."""
    return build_stack(prefix=f"t{uuid.uuid4().hex[:8]}")


@pytest.fixture
def output(capsys) -> Iterator[FunctionOutput]:
    """What the functions log and print during the test (log lines, metrics)."""
    captured = FunctionOutput(capsys)
    yield captured
    captured.close()
