"""Cold start: import and initialise each handler in a fresh interpreter, against `import boto3`
plus creating the clients that handler uses, measured in the same run.

Both sides run from the `sam build` artifact of the function (``python -S``: only what the
Lambda package holds is importable) with the environment Lambda sets (LAMBDA_TASK_ROOT, ...).
"Initialising" a handler means importing its module, building every service of the composition
root (``syndicate.dependencies.FACTORIES``) that the function's environment in template.yaml
configures, and creating the boto3 clients of every AWS service its IAM policy allows (our
clients are otherwise lazy, created on first use). The baseline creates the same clients with
bare boto3. Services that read a secret while being built (the digest sender, the
subscriptions API) do so for real, from a moto server holding the template's resources, so
their one Secrets Manager call at cold start is measured too. Target: <= 1.3x.

A third probe measures the floor the fixed libraries set: it imports every module the handler's
initialisation imported except our own (``syndicate.*``), in the same order, then creates the
same clients. It runs none of our code, so "ours vs floor" is what our code adds, and "floor vs
boto3" is what Powertools, jsonschema, markdown-it, Jinja2 and the rest cost before any of it.
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
present = set(sys.modules)
start = time.perf_counter()
if mode == "baseline":
    import boto3
    clients = [boto3.client(service) for service in services]
elif mode == "libraries":
    import importlib
    for name in json.loads(sys.stdin.read()):
        try:
            importlib.import_module(name)
        except Exception:
            pass  # a name that is not importable on its own (an alias a package set up)
    import boto3
    clients = [boto3.client(service) for service in services]
else:
    import importlib
    importlib.import_module(target.rsplit(".", 1)[0])
    from syndicate import dependencies
    from syndicate.settings import ConfigurationError
    for factory in dependencies.FACTORIES:
        try:
            factory()
        except ConfigurationError:
            pass  # a service this function is not configured for
    from syndicate.adapters.clients import client
    clients = [client(service) for service in services]
elapsed = time.perf_counter() - start
imported = [name for name in sys.modules if name not in present and name.split(".")[0] != "syndicate"]
print(json.dumps({"seconds": elapsed, "modules": imported}))
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


def sam_build(out: Path, only: list[str] | None = None) -> Path:
    """The `sam build` artifact of every function (of the one function when ``only`` names one)."""
    sam = shutil.which("sam", path=str(Path(sys.executable).parent)) or shutil.which("sam") or "sam"
    resource = only if only and len(only) == 1 else []
    subprocess.run(
        [sam, "build", *resource, "--template", str(tpl.TEMPLATE_PATH), "--build-dir", str(out)],
        cwd=tpl.REPO,
        check=True,
        capture_output=True,
        env={**os.environ, "SAM_CLI_TELEMETRY": "0"},
    )
    return out


def measure(
    code: Path, mode: str, handler: str, services: list[str], env: dict[str, str], modules: list[str] | None = None
) -> dict:
    result = subprocess.run(
        [sys.executable, "-S", "-c", PROBE, mode, handler, ",".join(services)],
        cwd=code,
        env=env,
        capture_output=True,
        text=True,
        input=json.dumps(modules or []),
    )
    if result.returncode != 0:
        raise RuntimeError(f"{mode} {handler} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout)


def moto_server() -> tuple[object, str, tpl.Resolver]:
    """A moto server with every resource of the template, so services can be built for real."""
    import logging

    import boto3
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)

    from syndicate_dev.provision import create_resources

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    session = boto3.session.Session(aws_access_key_id="bench", aws_secret_access_key="bench", region_name="us-east-1")
    os.environ["AWS_ENDPOINT_URL"] = endpoint
    try:
        resolver = create_resources(tpl.load(), prefix="bench", session=session)
    finally:
        del os.environ["AWS_ENDPOINT_URL"]
    return server, endpoint, resolver


def main(quick: bool = False, only: list[str] | None = None) -> None:
    """Every function of the template, or only those named (``python -m bench.cold_start NAME ...``).
    ``quick``: one function, one run of each probe, so CI can run it (the figures then mean nothing)."""
    template = tpl.load()
    runs = 1 if quick else RUNS
    if quick and not only:
        only = sorted(tpl.functions(template))[:1]
    server, endpoint, resolver = moto_server()
    with tempfile.TemporaryDirectory() as scratch:
        build = sam_build(Path(scratch) / "build", only)
        print(
            f"{'function':28} {'ours ms':>8} {'floor ms':>8} {'boto3 ms':>8} {'ours/boto3':>10} {'floor/boto3':>11}"
            f" {'ours/floor':>10}  (median of {runs}; target: ours/boto3 <= 1.3x)"
        )
        for logical_id, function in sorted(tpl.functions(template).items()):
            if only and logical_id not in only:
                continue
            code = build / logical_id
            services = policy_services(template, logical_id)
            env = {
                **resolver.environment(function),
                "PATH": os.environ.get("PATH", ""),
                "PYTHONPATH": str(code),
                "SCHEMAS_DIR": str(tpl.REPO / "schemas"),
                "LAMBDA_TASK_ROOT": str(code),
                "AWS_LAMBDA_FUNCTION_NAME": logical_id,
                "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "512",
                "AWS_REGION": "us-east-1",
                "AWS_DEFAULT_REGION": "us-east-1",
                "AWS_ACCESS_KEY_ID": "bench",
                "AWS_SECRET_ACCESS_KEY": "bench",
                "POWERTOOLS_SERVICE_NAME": "syndicate",
                "POWERTOOLS_METRICS_NAMESPACE": "Syndicate",
                "AWS_ENDPOINT_URL": endpoint,
            }
            modules = measure(code, "handler", function.handler, services, env)["modules"]  # untimed
            times: dict[str, list[float]] = {"baseline": [], "libraries": [], "handler": []}
            for _ in range(runs):  # interleaved, so drift on a noisy machine hits every side alike
                for mode, samples in times.items():
                    samples.append(measure(code, mode, function.handler, services, env, modules)["seconds"])
            ours, floor, base = (statistics.median(times[mode]) for mode in ("handler", "libraries", "baseline"))
            print(
                f"{logical_id:28} {ours * 1000:8.0f} {floor * 1000:8.0f} {base * 1000:8.0f} {ours / base:9.2f}x"
                f" {floor / base:10.2f}x {ours / floor:9.2f}x  clients: {', '.join(services)}"
            )
    server.stop()  # type: ignore[attr-defined]  # moto's ThreadedMotoServer


if __name__ == "__main__":
    main(only=sys.argv[1:])
