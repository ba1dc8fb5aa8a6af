"""Where `syndicate publish` sends the key: from the options, a stack's output or the environment."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from syndicate_dev.publishing.connection import Connection, ConnectionSettingsError, resolve_connection

KEY = "syn_connectionTestKey000000000000000000000000"


def no_stack(name: str, output: str) -> str:
    raise AssertionError("no stack was named")


def resolve(*, environ=None, stack_output=no_stack, **options) -> Connection:
    arguments = {"endpoint": None, "stack": None, "api_key": None, **options}
    return resolve_connection(**arguments, environ=environ or {}, stack_output=stack_output)


def test_options_win_over_the_environment():
    environ = {"SYNDICATE_API_URL": "https://env.example/dev", "SYNDICATE_API_KEY": "syn_fromTheEnvironment"}

    assert resolve(environ=environ) == Connection("https://env.example/dev", "syn_fromTheEnvironment")
    assert resolve(environ=environ, endpoint="https://opt.example/dev/", api_key=KEY) == Connection(
        "https://opt.example/dev", KEY
    )


def test_a_stack_names_the_endpoint_by_its_api_url_output():
    asked = []

    def stack_output(name: str, output: str) -> str:
        asked.append((name, output))
        return "https://abc123.execute-api.eu-west-1.amazonaws.com/prod"

    connection = resolve(stack="syndicate-prod", api_key=KEY, stack_output=stack_output)

    assert connection.endpoint == "https://abc123.execute-api.eu-west-1.amazonaws.com/prod"
    assert asked == [("syndicate-prod", "ApiUrl")]


def test_a_stack_that_cannot_be_read_says_so():
    def missing(name: str, output: str) -> str:
        raise ClientError({"Error": {"Code": "ValidationError", "Message": "Stack does not exist"}}, "DescribeStacks")

    with pytest.raises(ConnectionSettingsError, match="cannot read the ApiUrl output of stack gone"):
        resolve(stack="gone", api_key=KEY, stack_output=missing)


@pytest.mark.parametrize(
    ("endpoint", "reason"),
    [
        (None, "say where the API is"),
        ("ftp://api.example", r"not an http\(s\) URL"),
        ("http://api.example/dev", "unencrypted"),
        ("http://10.0.0.5:3000/dev", "unencrypted"),
        ("https://api.example/dev?stage=1", "query or fragment"),
    ],
)
def test_an_endpoint_the_key_must_not_go_to_is_refused(endpoint, reason):
    with pytest.raises(ConnectionSettingsError, match=reason):
        resolve(endpoint=endpoint, api_key=KEY)


def test_credentials_in_the_endpoint_are_refused_without_repeating_them():
    with pytest.raises(ConnectionSettingsError) as refused:
        resolve(endpoint="https://me:hunter2@api.example/dev", api_key=KEY)

    assert "hunter2" not in str(refused.value)


@pytest.mark.parametrize("endpoint", ["http://127.0.0.1:3000/dev", "http://localhost:3000", "http://[::1]:3000/dev"])
def test_plain_http_is_accepted_to_this_machine_only(endpoint):
    assert resolve(endpoint=endpoint, api_key=KEY).endpoint == endpoint


@pytest.mark.parametrize(("api_key", "reason"), [(None, "give your API key"), ("syn_a b", "spaces or control")])
def test_a_missing_or_mangled_key_is_refused(api_key, reason):
    with pytest.raises(ConnectionSettingsError, match=reason):
        resolve(endpoint="https://api.example/dev", api_key=api_key)
