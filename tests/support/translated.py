"""template.yaml as CloudFormation receives it, and as one stack of it would be created.

``translated()`` runs the SAM translator that ships with SAM CLI (``samtranslator``, the
``AWS::Serverless`` transform CloudFormation runs on what ``sam deploy`` uploads), offline: the
code locations that ``sam build``/``sam package`` would fill in are any S3 URI, and no managed
policy is looked up. Of the template's other transform, ``AWS::LanguageExtensions``, the
template uses only intrinsic functions in DeletionPolicy and UpdateReplacePolicy (a test keeps
it so); the translator passes them through, and ``StackView`` evaluates them per stack as that
transform does. (SAM CLI's own local expansion of it is not used: it also rewrites ``Fn::Sub``
into text, which CloudFormation does not.)
``StackView`` evaluates the result's intrinsic functions for one stack name and set of
parameters, with made-up physical names for what CloudFormation would generate (each carrying
the stack name, as CloudFormation's own do).
"""

from __future__ import annotations

import copy
import hashlib
import logging
from collections.abc import Iterator
from functools import cache
from typing import Any

import boto3
from samtranslator.parser.parser import Parser
from samtranslator.translator.translator import Translator

from syndicate_dev import template as tpl

REGION = "us-east-1"
ACCOUNT = "123456789012"
CODE_URI = "s3://syndicate-artifacts/code.zip"
LONGEST_STACK_NAME = 128  # CloudFormation's limit

# Parameter sets a check runs under: the defaults (a dev stack), a prod stack, and every
# optional part switched the other way.
VARIANTS: dict[str, dict[str, str]] = {
    "dev": {},
    "prod": {"Stage": "prod"},
    "domain-identity": {"SenderVerification": "domain"},
    "existing-identity": {"SenderVerification": "existing", "ApiGatewayLogsRole": "existing"},
    "custom-domain": {
        "SiteDomainName": "news.example.com",
        "SiteCertificateArn": f"arn:aws:acm:us-east-1:{ACCOUNT}:certificate/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
        "PublicRouteFirewall": "disabled",
        "ApiMethodMetrics": "true",
    },
}


def _with_code_in_s3(sam: dict[str, Any]) -> dict[str, Any]:
    """What ``sam package`` does to local code paths (the translator accepts only S3 URIs)."""
    function_globals = (sam.get("Globals") or {}).get("Function") or {}
    if isinstance(function_globals.get("CodeUri"), str):
        function_globals["CodeUri"] = CODE_URI
    for resource in sam["Resources"].values():
        props = resource.get("Properties") or {}
        if resource["Type"] == "AWS::Serverless::Function" and isinstance(props.get("CodeUri"), str):
            props["CodeUri"] = CODE_URI
        if resource["Type"] == "AWS::Serverless::LayerVersion" and isinstance(props.get("ContentUri"), str):
            props["ContentUri"] = CODE_URI
    return sam


@cache
def _translated(parameters: tuple[tuple[str, str], ...]) -> dict[str, Any]:
    logging.getLogger("samtranslator").setLevel(logging.ERROR)  # feature-toggle chatter
    sam = _with_code_in_s3(copy.deepcopy(tpl.load()))
    values = {**tpl.parameter_defaults(sam), **dict(parameters)}
    translator = Translator(
        managed_policy_map={}, sam_parser=Parser(), plugins=[], boto_session=boto3.session.Session(region_name=REGION)
    )
    return translator.translate(sam_template=sam, parameter_values=values)


def translated(parameters: dict[str, str] | None = None) -> dict[str, Any]:
    """The CloudFormation template ``sam deploy`` would send (a copy: callers may change it)."""
    return copy.deepcopy(_translated(tuple(sorted((parameters or {}).items()))))


class _GeneratedNames(dict[str, Any]):
    """Physical names CloudFormation generates: stack name, logical id and a random suffix."""

    def __init__(self, stack_name: str) -> None:
        super().__init__()
        self.stack_name = stack_name

    def __missing__(self, logical_id: str) -> str:
        suffix = hashlib.sha256(f"{self.stack_name}/{logical_id}".encode()).hexdigest()[:12].upper()
        return f"{self.stack_name}-{logical_id}-{suffix}"


class _GeneratedAttributes(dict[tuple[str, str], Any]):
    def __init__(self, names: _GeneratedNames) -> None:
        super().__init__()
        self.names = names

    def __missing__(self, key: tuple[str, str]) -> str:
        logical_id, attribute = key
        return f"{self.names[logical_id]}.{attribute}"


class StackView:
    """The translated template as one stack of it: conditions decided, intrinsics evaluated."""

    def __init__(self, template: dict[str, Any], stack_name: str, parameters: dict[str, str] | None = None) -> None:
        self.template = template
        self.stack_name = stack_name
        names = _GeneratedNames(stack_name)
        self.resolver = tpl.Resolver(template, names, parameters, region=REGION, account=ACCOUNT)
        self.resolver.attributes = _GeneratedAttributes(names)
        stack_uuid = hashlib.sha256(stack_name.encode()).hexdigest()
        uuid = f"{stack_uuid[:8]}-{stack_uuid[8:12]}-4{stack_uuid[13:16]}-8{stack_uuid[17:20]}-{stack_uuid[20:32]}"
        self.resolver.pseudo.update(
            {
                "AWS::StackName": stack_name,
                "AWS::StackId": f"arn:aws:cloudformation:{REGION}:{ACCOUNT}:stack/{stack_name}/{uuid}",
            }
        )

    def created(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """(logical id, resource) of every resource this stack creates."""
        for logical_id, resource in self.template["Resources"].items():
            condition = resource.get("Condition")
            if condition is None or self.resolver.condition(condition):
                yield logical_id, resource

    def value(self, node: Any) -> Any:
        return self.resolver.deep_value(node)


def stack_name_of_length(length: int, seed: str) -> str:
    """A valid stack name (letters, digits, hyphens; a letter first) of exactly ``length``."""
    return (seed + "-" + "x" * length)[:length]
