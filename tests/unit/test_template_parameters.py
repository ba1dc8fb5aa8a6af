"""The Parameters an operator meets at `sam deploy --guided`, and what the defaults cost."""

from __future__ import annotations

import pytest

from syndicate_dev import template as tpl
from tests.support.translated import VARIANTS, StackView, translated

TEMPLATE = tpl.load()
PARAMETERS = TEMPLATE["Parameters"]
REQUIRED = sorted(name for name, spec in PARAMETERS.items() if "Default" not in spec)


def test_the_sender_must_be_answered():
    assert {"SenderEmail", "SenderVerification"} <= set(REQUIRED)


@pytest.mark.parametrize("name", REQUIRED)
def test_a_parameter_without_default_says_it_is_required_and_what_to_enter(name):
    spec = PARAMETERS[name]

    assert spec["Description"].startswith("Required: ")
    assert "e.g." in spec["Description"] or spec.get("AllowedValues"), "say exactly what to enter"
    assert spec.get("AllowedValues") or (spec.get("AllowedPattern") and spec.get("ConstraintDescription"))


@pytest.mark.parametrize("name", sorted(PARAMETERS))
def test_no_default_names_an_example_domain_an_operator_cannot_verify(name):
    assert "example" not in str(PARAMETERS[name].get("Default", ""))


def test_the_local_stack_has_a_value_for_every_required_parameter():
    values = tpl.parameter_defaults(TEMPLATE)

    assert all(values[name] for name in REQUIRED)


def defaults(variant: str = "dev") -> StackView:
    template = translated(VARIANTS[variant])
    return StackView(template, "syndicate", {**tpl.parameter_defaults(template), **VARIANTS[variant]})


@pytest.mark.parametrize("variant", ["dev", "prod"])
def test_per_method_api_metrics_are_off_by_default(variant):
    view = defaults(variant)
    stages = [view.value(r["Properties"]) for _, r in view.created() if r["Type"] == "AWS::ApiGateway::Stage"]

    assert stages and all(s["MethodSettings"][0]["MetricsEnabled"] is False for s in stages)


@pytest.mark.parametrize("variant", ["dev", "prod"])
def test_functions_log_at_info_by_default(variant):
    view = defaults(variant)
    levels = {
        view.value(r["Properties"]["Environment"]["Variables"]["POWERTOOLS_LOG_LEVEL"])
        for _, r in view.created()
        if r["Type"] == "AWS::Lambda::Function" and "Environment" in r["Properties"]
    }

    assert levels == {"INFO"}


def test_the_list_id_defaults_to_the_senders_own_domain():
    view = defaults()
    list_ids = {
        view.value(r["Properties"]["Environment"]["Variables"]["LIST_ID"])
        for _, r in view.created()
        if r["Type"] == "AWS::Lambda::Function"
        and "LIST_ID" in r["Properties"].get("Environment", {}).get("Variables", {})
    }

    assert list_ids == {"Syndicate digest <digest.syndicate.example>"}
