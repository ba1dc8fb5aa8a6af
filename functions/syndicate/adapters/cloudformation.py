"""CloudFormation for the teardown custom resource: the stack's status, and the answer to a request."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

from syndicate.adapters.clients import client

DELETING = frozenset({"DELETE_IN_PROGRESS", "ROLLBACK_IN_PROGRESS"})  # the latter: a failed create
RESPONSE_TIMEOUT_SECONDS = 30


class CloudFormationStacks:
    """``StackStatus`` from DescribeStacks."""

    def is_being_deleted(self, stack_id: str) -> bool:
        stack = client("cloudformation").describe_stacks(StackName=stack_id)["Stacks"][0]
        return str(stack["StackStatus"]) in DELETING


class CustomResourceResponder:
    """Answers CloudFormation at the request's ResponseURL (a pre-signed S3 URL); until it does,
    the stack operation waits (an hour, by default)."""

    def send(self, response_url: str, response: dict[str, Any]) -> None:
        if not response_url.startswith("https://"):
            raise ValueError("a custom resource ResponseURL is https")
        body = json.dumps(response).encode("utf-8")
        # S3 checks the pre-signed request's signature, which covers an empty Content-Type.
        request = urllib.request.Request(response_url, data=body, method="PUT", headers={"Content-Type": ""})  # noqa: S310 - https only, checked above
        with urllib.request.urlopen(request, timeout=RESPONSE_TIMEOUT_SECONDS) as answer:  # noqa: S310 - the same request
            answer.read()
