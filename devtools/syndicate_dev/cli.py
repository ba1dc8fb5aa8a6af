"""The ``syndicate`` command (a console script of pyproject.toml).

    syndicate publishers create NAME [--table T | --stack S]   prints a new API key, once
    syndicate publishers revoke ID   [--table T | --stack S]
    syndicate publishers list        [--table T | --stack S]
    syndicate local [--host H] [--port P] [--demo]   the whole service on this machine (moto)
    syndicate invoke FUNCTION --event FILE [--endpoint URL]   run one function of template.yaml

The table comes from --table, from the PublishersTableName output of --stack, or from
$PUBLISHERS_TABLE. AWS credentials and endpoint come from the usual AWS configuration.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
import urllib.error
import urllib.request

from syndicate.adapters.publishers import PublisherStore
from syndicate.clock import system_clock
from syndicate.publishers.keys import PublisherDirectory
from syndicate_dev.stacks import stack_output


def _publishers_table(args: argparse.Namespace) -> str:
    if args.table:
        return args.table
    if args.stack:
        return stack_output(args.stack, "PublishersTableName")
    table = os.environ.get("PUBLISHERS_TABLE")
    if not table:
        raise SystemExit("syndicate: name the publishers table with --table, --stack or $PUBLISHERS_TABLE")
    return table


def _publishers(args: argparse.Namespace) -> int:
    store = PublisherStore(_publishers_table(args))
    directory = PublisherDirectory(store, system_clock)
    if args.action == "create":
        created = directory.create(args.name)
        print(f"publisher_id: {created.publisher.publisher_id}")
        print(f"api_key:      {created.api_key}")
        print("Keep the key now: it is stored only as a hash and cannot be shown again.", file=sys.stderr)
        return 0
    if args.action == "revoke":
        if not directory.revoke(args.publisher_id):
            print(f"syndicate: no publisher {args.publisher_id}", file=sys.stderr)
            return 1
        print(f"revoked {args.publisher_id}")
        return 0
    for publisher in store.list():
        state = f"revoked {publisher.revoked_at}" if publisher.revoked_at else "active"
        print(f"{publisher.publisher_id}\t{publisher.name}\t{publisher.created_at}\t{state}")
    return 0


def _local(args: argparse.Namespace) -> int:
    from syndicate_dev.local import demo
    from syndicate_dev.local.stack import API_KEY_VARIABLE, LocalStack

    stack = LocalStack(args.host, args.port, access_log=not args.quiet)
    try:
        stack.start()
    except OSError as error:
        print(f"syndicate local: cannot listen on {args.host}:{args.port}: {error}", file=sys.stderr)
        return 1
    key_note = f"from ${API_KEY_VARIABLE}" if os.environ.get(API_KEY_VARIABLE) else f"set ${API_KEY_VARIABLE} to fix it"
    print(
        f"""Syndicate local stack ready in {stack.started_in:.1f} s (moto, no AWS account, no Docker)
  API        {stack.api_url}   (also without the /{stack.gateway_stage} prefix)
  Feeds      {stack.site_url}/feeds/rss.xml
  Console    {stack.base_url}/_local/   (outbox, schedules, publishers)
  AWS (moto) {stack.moto_url}   (aws --endpoint-url {stack.moto_url} ...)
  API key    {stack.api_key}   (publisher {stack.dev_publisher_id}; {key_note})
Try: curl -H 'Authorization: Bearer {stack.api_key}' {stack.api_url}/articles""",
        flush=True,
    )
    if args.demo:
        demo.run(stack, lambda line: print(line, flush=True))
    print("Ctrl-C stops it.", flush=True)
    stopped = threading.Event()
    for stop_signal in (signal.SIGINT, signal.SIGTERM):  # Ctrl-C, or a supervisor stopping it
        signal.signal(stop_signal, lambda *_: stopped.set())
    try:
        while not stopped.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    print("\nStopping the local stack...", flush=True)
    stack.stop()
    return 0


def _invoke(args: argparse.Namespace) -> int:
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


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="syndicate", description="Syndicate developer and operator commands.")
    commands = root.add_subparsers(dest="command", required=True)

    publishers = commands.add_parser("publishers", help="create, revoke or list publishers and their API keys")
    actions = publishers.add_subparsers(dest="action", required=True)
    for name, help_text in (
        ("create", "create a publisher and print its API key once"),
        ("revoke", "revoke a publisher's API key"),
        ("list", "list publishers"),
    ):
        action = actions.add_parser(name, help=help_text)
        if name == "create":
            action.add_argument("name")
        if name == "revoke":
            action.add_argument("publisher_id")
        where = action.add_mutually_exclusive_group()
        where.add_argument("--table", help="the publishers table name")
        where.add_argument("--stack", help="a deployed stack; its PublishersTableName output is used")
    publishers.set_defaults(run=_publishers)

    local = commands.add_parser("local", help="run the whole service on this machine (moto; no AWS account, no Docker)")
    local.add_argument("--host", default="127.0.0.1")
    local.add_argument("--port", type=int, default=3000, help="0 picks a free port")
    local.add_argument("--demo", action="store_true", help="publish the sample articles, render feeds, send a digest")
    local.add_argument("--quiet", action="store_true", help="no access log line per request")
    local.set_defaults(run=_local)

    invoke = commands.add_parser("invoke", help="run one function of template.yaml with an event file")
    invoke.add_argument("function", help="the function's logical id in template.yaml, e.g. ArticlesApiFunction")
    invoke.add_argument("--event", required=True, help="a JSON event file, e.g. events/api/create-article.json")
    invoke.add_argument(
        "--endpoint",
        help="a running `syndicate local`, e.g. http://127.0.0.1:3000; without it a fresh in-process stack is used",
    )
    invoke.set_defaults(run=_invoke)
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    raise SystemExit(main())
