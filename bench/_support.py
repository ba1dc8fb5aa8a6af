"""What several benchmarks share: an offline AWS environment, and a local stack to time against.

Not a benchmark itself (``python -m bench`` runs only modules without a leading underscore).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def offline_aws_environment() -> None:
    """moto's fake credentials and quiet Powertools, set before boto3 or Powertools first read them;
    a developer's profile or endpoint override must not send a benchmark's requests elsewhere."""
    os.environ.update(
        AWS_ACCESS_KEY_ID="bench",
        AWS_SECRET_ACCESS_KEY="bench",
        AWS_DEFAULT_REGION="us-east-1",
        POWERTOOLS_TRACE_DISABLED="true",
        POWERTOOLS_METRICS_NAMESPACE="Syndicate",
        POWERTOOLS_SERVICE_NAME="syndicate",
        POWERTOOLS_LOG_LEVEL="WARNING",
    )
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL"):
        os.environ.pop(name, None)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_local_stack(port: int, api_key: str) -> tuple[subprocess.Popen[str], float]:
    """``syndicate local`` on ``port`` with ``api_key`` as the dev publisher's key, once it is
    ready, and the seconds it took to get there."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "syndicate_dev.cli", "local", "--port", str(port), "--quiet"],
        cwd=REPO,
        env={**os.environ, "SYNDICATE_DEV_API_KEY": api_key},
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    output = process.stdout
    assert output is not None
    for line in output:
        if line.startswith("Ctrl-C stops it."):
            break
    ready = time.perf_counter() - started
    # Keep draining its output, so the functions' logs never fill the pipe and block it.
    threading.Thread(target=lambda: [None for _ in output], daemon=True).start()
    return process, ready
