"""The local stack's own cost.

1. Start-up: from `syndicate local` to a ready stack (every template resource created on moto,
   the dev publisher made), against the baseline of a bare interpreter importing the handler.
2. Sustained `POST /articles` per second over HTTP through `syndicate local` (a subprocess, as a
   user runs it; a keep-alive client here) against the same requests sent to the handler
   in-process (an in-process stack, the handler called directly). Both write to a moto server in
   the handler's own process, so the ratio is the local layer's overhead: HTTP, the proxy event,
   the cached authorizer and the per-invocation environment.
"""

from __future__ import annotations

import contextlib
import http.client
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from bench._support import free_port, start_local_stack

REPO = Path(__file__).resolve().parents[1]
REQUESTS = int(os.environ.get("BENCH_LOCAL_REQUESTS", "150"))
KEY = "syn_benchLocalStackKey00000000000000000000000"


def _seed() -> bytes:
    return (REPO / "events" / "articles" / "photo-of-the-day.json").read_bytes()


def _interpreter_baseline() -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import syndicate.handlers.articles_api"], cwd=REPO, check=True)
    return time.perf_counter() - started


def _over_http(port: int, body: bytes, requests: int) -> float:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"}
    for _ in range(5):  # warm up: authorizer cached, clients built
        connection.request("POST", "/dev/articles", body=body, headers=headers)
        connection.getresponse().read()
    started = time.perf_counter()
    for _ in range(requests):
        connection.request("POST", "/dev/articles", body=body, headers=headers)
        answer = connection.getresponse()
        answer.read()
        assert answer.status == 201, answer.status
    elapsed = time.perf_counter() - started
    connection.close()
    return requests / elapsed


def _in_process(body: bytes, requests: int) -> float:
    from syndicate_dev.local.environment import PROCESS_LOCK
    from syndicate_dev.local.stack import LocalStack
    from syndicate_dev.local.terminal import Terminal

    with contextlib.redirect_stdout(io.StringIO()):
        stack = LocalStack("127.0.0.1", 0, run_schedules=False, terminal=Terminal.silent()).start()
    try:
        event = json.loads((REPO / "events" / "api" / "create-article.json").read_text(encoding="utf-8"))
        event["body"] = body.decode("utf-8")
        del event["headers"]["Idempotency-Key"]
        del event["multiValueHeaders"]["Idempotency-Key"]
        event["requestContext"]["authorizer"]["publisher_id"] = stack.dev_publisher_id
        sink = io.StringIO()
        # The process lock, as an invocation holds it: the stream poller's renders wait meanwhile.
        with contextlib.redirect_stdout(sink), PROCESS_LOCK:
            for _ in range(5):
                stack.invoke("ArticlesApiFunction", event)  # warm up, and the function's environment set
            handler = stack.runtime.handler("ArticlesApiFunction")
            from syndicate_dev.local.runtime import LocalLambdaContext

            started = time.perf_counter()
            for _ in range(requests):
                result = handler(event, LocalLambdaContext("bench", 512, 10))
                assert result["statusCode"] == 201, result
                sink.seek(0)
                sink.truncate()
            elapsed = time.perf_counter() - started
        return requests / elapsed
    finally:
        stack.stop()


def main(quick: bool = False) -> None:
    """``quick``: 5 requests each way, so CI can run it (the rates then mean little)."""
    requests = 5 if quick else REQUESTS
    body = _seed()
    interpreter = _interpreter_baseline()
    port = free_port()
    process, ready = start_local_stack(port, KEY)
    try:
        over_http = _over_http(port, body, requests)
    finally:
        process.terminate()
        process.wait(timeout=30)
    in_process = _in_process(body, requests)
    print(
        f"start-up: `syndicate local` ready in {ready:.2f} s = {ready / interpreter:.1f}x a bare interpreter "
        f"importing the handler ({interpreter:.2f} s)"
    )
    print(
        f"POST /articles, {requests} requests, seed article: over HTTP {over_http:.0f}/s, handler in-process "
        f"{in_process:.0f}/s -> local layer keeps {over_http / in_process:.2f}x of the in-process rate "
        f"({(1 / over_http - 1 / in_process) * 1000:.2f} ms overhead per request)"
    )


if __name__ == "__main__":
    main()
