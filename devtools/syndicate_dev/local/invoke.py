"""``syndicate invoke FUNCTION --event FILE`` without ``--endpoint``: a fresh local stack in
this process (every resource of template.yaml, empty), one invocation, its result printed."""

from __future__ import annotations

import contextlib
import json
import sys
from typing import Any

from syndicate_dev.local.runtime import FunctionFailed
from syndicate_dev.local.stack import LocalStack


def invoke_in_process(function: str, event: Any) -> int:
    with contextlib.redirect_stdout(sys.stderr):  # the function's logs go to stderr, the result to stdout
        stack = LocalStack("127.0.0.1", 0, run_schedules=False, access_log=False).start()
    try:
        if function not in stack.runtime.functions:
            print(
                f"syndicate invoke: template.yaml has no function {function}; it has "
                f"{', '.join(sorted(stack.runtime.functions))}",
                file=sys.stderr,
            )
            return 2
        try:
            with contextlib.redirect_stdout(sys.stderr):
                result = stack.invoke(function, event)
        except FunctionFailed as failed:
            print(json.dumps(failed.payload(), indent=2))
            return 1
        print(json.dumps(result, indent=2, ensure_ascii=False, default=str))
        return 0
    finally:
        stack.stop()
