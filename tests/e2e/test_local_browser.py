"""The console and a digest email in headless Chromium (Debian's `chromium`, installed by .ci/run):
they load without console errors; screenshots are kept under test-artifacts/."""

from __future__ import annotations

import shutil
import subprocess
import tempfile

import pytest

from tests.e2e import flows
from tests.e2e.conftest import ARTIFACTS
from tests.support import events

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed here (.ci/run installs it: apt-get install chromium)"
)


def chromium(url: str, *extra: str) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run(
            [
                str(CHROMIUM),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={profile}",
                "--enable-logging=stderr",
                "--v=0",
                "--window-size=1280,1600",
                *extra,
                url,
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )


def console_messages(run: subprocess.CompletedProcess) -> list[str]:
    return [line for line in run.stderr.splitlines() if ":CONSOLE" in line]


def test_the_console_loads_in_chromium_without_console_errors(local_stack):
    screenshot = ARTIFACTS / "console.png"

    run = chromium(f"{local_stack.base_url}/_local/", f"--screenshot={screenshot}")

    assert run.returncode == 0, run.stderr[-2000:]
    assert screenshot.stat().st_size > 0
    assert console_messages(run) == []


def test_a_digest_email_shows_the_photo_and_the_links_in_chromium(local_stack):
    reader = flows.new_reader()
    flows.subscribe_and_confirm(local_stack, reader)
    seed = flows.published_now(events.article("photo-of-the-day"))
    created = local_stack.call("POST", "/articles", body=seed)
    flows.next_second(local_stack)
    flows.run_schedule(local_stack, "daily-digest")
    digest = flows.emails_to(local_stack, reader)[-1]
    url = f"{local_stack.base_url}/_local/outbox/{digest['id']}.html"

    shot = chromium(url, f"--screenshot={ARTIFACTS / 'digest.png'}")
    dom = chromium(url, "--dump-dom").stdout

    assert shot.returncode == 0
    assert [line for line in console_messages(shot) if "Failed to load resource" not in line] == []
    assert seed["image"]["url"] in dom
    assert created.json["url"] in dom  # the article's link
    assert f'href="{local_stack.api_url}/subscriptions/unsubscribe?token=' in dom.replace("&amp;", "&")
