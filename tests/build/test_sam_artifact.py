"""`sam build` makes a package that works: every handler imports from the build output alone.

Each handler is imported in a fresh interpreter whose only third-party code is what sam build
put in that function's directory (``python -S``: no site-packages), with the ContractLayer's
content as SCHEMAS_DIR, as in Lambda. A dependency missing from functions/requirements.txt
fails here, not in production.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from syndicate_dev import template as tpl

pytestmark = pytest.mark.build

SAM = shutil.which("sam", path=str(Path(sys.executable).parent)) or shutil.which("sam")

PROBE = """
import importlib, json, sys
module_name, attribute = sys.argv[1].rsplit(".", 1)
module = importlib.import_module(module_name)
assert callable(getattr(module, attribute))
from syndicate import contract
from syndicate.articles.rendering import render_body
contract.validator("article")
assert "<h2>" in render_body("## heading")
outside = [m.__file__ for m in sys.modules.values()
           if getattr(m, "__file__", None) and "site-packages" in m.__file__]
print(json.dumps({"outside": outside}))
"""


@pytest.fixture(scope="module")
def build_dir(tmp_path_factory) -> Path:
    if SAM is None:
        pytest.fail("the sam CLI is not installed (pip install -e '.[dev]')")
    out = tmp_path_factory.mktemp("sam-build")
    env = {**os.environ, "SAM_CLI_TELEMETRY": "0"}
    result = subprocess.run(
        [SAM, "build", "--template", str(tpl.TEMPLATE_PATH), "--build-dir", str(out)],
        cwd=tpl.REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return out


def built_template(build_dir: Path) -> dict:
    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    return yaml.load((build_dir / "template.yaml").read_text(), Loader=Loader)  # noqa: S506 - a SafeLoader subclass


def test_every_function_is_built_and_its_handler_imports_from_the_artifact_alone(build_dir):
    built = built_template(build_dir)
    layer_uri = built["Resources"]["ContractLayer"]["Properties"]["ContentUri"]
    layer_dir = (build_dir / layer_uri).resolve()
    assert (layer_dir / "article.schema.json").is_file(), layer_dir

    for logical_id, function in tpl.functions(tpl.load()).items():
        code = build_dir / logical_id
        assert code.is_dir(), f"sam build produced nothing for {logical_id}"
        env = {
            "PATH": os.environ.get("PATH", ""),
            "SCHEMAS_DIR": str(layer_dir),
            "AWS_DEFAULT_REGION": "us-east-1",
            "POWERTOOLS_TRACE_DISABLED": "true",
            "PYTHONPATH": str(code),
        }
        result = subprocess.run(
            [sys.executable, "-S", "-c", PROBE, function.handler],
            cwd=code,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, f"{logical_id}: {result.stderr[-2000:]}"
        assert json.loads(result.stdout.splitlines()[-1])["outside"] == []
