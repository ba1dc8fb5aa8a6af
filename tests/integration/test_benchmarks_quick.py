"""Every benchmark of bench/ runs end to end in its quick mode (tiny sizes), so none can rot
between the runs that measure. Nothing here is about speed: the figures of a quick run mean
nothing, only that the benchmark still works."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bench.__main__ import benchmarks, main
from tests.e2e.conftest import REPO, checkout_environment


@pytest.mark.parametrize("name", benchmarks())
def test_the_benchmark_runs_in_quick_mode(name):
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", name],
        cwd=REPO,
        env=checkout_environment(),
        capture_output=True,
        text=True,
        timeout=600,
    )

    printed = done.stdout.splitlines()
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert printed[printed.index(f"== bench.{name} (quick) ==") + 1 :], "the benchmark printed no figure"


def test_the_benchmark_modules_are_found_so_none_is_left_out_of_ci():
    assert set(benchmarks()) >= {"cold_start", "digests", "feeds", "ingest", "local_stack"}


def test_an_unknown_benchmark_is_refused_naming_the_known_ones(capsys):
    with pytest.raises(SystemExit) as refused:
        main(["--quick", "no_such_bench"])

    assert refused.value.code == 2
    assert "bench/ has cold_start, digests" in capsys.readouterr().err
