"""What a local stack can be named and staged as, checked before anything starts."""

from __future__ import annotations

import os

import pytest
from aws_lambda_powertools.utilities.parameters.constants import DEFAULT_PROVIDERS

from syndicate.clock import system_clock
from syndicate_dev import template as tpl
from syndicate_dev.local.aws import with_parameters
from syndicate_dev.local.environment import PROCESS, PROCESS_LOCK
from syndicate_dev.local.stack import check_stack_name, check_stage

TEMPLATE = tpl.load()


@pytest.mark.parametrize("name", ["syndicate-local", "review", "Pr-1234"])
def test_a_cloudformation_stack_name_short_enough_for_its_local_names_is_accepted(name):
    check_stack_name(name, TEMPLATE)


@pytest.mark.parametrize("name", ["", "1st", "with_underscore", "dots.too", "x" * 129])
def test_a_name_cloudformation_would_refuse_is_refused(name):
    with pytest.raises(ValueError, match="a stack name is"):
        check_stack_name(name, TEMPLATE)


def test_a_name_that_makes_a_bucket_name_too_long_says_which():
    with pytest.raises(ValueError, match="over 63 characters"):
        check_stack_name("s" * 60, TEMPLATE)


def test_a_stage_the_template_allows_is_taken_and_others_are_refused_naming_the_allowed():
    assert check_stage("prod", TEMPLATE) == "prod"
    with pytest.raises(ValueError, match="one of dev, prod"):
        check_stage("staging", TEMPLATE)


def test_a_stage_changes_only_that_parameters_default():
    staged = with_parameters(TEMPLATE, {"Stage": "prod", "NoSuchParameter": "x"})

    assert tpl.Resolver(staged, {}).ref("Stage") == "prod"
    assert tpl.Resolver(TEMPLATE, {}).ref("Stage") == "dev"
    assert "NoSuchParameter" not in staged["Parameters"]
    assert staged["Resources"] is TEMPLATE["Resources"]


def test_the_process_environment_goes_from_one_stack_to_another_and_back_to_what_it_was(monkeypatch):
    monkeypatch.setenv("SHARED", "before")
    monkeypatch.delenv("ONLY_FIRST", raising=False)
    first, second = object(), object()

    with PROCESS_LOCK:
        PROCESS.enter((first, "F"), {"SHARED": "first", "ONLY_FIRST": "1"}, system_clock)
        seen_first = (os.environ["SHARED"], os.environ.get("ONLY_FIRST"))
        PROCESS.enter((second, "F"), {"SHARED": "second", "AWS_PROFILE": None}, system_clock)
        seen_second = (os.environ["SHARED"], os.environ.get("ONLY_FIRST"))
        PROCESS.release(lambda owner: owner[0] is first)  # not the holder: nothing changes
        still_second = os.environ["SHARED"]
        PROCESS.release(lambda owner: owner[0] is second)

    assert seen_first == ("first", "1")
    assert seen_second == ("second", None)
    assert still_second == "second"
    assert (os.environ["SHARED"], os.environ.get("ONLY_FIRST")) == ("before", None)


def test_another_owner_gets_no_powertools_parameter_provider_of_the_previous_one():
    # A provider holds a boto3 client, and so the endpoint of whichever stack made it.
    DEFAULT_PROVIDERS["secrets"] = object()

    with PROCESS_LOCK:
        PROCESS.enter((object(), "F"), {}, system_clock)
        PROCESS.release(lambda owner: True)

    assert "secrets" not in DEFAULT_PROVIDERS
