"""The layers of pyproject.toml's import contracts hold, and a crossed layer is caught.

``make lint`` runs ``lint-imports``; these tests show the contracts are not decoration: each
one fails when its rule is broken, on a copy of the code with one offending import added.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from syndicate_dev import template as tpl

PACKAGE = tpl.REPO / "functions" / "syndicate"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """lint-imports with the project's contracts over the code under ``root``."""
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(tpl.REPO / "pyproject.toml"), "--no-cache"],
        cwd=root,
        env={"PYTHONPATH": f"{root / 'functions'}:{root / 'devtools'}", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="module")
def copy_of_the_code(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("code")
    shutil.copytree(tpl.REPO / "functions", root / "functions", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(
        tpl.REPO / "devtools", root / "devtools", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info")
    )
    return root


def test_the_code_keeps_every_import_contract(copy_of_the_code: Path):
    result = lint_imports(copy_of_the_code)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "offending_import", "contract"),
    [
        ("adapters/queues.py", "from syndicate.articles import service", "never its services"),
        ("articles/service.py", "from syndicate.adapters import articles", "Domain logic knows nothing"),
        ("feeds/render.py", "import boto3", "Only the adapter layer talks to AWS"),
        ("digests/delivery.py", "from syndicate.subscriptions import service", "Subscriptions and digests"),
        ("adapters/site.py", "from syndicate import dependencies", "Handlers, then the composition root"),
        ("handlers/render_feeds.py", "import syndicate_dev.cli", "never imports developer tooling"),
    ],
)
def test_a_crossed_layer_breaks_its_contract(copy_of_the_code: Path, module: str, offending_import: str, contract: str):
    path = copy_of_the_code / "functions" / "syndicate" / module
    original = path.read_text(encoding="utf-8")
    path.write_text(original + f"\n{offending_import}  # the crossing under test\n", encoding="utf-8")
    try:
        result = lint_imports(copy_of_the_code)
    finally:
        path.write_text(original, encoding="utf-8")

    assert result.returncode != 0
    broken = result.stdout.split("Broken contracts", 1)[-1]
    assert contract in broken, result.stdout


def network_modules_imported(path: Path) -> set[str]:
    """The standard library's network modules a file imports (anywhere in it, lazily or not)."""
    network = {"urllib.request", "http.client", "socket", "ssl"}
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name in network)
        elif isinstance(node, ast.ImportFrom) and node.module in network and node.level == 0:
            found.add(node.module)
    return found


def test_only_the_adapter_layer_opens_connections():
    # import-linter cannot name a standard-library submodule (urllib.request), so this one is read here.
    outside = {
        str(path.relative_to(PACKAGE)): network_modules_imported(path)
        for path in PACKAGE.rglob("*.py")
        if path.relative_to(PACKAGE).parts[0] != "adapters"
    }

    assert {name: modules for name, modules in outside.items() if modules} == {}


LONGEST_FUNCTION = 40  # lines, decorators and docstring included


def function_lengths(path: Path, root: Path = tpl.REPO) -> list[tuple[int, str]]:
    """(lines, "file:line name") of every function and method in one module."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.end_lineno is not None:
            start = min([node.lineno, *(decorator.lineno for decorator in node.decorator_list)])
            found.append((node.end_lineno - start + 1, f"{path.relative_to(root)}:{start} {node.name}"))
    return found


def test_every_function_of_the_lambda_package_reads_in_one_screen():
    # ruff's complexity limit bounds branches, not length: a long straight function hides jobs too.
    too_long = sorted(
        (lines, where)
        for path in PACKAGE.rglob("*.py")
        for lines, where in function_lengths(path)
        if lines >= LONGEST_FUNCTION
    )

    assert too_long == [], f"split these into pieces under {LONGEST_FUNCTION} lines"


def test_the_length_check_sees_a_long_function(tmp_path: Path):
    module = tmp_path / "example.py"
    body = "\n".join(f"    x{i} = {i}" for i in range(45))
    module.write_text(f"class Example:\n  @staticmethod\n  def long():\n{body}\n", encoding="utf-8")

    assert function_lengths(module, tmp_path) == [(47, "example.py:2 long")]
