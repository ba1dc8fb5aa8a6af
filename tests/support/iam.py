"""What IAM authorises for an AWS call, and whether a role's policies allow it.

``authorisations`` turns one recorded botocore call into the IAM requests AWS makes for it
(action, resource ARN, condition context), from the services' documented authorisation
(the Service Authorization Reference): a versioned S3 read is ``s3:GetObjectVersion``, a
transaction asks for each item's action on its table, an SES v2 ``SendEmail`` with raw content
asks for ``ses:SendEmail`` and ``ses:SendRawEmail`` on the sending identity (the address's or
its domain's, whichever is verified) and on the configuration set. A call this module does not
know is an error, never a guess.

``PolicySet`` evaluates identity policies the way IAM does for one account: an explicit Deny
wins, otherwise some Allow must match action, resource and every condition.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from email.utils import parseaddr
from typing import Any


@dataclass(frozen=True)
class AwsCall:
    """One API call the code made (botocore's service name, operation, parameters)."""

    function: str
    service: str
    operation: str
    params: dict[str, Any] = field(hash=False, compare=False)


@dataclass(frozen=True)
class Authorisation:
    action: str
    resource: str
    context: tuple[tuple[str, str], ...] = ()


class UnknownCall(KeyError):
    """A call the authorisation map does not cover: add it, from the service's documentation."""


def _wildcard(pattern: str, *, ignore_case: bool) -> re.Pattern[str]:
    """IAM's wildcards: ``*`` any run, ``?`` one character; nothing else is special."""
    body = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile(f"^{body}$", re.IGNORECASE if ignore_case else 0)


def matches(pattern: str, value: str, *, ignore_case: bool = False) -> bool:
    return bool(_wildcard(pattern, ignore_case=ignore_case).match(value))


# -- what each call asks IAM ------------------------------------------------------------------


class Arns:
    def __init__(self, region: str, account: str) -> None:
        self.region = region
        self.account = account

    def table(self, name: str, index: str | None = None) -> str:
        arn = f"arn:aws:dynamodb:{self.region}:{self.account}:table/{name}"
        return f"{arn}/index/{index}" if index else arn

    def queue(self, url: str) -> str:
        return f"arn:aws:sqs:{self.region}:{self.account}:{url.rstrip('/').rsplit('/', 1)[-1]}"

    def ses(self, kind: str, name: str) -> str:
        return f"arn:aws:ses:{self.region}:{self.account}:{kind}/{name}"


def _s3_object(bucket: str, key: str) -> str:
    return f"arn:aws:s3:::{bucket}/{key}"


def _dynamodb(call: AwsCall, arns: Arns) -> Iterator[Authorisation]:
    params = call.params
    if call.operation in ("GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "Scan"):
        yield Authorisation(f"dynamodb:{call.operation}", arns.table(params["TableName"], params.get("IndexName")))
    elif call.operation in ("BatchGetItem", "BatchWriteItem"):
        for table in params["RequestItems"]:
            yield Authorisation(f"dynamodb:{call.operation}", arns.table(table))
    elif call.operation == "TransactWriteItems":
        actions = {
            "Put": "PutItem",
            "Update": "UpdateItem",
            "Delete": "DeleteItem",
            "ConditionCheck": "ConditionCheckItem",
        }
        for item in params["TransactItems"]:
            ((kind, spec),) = item.items()
            yield Authorisation(f"dynamodb:{actions[kind]}", arns.table(spec["TableName"]))
    else:
        raise UnknownCall(f"dynamodb:{call.operation}")


def _s3(call: AwsCall, arns: Arns) -> Iterator[Authorisation]:
    params, operation = call.params, call.operation
    versioned = "VersionId" in params
    if operation in ("GetObject", "HeadObject"):
        yield Authorisation(
            "s3:GetObjectVersion" if versioned else "s3:GetObject", _s3_object(params["Bucket"], params["Key"])
        )
    elif operation == "PutObject":
        yield Authorisation("s3:PutObject", _s3_object(params["Bucket"], params["Key"]))
    elif operation == "DeleteObject":
        action = "s3:DeleteObjectVersion" if versioned else "s3:DeleteObject"
        yield Authorisation(action, _s3_object(params["Bucket"], params["Key"]))
    elif operation == "DeleteObjects":
        for item in params["Delete"]["Objects"]:
            action = "s3:DeleteObjectVersion" if "VersionId" in item else "s3:DeleteObject"
            yield Authorisation(action, _s3_object(params["Bucket"], item["Key"]))
    elif operation in ("ListObjectsV2", "ListObjects"):
        yield Authorisation("s3:ListBucket", f"arn:aws:s3:::{params['Bucket']}")
    elif operation == "ListObjectVersions":
        yield Authorisation("s3:ListBucketVersions", f"arn:aws:s3:::{params['Bucket']}")
    elif operation == "DeleteBucket":
        yield Authorisation("s3:DeleteBucket", f"arn:aws:s3:::{params['Bucket']}")
    else:
        raise UnknownCall(f"s3:{operation}")


def _sqs(call: AwsCall, arns: Arns) -> Iterator[Authorisation]:
    actions = {
        "SendMessage": "sqs:SendMessage",
        "SendMessageBatch": "sqs:SendMessage",
        "ReceiveMessage": "sqs:ReceiveMessage",
        "DeleteMessage": "sqs:DeleteMessage",
        "DeleteMessageBatch": "sqs:DeleteMessage",
        "ChangeMessageVisibility": "sqs:ChangeMessageVisibility",
        "GetQueueAttributes": "sqs:GetQueueAttributes",
    }
    if call.operation not in actions:
        raise UnknownCall(f"sqs:{call.operation}")
    yield Authorisation(actions[call.operation], arns.queue(call.params["QueueUrl"]))


def _secretsmanager(call: AwsCall, arns: Arns) -> Iterator[Authorisation]:
    if call.operation != "GetSecretValue":
        raise UnknownCall(f"secretsmanager:{call.operation}")
    yield Authorisation("secretsmanager:GetSecretValue", call.params["SecretId"])


def _sesv2(call: AwsCall, arns: Arns) -> Iterator[Authorisation]:
    if call.operation == "GetAccount":
        yield Authorisation("ses:GetAccount", "*")  # no resource-level permission
        return
    if call.operation != "SendEmail":
        raise UnknownCall(f"sesv2:{call.operation}")
    params = call.params
    sender = parseaddr(params["FromEmailAddress"])[1]
    context = (("ses:FromAddress", sender),)
    actions = ["ses:SendEmail"] + (["ses:SendRawEmail"] if "Raw" in params["Content"] else [])
    # Whichever of the address and its domain is the verified identity: both must be allowed.
    resources = [arns.ses("identity", sender), arns.ses("identity", sender.rsplit("@", 1)[-1])]
    if params.get("ConfigurationSetName"):
        resources.append(arns.ses("configuration-set", params["ConfigurationSetName"]))
    for action in actions:
        for resource in resources:
            yield Authorisation(action, resource, context)


def _cloudformation(call: AwsCall, arns: Arns) -> Iterator[Authorisation]:
    if call.operation != "DescribeStacks":
        raise UnknownCall(f"cloudformation:{call.operation}")
    yield Authorisation("cloudformation:DescribeStacks", call.params["StackName"])


_SERVICES: dict[str, Callable[[AwsCall, Arns], Iterator[Authorisation]]] = {
    "dynamodb": _dynamodb,
    "s3": _s3,
    "sqs": _sqs,
    "secretsmanager": _secretsmanager,
    "sesv2": _sesv2,
    "cloudformation": _cloudformation,
}


def authorisations(call: AwsCall, arns: Arns) -> list[Authorisation]:
    if call.service not in _SERVICES:
        raise UnknownCall(f"{call.service}:{call.operation}")
    return list(_SERVICES[call.service](call, arns))


# -- evaluating policies ----------------------------------------------------------------------


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


_CONDITIONS: dict[str, Callable[[str, str], bool]] = {
    "StringEquals": lambda expected, actual: expected == actual,
    "StringLike": lambda expected, actual: matches(expected, actual),
    "ArnEquals": lambda expected, actual: expected == actual,
    "ArnLike": lambda expected, actual: matches(expected, actual),
    "Bool": lambda expected, actual: str(expected).lower() == actual.lower(),
}


@dataclass(frozen=True)
class Statement:
    """One statement of an identity policy, its intrinsics already evaluated."""

    source: str  # "<role> / <policy name> / <Sid>"
    effect: str
    actions: tuple[str, ...]
    resources: tuple[str, ...]
    conditions: tuple[tuple[str, str, tuple[str, ...]], ...]  # (operator, key, values)

    @classmethod
    def parse(cls, source: str, statement: dict[str, Any]) -> Statement:
        unsupported = {"NotAction", "NotResource", "Principal", "NotPrincipal"} & set(statement)
        if unsupported:
            raise ValueError(f"{source}: {sorted(unsupported)} are not evaluated here")
        conditions = []
        for operator, entries in (statement.get("Condition") or {}).items():
            if operator not in _CONDITIONS:
                raise ValueError(f"{source}: condition operator {operator} is not evaluated here")
            for key, values in entries.items():
                conditions.append((operator, key, tuple(str(v) for v in _listed(values))))
        return cls(
            source,
            statement["Effect"],
            tuple(str(a) for a in _listed(statement["Action"])),
            tuple(str(r) for r in _listed(statement["Resource"])),
            tuple(conditions),
        )

    def applies_to(self, request: Authorisation) -> bool:
        if not any(matches(action, request.action, ignore_case=True) for action in self.actions):
            return False
        if not any(matches(resource, request.resource) for resource in self.resources):
            return False
        context = dict(request.context)
        return all(
            key in context and any(_CONDITIONS[operator](value, context[key]) for value in values)
            for operator, key, values in self.conditions
        )


@dataclass
class PolicySet:
    statements: list[Statement]

    def allows(self, request: Authorisation) -> Statement | None:
        """The statement that allows ``request``, or None (no Allow, or an explicit Deny)."""
        applying = [s for s in self.statements if s.applies_to(request)]
        if any(s.effect == "Deny" for s in applying):
            return None
        return next((s for s in applying if s.effect == "Allow"), None)


def statements_of(source: str, document: dict[str, Any]) -> Iterable[Statement]:
    for number, statement in enumerate(_listed(document.get("Statement") or [])):
        yield Statement.parse(f"{source} / {statement.get('Sid', number)}", statement)
