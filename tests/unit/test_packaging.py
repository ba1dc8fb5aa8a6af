"""The Lambda package and the developer install ask for the same run-time dependencies."""

from __future__ import annotations

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
