"""The `syndicate` command with its publishing groups, as a shell runs it."""

from __future__ import annotations

import os
import subprocess
import sys

from syndicate_dev.template import REPO


def checkout_environment() -> dict[str, str]:
    """This checkout's code first, whichever checkout the virtualenv was installed from."""
    return {**os.environ, "PYTHONPATH": os.pathsep.join(str(REPO / part) for part in ("functions", "devtools", "."))}


def test_the_command_does_not_build_the_functions_powertools_objects():
    # `syndicate local` runs the functions in its own process: Metrics built while the command
    # starts would read POWERTOOLS_METRICS_NAMESPACE before the function's environment is set,
    # and every API call would then fail with "Must contain a metric namespace".
    probe = "import sys, syndicate_dev.cli; print('syndicate.observability' in sys.modules)"
    environment = {name: value for name, value in checkout_environment().items() if not name.startswith("POWERTOOLS_")}

    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO, env=environment, capture_output=True, text=True, check=True
    )

    assert result.stdout.strip() == "False"


def test_publish_and_articles_are_commands_of_syndicate():
    result = subprocess.run(
        [sys.executable, "-m", "syndicate_dev.cli", "--help"],
        cwd=REPO,
        env=checkout_environment(),
        capture_output=True,
        text=True,
        check=True,
    )

    assert "publish" in result.stdout
    assert "articles" in result.stdout
