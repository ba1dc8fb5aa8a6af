"""The ``syndicate`` command (a console script of pyproject.toml), one module per command group.

    syndicate publishers create NAME [--table T | --stack S]   prints a new API key, once
    syndicate publishers revoke ID   [--table T | --stack S]   with --stack, at once (cache flushed)
    syndicate publishers enrol ID    --stack S                 the publisher's usage-plan key again
    syndicate publishers list        [--table T | --stack S]
    syndicate local [--port P] [--demo] [--stack-name N] [--stage S]   the whole service on this machine (moto)
    syndicate invoke FUNCTION --event FILE [--endpoint URL]   run one function of template.yaml
    syndicate digests report|resume|redrive (--stack S | --endpoint URL)   digest delivery
    syndicate doctor --stack S   what to fix before the first send

A command group is a module of this package with ``register(commands)``, which adds its
sub-parser and sets ``run`` (called with the parsed arguments; its return is the exit status).
"""

from __future__ import annotations

import argparse

from syndicate_dev.cli import articles, digests, doctor, invoke, local, publish, publishers

COMMAND_GROUPS = (publishers, local, invoke, publish, articles, digests, doctor)


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="syndicate", description="Syndicate developer and operator commands.")
    commands = root.add_subparsers(dest="command", required=True)
    for group in COMMAND_GROUPS:
        group.register(commands)
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    status: int = args.run(args)
    return status
