"""`syndicate local --demo` (what `make local` runs): samples published, feeds rendered, and a
confirmed demo reader whose digest is already in the outbox."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request

from tests.e2e.conftest import REPO, checkout_environment, free_port


def test_the_demo_leaves_feeds_and_a_digest_for_the_demo_reader():
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "syndicate_dev.cli", "local", "--port", str(port), "--demo", "--quiet"],
        cwd=REPO,
        env=checkout_environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        printed = []
        for line in process.stdout:
            printed.append(line)
            if line.startswith("Ctrl-C stops it."):
                break
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_local/outbox.json", timeout=30) as answer:
            outbox = json.loads(answer.read())
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/feeds/rss.xml", timeout=30) as answer:
            feed = answer.read().decode("utf-8")
    finally:
        process.terminate()
        process.wait(timeout=30)

    assert any(
        "digest" in message["subject"].lower() and "reader@example.com" in message["to"] for message in outbox
    ), printed
    assert "Crewed Russian spacecraft" in feed
