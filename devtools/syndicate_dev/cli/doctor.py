"""``syndicate doctor --stack NAME``: what to fix before a deployed stack sends its first digest.

Checks the sending identity and its DKIM, the MAIL FROM domain, sandbox or production access,
the send quota and rate (and that SenderConcurrency can use it), the configuration set and the
event destination of its bounces and complaints, the alarm topic's subscription (when the stack
has an AlarmTopic output) and the dead-letter queues. Prints one line per finding; exit status
1 when something must be fixed. It reads, and changes nothing.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from syndicate_dev import doctor

LABELS = {doctor.OK: "ok  ", doctor.WARN: "warn", doctor.FIX: "FIX "}


def register(commands: Any) -> None:
    checks = commands.add_parser("doctor", help="check a deployed stack before its first send, and say what to fix")
    checks.add_argument("--stack", metavar="NAME", required=True, help="the deployed stack")
    checks.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        facts = doctor.gather(args.stack)
    except (ClientError, BotoCoreError) as error:
        print(f"syndicate doctor: cannot read stack {args.stack}: {error}", file=sys.stderr)
        return 1
    findings = doctor.diagnose(facts)
    print(f"Stack {args.stack}, sending as {facts.sender or '(unknown)'}")
    for finding in findings:
        print(f"{LABELS[finding.level]}  {finding.subject:<18} {finding.text}")
    to_fix = sum(finding.level == doctor.FIX for finding in findings)
    print(f"{to_fix} to fix" if to_fix else "Nothing to fix.")
    return 1 if to_fix else 0
