"""Cold start: import and initialise each handler in a fresh interpreter, against `import boto3`
plus creating the clients that handler uses, measured in the same run.

Both sides run from the `sam build` artifact of the function (``python -S``: only what the
Lambda package holds is importable) with the environment Lambda sets (LAMBDA_TASK_ROOT, ...).
"Initialising" a handler means importing its module, building every service of the composition
root (``syndicate.dependencies.FACTORIES``) that the function's environment in template.yaml
configures, and creating the boto3 clients of every AWS service its IAM policy allows (our
clients are otherwise lazy, created on first use). The baseline creates the same clients with
bare boto3. Target: <= 1.3x.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from syndicate_dev import template as tpl

RUNS = 9

PROBE = r"""
import json, sys, time
mode, target, services = sys.argv[1], sys.argv[2], sys.argv[3].split(",") if sys.argv[3] else []
start = time.perf_counter()
if mode == "baseline":
    import boto3
    clients = [boto3.client(service) for service in services]
else:
    import importlib
    importlib.import_module(target.rsplit(".", 1)[0])
    from syndicate import dependencies
    from syndicate.settings import MissingSetting
    for factory in dependencies.FACTORIES:
        try:
            factory()
        except MissingSetting:
            pass  # a service this function is not configured for
    from syndicate.storage.clients import client
    clients = [client(service) for service in services]
print(json.dumps(time.perf_counter() - start))
"""


def policy_services(template: dict, logical_id: str) -> list[str]:
    """AWS services a function's policies allow (what its storage layer will create clients for)."""
    props = template["Resources"][logical_id]["Properties"]
    services: set[str] = set()
    for policy in props.get("Policies") or []:
        if isinstance(policy, dict) and "Statement" in policy:
            for statement in policy["Statement"]:
                actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
                services.update(action.split(":")[0] for action in actions)
    return sorted(services)


class _PlaceholderNames(dict):
    """Physical names for the template's resources: any name will do, nothing is called."""

    def __missing__(self, logical_id: str) -> str:
        return f"bench-{logical_id}".lower()


class _PlaceholderAttributes(dict):
    def __missing__(self, key: tuple[str, str]) -> str:
        return f"arn:aws:bench:us-east-1:123456789012:{key[0]}".lower()


def sam_build(out: Path) -> Path:
    sam = shutil.which("sam", path=str(Path(sys.executable).parent)) or shutil.which("sam")
    subprocess.run([sam, "build", "--template", str(tpl.TEMPLATE_PATH), "--build-dir", str(out)],
                   cwd=tpl.REPO, check=True, capture_output=True, env={**os.environ, "SAM_CLI_TELEMETRY": "0"})
    return out


def measure(code: Path, mode: str, handler: str, services: list[str], env: dict[str, str]) -> float:
    result = subprocess.run([sys.executable, "-S", "-c", PROBE, mode, handler, ",".join(services)],
                            cwd=code, env=env, capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def main() -> None:
    template = tpl.load()
    with tempfile.TemporaryDirectory() as scratch:
        build = sam_build(Path(scratch) / "build")
        print(f"{'function':32} {'handler ms':>10} {'boto3 ms':>9} {'ratio':>6}  (median of {RUNS}, target <= 1.3x)")
        for logical_id, function in sorted(tpl.functions(template).items()):
            code = build / logical_id
            services = policy_services(template, logical_id)
            resolver = tpl.Resolver(template, _PlaceholderNames())
            resolver.attributes = _PlaceholderAttributes()
            env = {
                **resolver.environment(function),
                "PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(code), "SCHEMAS_DIR": str(tpl.REPO / "schemas"),
                "LAMBDA_TASK_ROOT": str(code), "AWS_LAMBDA_FUNCTION_NAME": logical_id,
                "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "512", "AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1",
                "AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench",
                "POWERTOOLS_SERVICE_NAME": "syndicate", "POWERTOOLS_METRICS_NAMESPACE": "Syndicate",
            }
            handler_times, baseline_times = [], []
            for _ in range(RUNS):  # interleaved, so drift on a noisy machine hits both sides alike
                baseline_times.append(measure(code, "baseline", function.handler, services, env))
                handler_times.append(measure(code, "handler", function.handler, services, env))
            ours, base = statistics.median(handler_times), statistics.median(baseline_times)
            print(f"{logical_id:32} {ours * 1000:10.0f} {base * 1000:9.0f} {ours / base:6.2f}x  clients: {', '.join(services)}")


if __name__ == "__main__":
    main()
