"""``syndicate digests report|resume|redrive``: digest delivery, as an operator sees and steers it.

    syndicate digests report [--edition ID] [--json]   per edition: recipients, sent, already sent,
                                                        rejected, skipped, pending, paused, bounced, complained
    syndicate digests resume                            clear the pause; parked batches are queued again
    syndicate digests redrive                           dead-lettered batches back to the digest queue

Against a deployed stack (``--stack NAME``: its outputs name the table and queues; AWS
credentials and region from the usual AWS configuration) or a running ``syndicate local``
(``--endpoint http://127.0.0.1:3000``: the local stack does it, through its console).
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from syndicate_dev import delivery


def register(commands: Any) -> None:
    digests = commands.add_parser("digests", help="digest delivery: report, resume after a pause, redrive")
    actions = digests.add_subparsers(dest="action", required=True)
    report = actions.add_parser("report", help="each edition's delivery report, and whether sending is paused")
    report.add_argument("--edition", metavar="ID", help="only this edition")
    report.add_argument("--json", action="store_true", help="as JSON")
    actions.add_parser("resume", help="resume sending after a pause: parked batches are queued again")
    actions.add_parser("redrive", help="move dead-lettered digest batches back to the digest queue")
    for action in actions.choices.values():
        where = action.add_mutually_exclusive_group(required=True)
        where.add_argument("--stack", metavar="NAME", help="a deployed stack")
        where.add_argument("--endpoint", metavar="URL", help="a running `syndicate local`, e.g. http://127.0.0.1:3000")
    digests.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        answer = _local(args) if args.endpoint else _deployed(args)
    except (delivery.DeliveryProblem, ClientError, BotoCoreError) as problem:
        print(f"syndicate digests {args.action}: {problem}", file=sys.stderr)
        return 1
    if args.action == "report":
        print(delivery.as_json(answer) if args.json else "\n".join(delivery.report_lines(answer)))
    elif args.action == "resume":
        print(
            f"Sending resumed: {answer['batches']} parked batches ({answer['recipients']} recipients) queued again"
            + (f" for {', '.join(answer['editions'])}" if answer["editions"] else "")
        )
    else:
        print(f"{answer['moved']} batches moved from the dead-letter queue back to the digest queue")
    return 0


def _deployed(args: argparse.Namespace) -> dict[str, Any]:
    from syndicate import dependencies
    from syndicate_dev.stacks import stack_output

    names = delivery.DeliveryNames.of_stack(args.stack, stack_output)
    console = delivery.DeliveryConsole(names, dependencies.clock())
    return delivery.perform(console, args.action, getattr(args, "edition", None))


def _local(args: argparse.Namespace) -> dict[str, Any]:
    base = f"{args.endpoint.rstrip('/')}/_local/operations"
    if args.action == "report":
        query = f"?edition={urllib.parse.quote(args.edition)}" if args.edition else ""
        request = urllib.request.Request(f"{base}.json{query}", headers={"Accept": "application/json"})
    else:
        request = urllib.request.Request(
            f"{base}/{args.action}", data=b"{}", method="POST", headers={"Content-Type": "application/json"}
        )
    try:
        with urllib.request.urlopen(request, timeout=120) as answer:
            result: dict[str, Any] = json.loads(answer.read())
            return result
    except urllib.error.HTTPError as error:
        document = json.loads(error.read() or b"{}")
        raise delivery.DeliveryProblem(str(document.get("detail") or error)) from None
    except urllib.error.URLError as error:
        raise delivery.DeliveryProblem(f"no local stack answers at {args.endpoint} ({error.reason})") from None
