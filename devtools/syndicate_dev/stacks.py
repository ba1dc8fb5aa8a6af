"""CloudFormation stack outputs, for the operator's ``syndicate`` command."""

from __future__ import annotations

from syndicate.adapters.clients import client


def stack_output(stack_name: str, output_key: str) -> str:
    stack = client("cloudformation").describe_stacks(StackName=stack_name)["Stacks"][0]
    for output in stack.get("Outputs", []):
        if output["OutputKey"] == output_key:
            return output["OutputValue"]
    raise KeyError(f"stack {stack_name} has no output {output_key}")
