"""The local stack's terminal: one short line per request, its invocations under it."""

from __future__ import annotations

import io
import re
import threading
import time

from syndicate_dev.local.runtime import Invocation
from syndicate_dev.local.terminal import Terminal


def terminal(**options) -> tuple[Terminal, io.StringIO]:
    out = io.StringIO()
    return Terminal(out, **options), out


def test_a_requests_invocations_are_printed_under_its_line_once_it_is_answered():
    shown, out = terminal()

    shown.request_started()
    shown.invocation_finished(Invocation("PublisherAuthorizerFunction", "r1", 3.2))
    shown.invocation_finished(Invocation("ArticlesApiFunction", "r2", 9.6))
    assert out.getvalue() == ""
    shown.request_finished("POST", "/dev/articles", 201, time.perf_counter())

    lines = out.getvalue().splitlines()
    assert re.fullmatch(r"\d\d:\d\d:\d\d POST /dev/articles 201 \d+ ms", lines[0])
    assert [line.strip() for line in lines[1:]] == [
        "-> PublisherAuthorizerFunction ok 3 ms",
        "-> ArticlesApiFunction ok 10 ms",
    ]


def test_an_invocation_outside_any_request_gets_its_own_line():
    shown, out = terminal()

    shown.invocation_finished(Invocation("RenderFeedsFunction", "r1", 120.0))

    assert re.fullmatch(r"\d\d:\d\d:\d\d RenderFeedsFunction ok 120 ms\n", out.getvalue())


def test_an_invocation_in_another_thread_is_not_taken_for_the_requests():
    shown, out = terminal()
    shown.request_started()

    scheduled = threading.Thread(target=shown.invocation_finished, args=(Invocation("RenderFeedsFunction", "r", 1.0),))
    scheduled.start()
    scheduled.join()

    assert "RenderFeedsFunction ok 1 ms" in out.getvalue()


def test_a_failure_says_what_was_raised():
    shown, out = terminal()

    shown.invocation_finished(Invocation("SendDigestsFunction", "r", 4.0, KeyError("edition")))

    assert "SendDigestsFunction failed: KeyError: 'edition' 4 ms" in out.getvalue()


def test_an_invocation_past_its_timeout_says_lambda_would_have_stopped_it():
    assert "Lambda would have stopped it" in Invocation("F", "r", 11_000.0, over_timeout=True).outcome


def test_a_quiet_terminal_prints_nothing_per_request_or_invocation():
    shown, out = terminal(requests=False, invocations=False)

    shown.request_started()
    shown.invocation_finished(Invocation("ArticlesApiFunction", "r", 1.0))
    shown.request_finished("GET", "/dev/articles", 200, time.perf_counter())

    assert out.getvalue() == ""
