"""One `syndicate local` per test session, started as a user starts it, on a free port."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import urllib3

from tests.support.local_stack import LocalStackClient, Output

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
DEV_KEY = "syn_e2eDevelopmentKeyForTheLocalStackTests0000"
STACK_NAME = "syndicate-e2e"


def checkout_environment() -> dict[str, str]:
    """This checkout's code first, whichever checkout the virtualenv was installed from."""
    paths = [str(REPO / "functions"), str(REPO / "devtools"), str(REPO)]
    return {**os.environ, "PYTHONPATH": os.pathsep.join([*paths, os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def local_stack() -> Iterator[LocalStackClient]:
    ARTIFACTS.mkdir(exist_ok=True)
    port = free_port()
    env = {**checkout_environment(), "SYNDICATE_DEV_API_KEY": DEV_KEY, "PYTHONUNBUFFERED": "1"}
    log_dir = ARTIFACTS / "local-stack-logs"
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "syndicate_dev.cli", "local", "--port", str(port)),
            *("--stack-name", STACK_NAME, "--log-dir", str(log_dir)),
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    log = open(ARTIFACTS / "local-stack.log", "w", encoding="utf-8")  # noqa: SIM115 - closed when the fixture ends
    ready = threading.Event()
    output = Output()

    def copy_output() -> None:
        for line in process.stdout:
            log.write(line)
            log.flush()
            output.add(line)
            if line.startswith("Ctrl-C stops it."):
                ready.set()
        ready.set()

    threading.Thread(target=copy_output, daemon=True).start()
    if not ready.wait(120) or process.poll() is not None:
        process.kill()
        pytest.fail(f"syndicate local did not start; see {ARTIFACTS / 'local-stack.log'}")
    base_url = f"http://127.0.0.1:{port}"
    with urllib.request.urlopen(f"{base_url}/_local/stack.json", timeout=30) as answer:
        description = json.loads(answer.read())
    try:
        yield LocalStackClient(base_url, description["api_url"], DEV_KEY, description, output)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@dataclass
class DemoStackProcess:
    base_url: str
    printed: list[str]


@pytest.fixture(scope="session")
def demo_stack() -> Iterator[DemoStackProcess]:
    """``syndicate local --demo`` (what ``make local`` runs), left running once its demo is done."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "syndicate_dev.cli", "local", "--port", str(port), "--demo", "--quiet"],
        cwd=REPO,
        env=checkout_environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    printed: list[str] = []
    ready = threading.Event()

    def copy_output() -> None:
        for line in process.stdout:
            printed.append(line)
            if line.startswith("Ctrl-C stops it."):
                ready.set()
        ready.set()

    threading.Thread(target=copy_output, daemon=True).start()
    if not ready.wait(180) or process.poll() is not None:
        process.kill()
        pytest.fail("syndicate local --demo did not start:\n" + "".join(printed[-40:]))
    try:
        yield DemoStackProcess(f"http://127.0.0.1:{port}", printed)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture
def sent(monkeypatch) -> list[tuple[str, str]]:
    """(method, URL) of every HTTP request the `syndicate` command makes (the requests still go out)."""
    requests: list[tuple[str, str]] = []
    urlopen = urllib3.PoolManager.urlopen

    def recording(self, method, url, *args, **kwargs):
        requests.append((method, url))
        return urlopen(self, method, url, *args, **kwargs)

    monkeypatch.setattr(urllib3.PoolManager, "urlopen", recording)
    return requests
