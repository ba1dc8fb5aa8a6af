"""The Lambda package and the developer install ask for the same run-time dependencies."""

from __future__ import annotations

import ast
import tomllib

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


def test_no_handler_imports_developer_tooling():
    for path in (tpl.REPO / "functions").rglob("*.py"):
        assert "syndicate_dev" not in path.read_text(encoding="utf-8"), path


def imported_packages(path) -> set[str]:
    """Top-level packages a module imports (anywhere in it, lazily or not)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def test_only_the_storage_layer_imports_boto3():
    for path in (tpl.REPO / "functions" / "syndicate").rglob("*.py"):
        if "storage" in path.relative_to(tpl.REPO / "functions" / "syndicate").parts:
            continue
        assert not imported_packages(path) & {"boto3", "botocore"}, path
