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
from typing import Any

import pytest

from tests.support.api import Answer

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
DEV_KEY = "syn_e2eDevelopmentKeyForTheLocalStackTests0000"


def checkout_environment() -> dict[str, str]:
    """This checkout's code first, whichever checkout the virtualenv was installed from."""
    paths = [str(REPO / "functions"), str(REPO / "devtools"), str(REPO)]
    return {**os.environ, "PYTHONPATH": os.pathsep.join([*paths, os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class LocalStackProcess:
    base_url: str
    api_url: str
    api_key: str
    description: dict[str, Any]

    def call(
        self,
        method: str,
        url_or_path: str,
        *,
        body: Any = None,
        raw_body: bytes | None = None,
        headers: dict[str, str] | None = None,
        key: str | None = "dev",
    ) -> Answer:
        url = url_or_path if url_or_path.startswith("http") else self.api_url + url_or_path
        all_headers = dict(headers or {})
        if key is not None:
            all_headers.setdefault("Authorization", f"Bearer {self.api_key if key == 'dev' else key}")
        data = raw_body if body is None else json.dumps(body).encode("utf-8")
        if data is not None:
            all_headers.setdefault("Content-Type", "application/json")  # urllib would say a form
        request = urllib.request.Request(url, data=data, method=method, headers=all_headers)
        try:
            with urllib.request.urlopen(request, timeout=120) as answer:
                return Answer(answer.status, dict(answer.headers.items()), answer.read().decode("utf-8"))
        except urllib.error.HTTPError as error:
            return Answer(error.code, dict(error.headers.items()), error.read().decode("utf-8"))

    def console(self, method: str, path: str, body: Any = None) -> Answer:
        return self.call(method, f"{self.base_url}/_local{path}", body=body, key=None)


@pytest.fixture(scope="session")
def local_stack() -> Iterator[LocalStackProcess]:
    ARTIFACTS.mkdir(exist_ok=True)
    port = free_port()
    env = {**checkout_environment(), "SYNDICATE_DEV_API_KEY": DEV_KEY, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "syndicate_dev.cli", "local", "--port", str(port)],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    log = open(ARTIFACTS / "local-stack.log", "w", encoding="utf-8")  # noqa: SIM115 - closed when the fixture ends
    ready = threading.Event()

    def copy_output() -> None:
        for line in process.stdout:
            log.write(line)
            log.flush()
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
        yield LocalStackProcess(base_url, description["api_url"], DEV_KEY, description)
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
