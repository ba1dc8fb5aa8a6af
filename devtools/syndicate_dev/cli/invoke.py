"""``syndicate invoke FUNCTION --event FILE``: run one function of template.yaml, like
``sam local invoke`` without Docker (against a running local stack, or a fresh in-process one)."""

from __future__ import annotations

import argparse
import json
import sys
import urllib.error
import urllib.request
from typing import Any


def register(commands: Any) -> None:
    invoke = commands.add_parser("invoke", help="run one function of template.yaml with an event file")
    invoke.add_argument("function", help="the function's logical id in template.yaml, e.g. ArticlesApiFunction")
    invoke.add_argument("--event", required=True, help="a JSON event file, e.g. events/api/create-article.json")
    invoke.add_argument(
        "--endpoint",
        help="a running `syndicate local`, e.g. http://127.0.0.1:3000; without it a fresh in-process stack is used",
    )
    invoke.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    with open(args.event, encoding="utf-8") as handle:
        event = json.load(handle)
    if args.endpoint:
        request = urllib.request.Request(
            f"{args.endpoint.rstrip('/')}/_local/invoke/{args.function}",
            data=json.dumps(event).encode("utf-8"),
            method="POST",
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=900) as answer:
                failed = answer.headers.get("X-Amz-Function-Error")
                print(json.dumps(json.loads(answer.read()), indent=2, ensure_ascii=False))
                return 1 if failed else 0
        except urllib.error.HTTPError as error:
            print(f"syndicate invoke: {error.code} {error.read().decode('utf-8', 'replace')}", file=sys.stderr)
            return 1
    from syndicate_dev.local.invoke import invoke_in_process

    return invoke_in_process(args.function, event)
