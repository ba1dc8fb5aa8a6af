"""API keys: created by the `syndicate` command, resolved by the authorizer, revocable."""

from __future__ import annotations

import copy

import pytest

from syndicate.handlers import authorize_publisher
from syndicate_dev import cli
from tests.support import events
from tests.support.lambda_context import FakeLambdaContext


@pytest.fixture
def authorizer(stack, monkeypatch):
    stack.use("PublisherAuthorizerFunction", monkeypatch)

    def call(authorization: str | None) -> dict:
        event = copy.deepcopy(events.load("api/authorizer-request.json"))
        event["headers"] = {k: v for k, v in event["headers"].items() if k != "Authorization"}
        if authorization is not None:
            event["headers"]["Authorization"] = authorization
        return authorize_publisher.handler(event, FakeLambdaContext())

    return call


def create_key(stack, capsys, name="Space Desk") -> tuple[str, str]:
    assert cli.main(["publishers", "create", name, "--table", stack.name("PublishersTable")]) == 0
    printed = dict(line.split(":", 1) for line in capsys.readouterr().out.splitlines())
    return printed["publisher_id"].strip(), printed["api_key"].strip()


def test_created_key_resolves_to_its_publisher_with_a_policy_for_every_route(stack, authorizer, capsys):
    publisher_id, key = create_key(stack, capsys)

    policy = authorizer(f"Bearer {key}")

    assert policy["principalId"] == publisher_id
    assert policy["context"] == {"publisher_id": publisher_id}
    statement = policy["policyDocument"]["Statement"][0]
    assert statement["Effect"] == "Allow"
    assert statement["Resource"] == ["arn:aws:execute-api:us-east-1:123456789012:abc123defg/dev/*/*"]


def test_key_is_stored_only_as_a_hash(stack, capsys):
    import boto3

    _, key = create_key(stack, capsys)
    items = boto3.client("dynamodb").scan(TableName=stack.name("PublishersTable"))["Items"]
    assert key not in repr(items)
    assert len(items) == 1 and "key_hash" in items[0]


@pytest.mark.parametrize("header", [None, "", "Bearer", "Bearer syn_unknown", "Basic dXNlcjpwYXNz", "syn_raw"])
def test_missing_or_unknown_key_is_unauthorized(stack, authorizer, header):
    with pytest.raises(Exception, match=r"^Unauthorized$"):
        authorizer(header)


def test_revoked_key_stops_working(stack, authorizer, capsys):
    publisher_id, key = create_key(stack, capsys)

    assert cli.main(["publishers", "revoke", publisher_id, "--table", stack.name("PublishersTable")]) == 0

    with pytest.raises(Exception, match=r"^Unauthorized$"):
        authorizer(f"Bearer {key}")


def test_revoking_an_unknown_publisher_fails(stack, capsys):
    assert cli.main(["publishers", "revoke", "pub_nobody", "--table", stack.name("PublishersTable")]) == 1


def test_list_shows_publishers_without_keys(stack, capsys):
    _, key = create_key(stack, capsys, "Climate Desk")
    assert cli.main(["publishers", "list", "--table", stack.name("PublishersTable")]) == 0
    out = capsys.readouterr().out
    assert "Climate Desk" in out and key not in out
