"""``syndicate publish PATH...``: Markdown files with YAML front matter, published as articles.

Each file is checked against schemas/ first (an invalid one is not sent), maps to one article by
a stable id (its front matter's ``id``, else its path), and is sent with ``PUT /articles/{id}``
only when it differs from what the API holds. Exit status 0 when every file was published or
already up to date, 1 otherwise. The details are in ``syndicate_dev.publishing``.
"""

from __future__ import annotations

import argparse
import os
from typing import Any

from syndicate_dev.publishing.api import PublisherApi
from syndicate_dev.publishing.connection import (
    ENDPOINT_VARIABLE,
    KEY_VARIABLE,
    ConnectionSettingsError,
    resolve_connection,
)
from syndicate_dev.publishing.folders import markdown_files
from syndicate_dev.publishing.mapping import read_article
from syndicate_dev.publishing.publisher import SUCCESSES, publish_articles, refuse_shared_ids
from syndicate_dev.publishing.report import Terminal, report, summary_line
from syndicate_dev.stacks import stack_output


def register(commands: Any) -> None:
    publish = commands.add_parser(
        "publish",
        help="publish Markdown files (YAML front matter + body) as articles",
        description="Publish Markdown files, or every .md file in folders, as articles (PUT /articles/{id}).",
    )
    publish.add_argument("paths", nargs="+", metavar="PATH", help="a .md file or a folder of them")
    publish.add_argument("--dry-run", action="store_true", help="show what would be created or changed; send nothing")
    publish.add_argument("--draft", action="store_true", help="publish every file as a draft")
    add_connection_arguments(publish)
    publish.set_defaults(run=run)


def add_connection_arguments(parser: argparse.ArgumentParser) -> None:
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--endpoint", metavar="URL", help=f"the API's base URL (default: ${ENDPOINT_VARIABLE})")
    where.add_argument("--stack", metavar="NAME", help="a deployed stack; its ApiUrl output is the endpoint")
    parser.add_argument(
        "--api-key", metavar="KEY", help=f"your publisher API key (default: ${KEY_VARIABLE}, which keeps it out of ps)"
    )
    parser.add_argument("--timeout", type=_seconds, default=30.0, metavar="SECONDS", help="per request (default 30)")


def _seconds(text: str) -> float:
    seconds = float(text)
    if not 0 < seconds <= 900:
        raise argparse.ArgumentTypeError("must be more than 0 and at most 900 seconds")
    return seconds


def connect(args: argparse.Namespace, terminal: Terminal) -> PublisherApi:
    """The API client for the arguments; raises ConnectionSettingsError with what is missing."""
    connection = resolve_connection(
        endpoint=args.endpoint, stack=args.stack, api_key=args.api_key, environ=os.environ, stack_output=stack_output
    )
    terminal.add_secret(connection.api_key)
    return PublisherApi(connection.endpoint, connection.api_key, timeout=args.timeout)


def run(args: argparse.Namespace) -> int:
    terminal = Terminal([args.api_key or "", os.environ.get(KEY_VARIABLE, "")])
    try:
        api = connect(args, terminal)
    except ConnectionSettingsError as error:
        terminal.warn(f"syndicate publish: {error}")
        return 1
    sources, missing = markdown_files(args.paths)
    for problem in missing:
        terminal.warn(f"syndicate publish: {problem}")
    articles = refuse_shared_ids([read_article(source, draft=args.draft) for source in sources])
    results = publish_articles(articles, api, dry_run=args.dry_run, report=lambda result: report(terminal, result))
    terminal.say(summary_line(results, dry_run=args.dry_run))
    published = bool(results) and all(result.outcome in SUCCESSES for result in results)
    return 0 if published and not missing else 1
