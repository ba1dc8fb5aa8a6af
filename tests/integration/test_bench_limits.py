"""bench/limits.py keeps running: its quick mode (tiny sizes, nothing asserted about speed) in CI."""

from __future__ import annotations

import subprocess
import sys

from syndicate_dev import template as tpl


def test_the_limits_benchmark_runs_in_quick_mode():
    # A process of its own: the benchmark sets AWS and Powertools variables for itself.
    done = subprocess.run(
        [sys.executable, "-c", "import bench.limits as b; b.main(quick=True)"],
        cwd=tpl.REPO,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    assert "worst:" in done.stdout
    assert "largest answer:" in done.stdout
