"""`syndicate local` refuses a stack name or stage it cannot honour, before starting anything."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.e2e.conftest import REPO, checkout_environment


def syndicate_local(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "syndicate_dev.cli", "local", "--port", "0", *args],
        cwd=REPO,
        env=checkout_environment(),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_stage_the_template_does_not_allow_is_refused_naming_the_allowed_ones():
    done = syndicate_local("--stage", "staging")

    assert done.returncode == 2
    assert "Stage is one of dev, prod, not 'staging'" in done.stderr


@pytest.mark.parametrize("name", ["1st", "has_underscore"])
def test_a_stack_name_cloudformation_would_refuse_is_refused(name):
    done = syndicate_local("--stack-name", name)

    assert done.returncode == 2
    assert "a stack name is a letter" in done.stderr
