"""``syndicate articles list|show|retract``: a publisher's own articles, over the API.

    syndicate articles list                 id, status, date and title of each, drafts included
    syndicate articles show ID [--markdown] the article as JSON, or as a file `syndicate publish` takes
    syndicate articles retract ID...        gone from listings and feeds (publishing the file again restores it)

The connection is the one ``syndicate publish`` uses (--endpoint/--stack/--api-key, or the
SYNDICATE_API_URL and SYNDICATE_API_KEY variables).
"""

from __future__ import annotations

import argparse
import json
import os
from typing import Any

from syndicate_dev.cli.publish import add_connection_arguments, connect
from syndicate_dev.publishing.api import ApiFailure, ProblemAnswer, PublisherApi
from syndicate_dev.publishing.connection import KEY_VARIABLE, ConnectionSettingsError
from syndicate_dev.publishing.mapping import as_markdown
from syndicate_dev.publishing.report import Terminal


def register(commands: Any) -> None:
    articles = commands.add_parser("articles", help="list, show or retract your articles")
    actions = articles.add_subparsers(dest="action", required=True)
    listing = actions.add_parser("list", help="your articles, newest first, drafts and scheduled ones included")
    add_connection_arguments(listing)
    show = actions.add_parser("show", help="one article as JSON (or --markdown, a file to edit and publish)")
    show.add_argument("article_id", metavar="ID")
    show.add_argument("--markdown", action="store_true", help="front matter and body, as `syndicate publish` reads")
    add_connection_arguments(show)
    retract = actions.add_parser("retract", help="retract articles: gone from listings and feeds")
    retract.add_argument("article_ids", nargs="+", metavar="ID")
    add_connection_arguments(retract)
    articles.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    terminal = Terminal([args.api_key or "", os.environ.get(KEY_VARIABLE, "")])
    try:
        api = connect(args, terminal)
        status: int = _ACTIONS[args.action](api, args, terminal)
        return status
    except ConnectionSettingsError as error:
        terminal.warn(f"syndicate articles: {error}")
    except ApiFailure as error:
        terminal.warn(f"syndicate articles: {error}")
    except ProblemAnswer as problem:
        terminal.warn(f"syndicate articles: {problem.detail} (HTTP {problem.status})")
    return 1


def _list(api: PublisherApi, args: argparse.Namespace, terminal: Terminal) -> int:
    for article in api.own_articles():
        terminal.say("\t".join(str(article.get(name, "")) for name in ("id", "status", "published_at", "title")))
    return 0


def _show(api: PublisherApi, args: argparse.Namespace, terminal: Terminal) -> int:
    stored = api.get(args.article_id)
    if stored is None:
        terminal.warn(f"syndicate articles: no article {args.article_id}")
        return 1
    if args.markdown:
        terminal.say(as_markdown(args.article_id, stored.resource).rstrip("\n"))
    else:
        terminal.say(json.dumps(stored.resource, indent=2, ensure_ascii=False))
    return 0


def _retract(api: PublisherApi, args: argparse.Namespace, terminal: Terminal) -> int:
    status = 0
    for article_id in args.article_ids:
        try:
            api.retract(article_id)
            terminal.say(f"retracted  {article_id}")
        except ProblemAnswer as problem:
            terminal.warn(f"syndicate articles: {article_id}: {problem.detail} (HTTP {problem.status})")
            status = 1
    return status


_ACTIONS = {"list": _list, "show": _show, "retract": _retract}
