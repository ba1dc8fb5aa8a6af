"""``syndicate invoke FUNCTION --event FILE`` without ``--endpoint``: a fresh local stack in
this process (every resource of template.yaml, empty), one invocation, its result printed.

The result is the only thing on stdout; the function's own logs go to stderr, as
``sam local invoke`` shows them."""

from __future__ import annotations

import json
import sys
from typing import Any

from syndicate_dev.local.runtime import FunctionFailed
from syndicate_dev.local.stack import LocalStack
from syndicate_dev.local.terminal import Terminal


def invoke_in_process(function: str, event: Any) -> int:
    stack = LocalStack("127.0.0.1", 0, run_schedules=False, terminal=Terminal(sys.stderr), verbose=True)
    stack.start()
    try:
        if function not in stack.runtime.functions:
            print(
                f"syndicate invoke: template.yaml has no function {function}; it has "
                f"{', '.join(sorted(stack.runtime.functions))}",
                file=sys.stderr,
            )
            return 2
        try:
            result = stack.invoke(function, event)
        except FunctionFailed as failed:
            print(json.dumps(failed.payload(), indent=2))
            return 1
        print(json.dumps(result, indent=2, ensure_ascii=False, default=str))
        return 0
    finally:
        stack.stop()
