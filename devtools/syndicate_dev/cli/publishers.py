"""``syndicate publishers create|revoke|enrol|list``: publishers and their API keys.

With --stack, everything comes from the deployed stack's outputs: the publishers table, the
usage plan that throttles each publisher (create adds the publisher's key to it) and the API
stage whose authorizer cache revoke flushes. --table (or $PUBLISHERS_TABLE) names the table
alone: no usage plan or cache (the local stack's gateway has neither). AWS credentials and
region come from the usual AWS configuration.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from syndicate.adapters.api_gateway import ApiGatewayAuthorizerCache, ApiGatewayUsagePlan
from syndicate.adapters.publishers import PublisherStore
from syndicate.clock import system_clock
from syndicate.publishers.keys import PublisherDirectory
from syndicate_dev.stacks import stack_outputs

ACTIONS = {
    "create": "create a publisher and print its API key once",
    "revoke": "revoke a publisher's API key (at once: the stage's authorizer cache is flushed)",
    "enrol": "give a publisher its usage-plan key again (after a failed create, or for an older publisher)",
    "list": "list publishers",
}


def register(commands: Any) -> None:
    publishers = commands.add_parser("publishers", help="create, revoke or list publishers and their API keys")
    actions = publishers.add_subparsers(dest="action", required=True)
    for name, help_text in ACTIONS.items():
        action = actions.add_parser(name, help=help_text)
        if name == "create":
            action.add_argument("name")
        if name in ("revoke", "enrol"):
            action.add_argument("publisher_id")
        where = action.add_mutually_exclusive_group(required=name == "enrol")
        if name != "enrol":
            where.add_argument("--table", help="the publishers table name (no usage plan, no authorizer cache)")
        where.add_argument("--stack", help="a deployed stack: its outputs name the table, usage plan and API")
    publishers.set_defaults(run=run)


def _directory(args: argparse.Namespace) -> tuple[PublisherDirectory, PublisherStore]:
    if args.stack:
        outputs = stack_outputs(args.stack)
        store = PublisherStore(outputs["PublishersTableName"])
        directory = PublisherDirectory(
            store,
            system_clock,
            usage_plan=ApiGatewayUsagePlan(outputs["PublisherUsagePlanId"]),
            authorizer_cache=ApiGatewayAuthorizerCache(outputs["PublicApiId"], outputs["PublicApiStage"]),
        )
        return directory, store
    table = getattr(args, "table", None) or os.environ.get("PUBLISHERS_TABLE")
    if not table:
        raise SystemExit("syndicate: name the publishers table with --table, --stack or $PUBLISHERS_TABLE")
    store = PublisherStore(table)
    return PublisherDirectory(store, system_clock), store


def run(args: argparse.Namespace) -> int:
    directory, store = _directory(args)
    if args.action == "create":
        return _create(args, directory)
    if args.action == "list":
        for listed in store.list():
            state = f"revoked {listed.revoked_at}" if listed.revoked_at else "active"
            print(f"{listed.publisher_id}\t{listed.name}\t{listed.created_at}\t{state}")
        return 0
    publisher = store.get(args.publisher_id)
    if publisher is None:
        print(f"syndicate: no publisher {args.publisher_id}", file=sys.stderr)
        return 1
    if args.action == "revoke":
        directory.revoke(args.publisher_id)
        print(f"revoked {args.publisher_id}" + ("" if args.stack else " (authorizer cache not flushed: no --stack)"))
        return 0
    if publisher.revoked_at:
        print(f"syndicate: {args.publisher_id} was revoked {publisher.revoked_at}", file=sys.stderr)
        return 1
    directory.enrol(args.publisher_id)
    print(f"enrolled {args.publisher_id} in the usage plan")
    return 0


def _create(args: argparse.Namespace, directory: PublisherDirectory) -> int:
    created = directory.create(args.name)
    print(f"publisher_id: {created.publisher.publisher_id}")
    print(f"api_key:      {created.api_key}")
    print("Keep the key now: it is stored only as a hash and cannot be shown again.", file=sys.stderr)
    if not args.stack:
        print(
            "No usage-plan key (no --stack): a deployed API refuses this key until "
            f"`syndicate publishers enrol {created.publisher.publisher_id} --stack STACK`.",
            file=sys.stderr,
        )
    return 0
