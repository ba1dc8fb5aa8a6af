"""CloudFormation stack outputs, for the operator's ``syndicate`` command."""

from __future__ import annotations

from syndicate.adapters.clients import client


class MissingOutput(KeyError):
    """The stack has no such output (an older template, or another stack)."""


def stack_outputs(stack_name: str) -> dict[str, str]:
    stack = client("cloudformation").describe_stacks(StackName=stack_name)["Stacks"][0]
    return {output["OutputKey"]: output["OutputValue"] for output in stack.get("Outputs", [])}


def stack_output(stack_name: str, output_key: str) -> str:
    outputs = stack_outputs(stack_name)
    if output_key not in outputs:
        raise MissingOutput(f"stack {stack_name} has no output {output_key}")
    return outputs[output_key]
