"""``syndicate local``: the whole service on this machine (moto; no AWS account, no Docker)."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from pathlib import Path
from typing import Any

LOG_ROOT = Path(".syndicate-local")


def register(commands: Any) -> None:
    local = commands.add_parser("local", help="run the whole service on this machine (moto; no AWS account, no Docker)")
    local.add_argument("--host", default="127.0.0.1")
    local.add_argument("--port", type=int, default=3000, help="0 picks a free port")
    local.add_argument("--demo", action="store_true", help="publish the sample articles, render feeds, send a digest")
    local.add_argument(
        "--stack-name",
        default="syndicate-local",
        help="names every resource <stack-name>-<logical id>; a second stack beside the first takes another one",
    )
    local.add_argument("--stage", help="the template's Stage parameter (its default otherwise), e.g. prod")
    local.add_argument(
        "--log-dir",
        type=Path,
        help=f"where each function's log goes, as <Function>.log (default {LOG_ROOT}/<stack-name>/logs)",
    )
    output = local.add_mutually_exclusive_group()
    output.add_argument("--quiet", action="store_true", help="no line per request or invocation")
    output.add_argument("--verbose", action="store_true", help="also stream the functions' own log lines")
    local.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from syndicate_dev.local import demo
    from syndicate_dev.local.stack import LocalStack
    from syndicate_dev.local.terminal import Terminal

    terminal = Terminal(requests=not args.quiet, invocations=not args.quiet)
    log_dir = args.log_dir or LOG_ROOT / args.stack_name / "logs"
    try:
        stack = LocalStack(
            args.host,
            args.port,
            stack_name=args.stack_name,
            stage=args.stage,
            terminal=terminal,
            log_dir=log_dir,
            verbose=args.verbose,
        )
        stack.start()
    except ValueError as error:
        print(f"syndicate local: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"syndicate local: cannot listen on {args.host}:{args.port} ({error}); try --port", file=sys.stderr)
        return 1
    print(_banner(stack), flush=True)
    if args.demo:
        demo.run(stack, lambda line: print(line, flush=True))
    print("Ctrl-C stops it.", flush=True)
    _wait_for_a_stop_signal()
    print("\nStopping the local stack...", flush=True)
    stack.stop()
    return 0


def _banner(stack: Any) -> str:
    from syndicate_dev.local.stack import API_KEY_VARIABLE

    key_note = f"from ${API_KEY_VARIABLE}" if os.environ.get(API_KEY_VARIABLE) else f"set ${API_KEY_VARIABLE} to fix it"
    return f"""Syndicate local stack {stack.stack_name} ({stack.stage}) ready in {stack.started_in:.1f} s \
(moto, no AWS account, no Docker)
  API        {stack.api_url}   (also without the /{stack.gateway_stage} prefix)
  Feeds      {stack.site_url}/feeds/rss.xml
  Console    {stack.base_url}/_local/   (outbox, schedules, publishers, logs)
  Logs       {stack.log_dir}/<Function>.log   (one line per request and invocation below)
  AWS (moto) {stack.moto_url}   (aws --endpoint-url {stack.moto_url} ...)
  API key    {stack.api_key}   (publisher {stack.dev_publisher_id}; {key_note})
Try: curl -H 'Authorization: Bearer {stack.api_key}' {stack.api_url}/articles"""


def _wait_for_a_stop_signal() -> None:
    stopped = threading.Event()
    for stop_signal in (signal.SIGINT, signal.SIGTERM):  # Ctrl-C, or a supervisor stopping it
        signal.signal(stop_signal, lambda *_: stopped.set())
    try:
        while not stopped.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
