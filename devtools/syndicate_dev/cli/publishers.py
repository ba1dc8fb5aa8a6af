"""``syndicate publishers create|revoke|list``: publishers and their API keys.

The table comes from --table, from the PublishersTableName output of --stack, or from
$PUBLISHERS_TABLE. AWS credentials and endpoint come from the usual AWS configuration.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from syndicate.adapters.publishers import PublisherStore
from syndicate.clock import system_clock
from syndicate.publishers.keys import PublisherDirectory
from syndicate_dev.stacks import stack_output


def register(commands: Any) -> None:
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
    publishers.set_defaults(run=run)


def _publishers_table(args: argparse.Namespace) -> str:
    if args.table:
        return args.table
    if args.stack:
        return stack_output(args.stack, "PublishersTableName")
    table = os.environ.get("PUBLISHERS_TABLE")
    if not table:
        raise SystemExit("syndicate: name the publishers table with --table, --stack or $PUBLISHERS_TABLE")
    return table


def run(args: argparse.Namespace) -> int:
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
