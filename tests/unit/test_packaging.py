"""The Lambda package and the developer install ask for the same run-time dependencies."""

from __future__ import annotations

import subprocess
import sys
import tomllib

import pytest

from syndicate_dev import template as tpl


def normalised(requirement: str) -> str:
    return requirement.replace(" ", "").lower()


def test_requirements_txt_matches_pyproject_dependencies():
    pyproject = tomllib.loads((tpl.REPO / "pyproject.toml").read_text(encoding="utf-8"))
    lines = (tpl.REPO / "functions" / "requirements.txt").read_text(encoding="utf-8").splitlines()
    requirements = {normalised(line) for line in lines if line.strip() and not line.startswith("#")}
    assert requirements == {normalised(dep) for dep in pyproject["project"]["dependencies"]}


def test_every_function_handler_is_a_module_in_the_lambda_package():
    for function in tpl.functions(tpl.load()).values():
        module, _, attribute = function.handler.rpartition(".")
        path = tpl.REPO / "functions" / (module.replace(".", "/") + ".py")
        assert path.is_file(), function.handler
        assert f"def {attribute}(" in path.read_text(encoding="utf-8"), function.handler


DEVELOPER_TOOLING = ("moto", "pytest", "samtranslator", "samcli", "cfnlint", "hypothesis", "schemathesis", "selenium")


def test_the_cli_extra_installs_no_developer_tooling():
    pyproject = tomllib.loads((tpl.REPO / "pyproject.toml").read_text(encoding="utf-8"))
    extras = pyproject["project"]["optional-dependencies"]
    development = {normalised(d).split(">")[0].split("[")[0] for d in extras["dev"]} - {"syndicate"}

    assert "cli" in extras
    assert not {normalised(d).split(">")[0].split("[")[0] for d in extras["cli"]} & development


# An interpreter in which developer tooling cannot be imported, like a `pip install ".[cli]"`.
_WITHOUT_TOOLING = """
import importlib.abc, sys
class Refuse(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {blocked!r}:
            raise ModuleNotFoundError(f"No module named {{name!r}} (developer tooling)")
sys.meta_path.insert(0, Refuse())
from syndicate_dev.cli import main
sys.argv = ["syndicate", *sys.argv[1:]]
raise SystemExit(main())
"""


@pytest.mark.parametrize(
    "arguments",
    [
        ["publishers", "create", "--help"],
        ["publishers", "revoke", "--help"],
        ["publishers", "enrol", "--help"],
        ["publishers", "list", "--table", "syndicate-PublishersTable"],
        ["publish", "--help"],
        ["articles", "list", "--help"],
        ["digests", "report", "--help"],
        ["digests", "report", "--stack", "syndicate"],
        ["digests", "resume", "--help"],
        ["digests", "redrive", "--help"],
        ["doctor", "--stack", "syndicate"],
    ],
)
def test_the_operators_commands_run_without_developer_tooling(arguments):
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": f"{tpl.REPO / 'functions'}:{tpl.REPO / 'devtools'}",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": "http://127.0.0.1:9",  # nothing listens: the command fails on the network, not on an import
        "AWS_MAX_ATTEMPTS": "1",
    }
    script = _WITHOUT_TOOLING.format(blocked=set(DEVELOPER_TOOLING))
    result = subprocess.run(
        [sys.executable, "-c", script, *arguments], env=env, capture_output=True, text=True, timeout=120, check=False
    )

    assert "developer tooling" not in result.stderr, result.stderr
    if "--help" in arguments:
        assert result.returncode == 0 and f"usage: syndicate {arguments[0]}" in result.stdout
    else:
        assert "Could not connect to the endpoint URL" in result.stderr
