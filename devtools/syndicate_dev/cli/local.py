"""``syndicate local``: the whole service on this machine (moto; no AWS account, no Docker)."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from typing import Any


def register(commands: Any) -> None:
    local = commands.add_parser("local", help="run the whole service on this machine (moto; no AWS account, no Docker)")
    local.add_argument("--host", default="127.0.0.1")
    local.add_argument("--port", type=int, default=3000, help="0 picks a free port")
    local.add_argument("--demo", action="store_true", help="publish the sample articles, render feeds, send a digest")
    local.add_argument("--quiet", action="store_true", help="no access log line per request")
    local.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
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
