"""The translated template deployed to moto's CloudFormation, as far as moto supports it.

moto's CloudFormation creates a subset of resource types. ``deployable`` keeps every resource
of a supported type the stack would create, and stands in for the rest: a Ref, GetAtt or
``${...}`` of an unsupported resource becomes the made-up physical name or attribute a
``StackView`` gives it, so everything moto can create is created, with the properties and
references CloudFormation would give it. DeletionPolicy is decided for the parameters, as
CloudFormation decides it at deploy time (moto reads only a literal "Retain").
"""

from __future__ import annotations

import copy
import re
from typing import Any

from moto.cloudformation.parsing import NULL_MODELS, get_model_map

from tests.support.translated import StackView

# Types moto's CloudFormation knows but cannot create as this template declares them.
MOTO_CANNOT = {
    "AWS::ApiGateway::RestApi": "moto does not import an OpenAPI Body, so the API has no methods",
    "AWS::ApiGateway::Deployment": "moto refuses to deploy an API without methods (see RestApi)",
}


def moto_supported_types() -> set[str]:
    return set(get_model_map()) - set(NULL_MODELS) - set(MOTO_CANNOT)


def deployable(view: StackView) -> tuple[dict[str, Any], dict[str, str]]:
    """(the template moto can create, {logical id: type} of the resources stood in for)."""
    supported = moto_supported_types()
    created = dict(view.created())
    kept = {k for k, r in created.items() if r["Type"] in supported}
    stood_in = {k: r["Type"] for k, r in created.items() if k not in kept}
    template = copy.deepcopy(view.template)
    substitute = _Substitution(view, stood_in)
    template["Resources"] = {k: _decided(view, substitute(template["Resources"][k]), kept) for k in kept}
    template["Outputs"] = substitute(template.get("Outputs") or {})
    template.pop("Rules", None)  # checked by CloudFormation before anything is created; moto has none
    return template, stood_in


class _Substitution:
    """A node with every reference to a stood-in resource replaced by its made-up value."""

    def __init__(self, view: StackView, stood_in: dict[str, str]) -> None:
        self.view = view
        self.stood_in = stood_in

    def __call__(self, node: Any) -> Any:
        if isinstance(node, dict) and len(node) == 1:
            ((key, arg),) = node.items()
            target = arg if key == "Ref" else (arg[0] if key == "Fn::GetAtt" else None)
            if target in self.stood_in:
                return self.view.value(node)
            if key == "Fn::Sub":
                text, names = (arg, {}) if isinstance(arg, str) else (arg[0], self(arg[1]))
                return {"Fn::Sub": [_sub_stood_in(text, self.stood_in, self.view), names]}
        if isinstance(node, dict):
            return {key: self(value) for key, value in node.items()}
        if isinstance(node, list):
            return [self(value) for value in node]
        return node


def _decided(view: StackView, resource: dict[str, Any], kept: set[str]) -> dict[str, Any]:
    """Deletion policies decided for the parameters; dependencies only on what moto creates."""
    for policy in ("DeletionPolicy", "UpdateReplacePolicy"):
        if policy in resource:
            resource[policy] = view.value(resource[policy])
    depends = resource.pop("DependsOn", None)
    listed = [d for d in (depends if isinstance(depends, list) else [depends]) if d in kept]
    if listed:
        resource["DependsOn"] = listed
    return resource


_REFERENCE = re.compile(r"\$\{([A-Za-z0-9]+)(\.[A-Za-z0-9.]+)?\}")


def _sub_stood_in(text: str, stood_in: dict[str, str], view: StackView) -> str:
    def replace(match: re.Match[str]) -> str:
        logical_id, attribute = match.group(1), match.group(2)
        if logical_id not in stood_in:
            return match.group(0)
        node = {"Fn::GetAtt": [logical_id, attribute[1:]]} if attribute else {"Ref": logical_id}
        return str(view.value(node))

    return _REFERENCE.sub(replace, text)
