"""The deploy path, checked on what CloudFormation receives: template.yaml after the SAM
translator, evaluated for stacks with the longest names CloudFormation allows.

Every check walks the whole translated template (every function, queue, route and named
resource), so a function or queue added to template.yaml is checked without editing this file.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import pytest

from syndicate_dev import template as tpl
from tests.support.translated import LONGEST_STACK_NAME, VARIANTS, StackView, stack_name_of_length, translated


def views(variant: str) -> tuple[StackView, StackView]:
    """Two stacks of one account side by side, each with a 128-character name."""
    parameters = VARIANTS[variant]
    template = translated(parameters)
    values = {**tpl.parameter_defaults(template), **parameters}
    return (
        StackView(template, stack_name_of_length(LONGEST_STACK_NAME, "syndicate-prod"), values),
        StackView(template, stack_name_of_length(LONGEST_STACK_NAME, "syndicate-dev"), values),
    )


def resources_of(template: dict[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    return {k: r for k, r in template["Resources"].items() if r["Type"] == resource_type}


def ref_or_getatt(node: Any) -> str | None:
    """The logical id a Ref or GetAtt points at, or None."""
    if isinstance(node, dict) and "Ref" in node:
        return str(node["Ref"])
    if isinstance(node, dict) and "Fn::GetAtt" in node:
        target = node["Fn::GetAtt"]
        return str(target[0] if isinstance(target, list) else target.split(".")[0])
    return None


# -- one stage per API --------------------------------------------------------------------------


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_every_rest_api_has_exactly_the_stage_the_template_declares(variant):
    template = translated(VARIANTS[variant])

    implicit = [
        k for k, r in resources_of(template, "AWS::ApiGateway::Deployment").items() if "StageName" in r["Properties"]
    ]
    stages = Counter(
        ref_or_getatt(r["Properties"]["RestApiId"]) for r in resources_of(template, "AWS::ApiGateway::Stage").values()
    )

    assert implicit == [], (
        "a Deployment with StageName creates a second stage (SAM's 'Stage') without the real one's settings"
    )
    assert set(stages) == set(resources_of(template, "AWS::ApiGateway::RestApi"))
    assert all(count == 1 for count in stages.values()), stages


# -- names --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Name:
    path: tuple[str, ...]  # where the name is, under Properties
    limit: int  # the service's longest
    scope: tuple[str, ...] | None = None  # the property naming what it is unique within
    unique: bool = True  # False: a length-limited label, not an identifier


# Every resource type the template may create, with the properties that name it (documented
# limits). A type missing here fails the test: classify it (an empty tuple: nothing to name).
NAMES: dict[str, tuple[Name, ...]] = {
    "AWS::ApiGateway::ApiKey": (Name(("Name",), 1024, unique=False),),
    "AWS::ApiGateway::Deployment": (),
    "AWS::ApiGateway::RestApi": (Name(("Name",), 1024, unique=False),),
    "AWS::ApiGateway::Stage": (Name(("StageName",), 128, scope=("RestApiId",)),),
    "AWS::ApiGateway::UsagePlan": (Name(("UsagePlanName",), 1024, unique=False),),
    "AWS::ApiGateway::UsagePlanKey": (),
    "AWS::CloudFront::Distribution": (Name(("DistributionConfig", "Comment"), 128, unique=False),),
    "AWS::CloudFront::OriginAccessControl": (
        Name(("OriginAccessControlConfig", "Name"), 64),
        Name(("OriginAccessControlConfig", "Description"), 256, unique=False),
    ),
    "AWS::CloudFront::ResponseHeadersPolicy": (
        Name(("ResponseHeadersPolicyConfig", "Name"), 128),
        Name(("ResponseHeadersPolicyConfig", "Comment"), 128, unique=False),
    ),
    "AWS::CloudWatch::Alarm": (Name(("AlarmName",), 255),),
    "AWS::CloudWatch::Dashboard": (Name(("DashboardName",), 255),),
    "AWS::DynamoDB::Table": (Name(("TableName",), 255),),
    "AWS::Events::Rule": (Name(("Name",), 64),),
    "AWS::IAM::Policy": (Name(("PolicyName",), 128, scope=("Roles",)),),
    "AWS::IAM::Role": (Name(("RoleName",), 64),),
    "AWS::Lambda::EventInvokeConfig": (),
    "AWS::Lambda::EventSourceMapping": (),
    "AWS::Lambda::Function": (Name(("FunctionName",), 64),),
    "AWS::Lambda::LayerVersion": (Name(("LayerName",), 140),),
    "AWS::Lambda::Permission": (),
    "AWS::Lambda::Version": (),
    "AWS::Logs::LogGroup": (Name(("LogGroupName",), 512),),
    "AWS::Logs::MetricFilter": (Name(("FilterName",), 512, scope=("LogGroupName",)),),
    "AWS::S3::Bucket": (Name(("BucketName",), 63),),
    "AWS::S3::BucketPolicy": (),
    "AWS::SES::ConfigurationSet": (Name(("Name",), 64),),
    "AWS::SES::ConfigurationSetEventDestination": (
        Name(("EventDestination", "Name"), 64, scope=("ConfigurationSetName",)),
    ),
    "AWS::SNS::Subscription": (),
    "AWS::SNS::Topic": (Name(("TopicName",), 256),),
    "AWS::SNS::TopicPolicy": (),
    "AWS::SQS::Queue": (Name(("QueueName",), 80),),
    "AWS::SQS::QueuePolicy": (),
    "AWS::Scheduler::Schedule": (Name(("Name",), 64, scope=("GroupName",)),),
    "AWS::Scheduler::ScheduleGroup": (Name(("Name",), 64),),
    "AWS::SecretsManager::Secret": (Name(("Name",), 512),),
    "AWS::WAFv2::WebACL": (Name(("Name",), 128),),
    "AWS::WAFv2::WebACLAssociation": (),
}

# One per account and region by nature: a second stack must be able to leave them out.
ACCOUNT_WIDE = {
    "AWS::ApiGateway::Account": "the account's API Gateway settings (CloudWatch Logs role)",
    "AWS::SES::EmailIdentity": "a sending identity (an address or domain is verified once per region)",
}


def named(view: StackView, resource: dict[str, Any], name: Name) -> tuple[Any, Any] | None:
    props = resource.get("Properties") or {}
    node: Any = props
    for key in name.path:
        if not isinstance(node, dict) or key not in node:
            return None  # CloudFormation generates the name: unique, and within the limit
        node = node[key]
    scope = None
    if name.scope:
        scope = props
        for key in name.scope:
            scope = scope.get(key, "default") if isinstance(scope, dict) else scope
    return view.value(node), view.value(scope)


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_every_resource_type_is_classified_for_naming(variant):
    types = {r["Type"] for r in translated(VARIANTS[variant])["Resources"].values()}
    custom = {t for t in types if t.startswith("Custom::") or t == "AWS::CloudFormation::CustomResource"}

    assert types - custom - set(NAMES) - set(ACCOUNT_WIDE) == set(), "add these types to NAMES (or ACCOUNT_WIDE)"


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_every_named_resource_is_unique_per_stack_and_fits_its_limit_with_a_128_character_stack_name(variant):
    first, second = views(variant)
    problems = []
    others = dict(second.created())
    for logical_id, resource in first.created():
        for name in NAMES.get(resource["Type"], ()):
            found = named(first, resource, name)
            if found is None:
                continue
            value, scope = found
            if not isinstance(value, str):
                problems.append(f"{logical_id}: {'.'.join(name.path)} does not evaluate to a string: {value!r}")
                continue
            if len(value) > name.limit:
                problems.append(f"{logical_id}: {'.'.join(name.path)} is {len(value)} characters (limit {name.limit})")
            if name.unique and named(second, others[logical_id], name) == (value, scope):
                problems.append(f"{logical_id}: {'.'.join(name.path)} {value!r} is the same in a second stack")

    assert problems == []


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_account_wide_resources_are_optional(variant):
    template = translated(VARIANTS[variant])
    mandatory = [k for k, r in template["Resources"].items() if r["Type"] in ACCOUNT_WIDE and "Condition" not in r]

    assert mandatory == [], "a second stack (or an account that has one already) must be able to leave these out"


def test_a_stack_that_verified_its_sender_elsewhere_creates_no_identity_and_sets_no_account_logs_role():
    (view, _) = views("existing-identity")
    created = {resource["Type"] for _, resource in view.created()}

    assert not created & set(ACCOUNT_WIDE)


# -- concurrency ---------------------------------------------------------------------------------


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_no_function_reserves_concurrency(variant):
    """A new account's quota (10) leaves nothing to reserve: any reservation fails the deploy."""
    template = translated(VARIANTS[variant])
    reserving = [
        k
        for k, r in resources_of(template, "AWS::Lambda::Function").items()
        if "ReservedConcurrentExecutions" in r["Properties"]
    ]

    assert reserving == []


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_queue_consumers_limit_their_pollers_and_tolerate_throttling(variant):
    (view, _) = views(variant)
    template = view.template
    for logical_id, mapping in resources_of(template, "AWS::Lambda::EventSourceMapping").items():
        queue = ref_or_getatt(mapping["Properties"]["EventSourceArn"])
        if template["Resources"][queue]["Type"] != "AWS::SQS::Queue":
            continue
        maximum = view.value(mapping["Properties"].get("ScalingConfig", {}).get("MaximumConcurrency"))
        receives = view.value(template["Resources"][queue]["Properties"]["RedrivePolicy"]["maxReceiveCount"])

        assert maximum is None or 2 <= int(maximum) <= 1000, logical_id
        assert int(receives) >= 10, (
            f"{queue}: throttled batches come back; {receives} receives may dead-letter them unsent"
        )


def test_the_digest_sender_runs_at_most_sender_concurrency_instances():
    template = translated()
    (mapping,) = [
        r
        for r in resources_of(template, "AWS::Lambda::EventSourceMapping").values()
        if r["Properties"]["FunctionName"] == {"Ref": "SendDigestsFunction"}
    ]

    assert mapping["Properties"]["ScalingConfig"] == {"MaximumConcurrency": {"Ref": "SenderConcurrency"}}


# -- asynchronous sources and their dead letters ---------------------------------------------------

# Lambda functions invoked asynchronously by these services (their failures are lost unless
# the function has a dead-letter queue or an on-failure destination).
ASYNC_PRINCIPALS = {"events.amazonaws.com", "scheduler.amazonaws.com", "sns.amazonaws.com", "s3.amazonaws.com"}


def function_of(template: dict[str, Any], node: Any) -> str | None:
    target = ref_or_getatt(node)
    return target if target and template["Resources"].get(target, {}).get("Type") == "AWS::Lambda::Function" else None


def asynchronous_invocations(template: dict[str, Any]) -> dict[str, set[str]]:
    """Function logical id -> the resources that invoke it asynchronously."""
    found: dict[str, set[str]] = {}
    for logical_id, resource in template["Resources"].items():
        props = resource.get("Properties") or {}
        targets: list[Any] = []
        if resource["Type"] == "AWS::Scheduler::Schedule":
            targets = [props["Target"]["Arn"]]
        elif resource["Type"] == "AWS::Events::Rule":
            targets = [target["Arn"] for target in props.get("Targets") or []]
        elif resource["Type"] == "AWS::SNS::Subscription" and props.get("Protocol") == "lambda":
            targets = [props["Endpoint"]]
        elif resource["Type"] == "AWS::Lambda::Permission" and props.get("Principal") in ASYNC_PRINCIPALS:
            targets = [props["FunctionName"]]
        for target in targets:
            function = function_of(template, target)
            if function:
                found.setdefault(function, set()).add(logical_id)
    return found


def failure_queues(template: dict[str, Any], function: str) -> set[str]:
    """The queues a function's failed asynchronous invocations land in."""
    queues = set()
    dead_letter = template["Resources"][function]["Properties"].get("DeadLetterConfig") or {}
    if dead_letter.get("TargetArn"):
        queues.add(ref_or_getatt(dead_letter["TargetArn"]))
    for config in resources_of(template, "AWS::Lambda::EventInvokeConfig").values():
        if ref_or_getatt(config["Properties"]["FunctionName"]) == function:
            on_failure = (config["Properties"].get("DestinationConfig") or {}).get("OnFailure") or {}
            if on_failure.get("Destination"):
                queues.add(ref_or_getatt(on_failure["Destination"]))
    return {queue for queue in queues if queue}


def dead_letter_queues(template: dict[str, Any]) -> dict[str | None, set[str]]:
    """Every queue that takes failures -> what sends them there."""
    found: dict[str | None, set[str]] = {}
    for logical_id, resource in template["Resources"].items():
        props = resource.get("Properties") or {}
        if resource["Type"] == "AWS::SQS::Queue" and props.get("RedrivePolicy"):
            found.setdefault(ref_or_getatt(props["RedrivePolicy"]["deadLetterTargetArn"]), set()).add(logical_id)
        if resource["Type"] == "AWS::Scheduler::Schedule" and props["Target"].get("DeadLetterConfig"):
            found.setdefault(ref_or_getatt(props["Target"]["DeadLetterConfig"]["Arn"]), set()).add(logical_id)
        if resource["Type"] == "AWS::Events::Rule":
            for target in props.get("Targets") or []:
                if target.get("DeadLetterConfig"):
                    found.setdefault(ref_or_getatt(target["DeadLetterConfig"]["Arn"]), set()).add(logical_id)
        if resource["Type"] == "AWS::Lambda::Function":
            for queue in failure_queues(template, logical_id):
                found.setdefault(queue, set()).add(logical_id)
    return found


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_every_asynchronously_invoked_function_keeps_its_failures(variant):
    template = translated(VARIANTS[variant])
    custom_resource_providers = {
        function_of(template, r["Properties"]["ServiceToken"])
        for r in template["Resources"].values()
        if r["Type"].startswith("Custom::")
    }
    invoked = asynchronous_invocations(template)

    assert invoked, "the template has scheduled or event-driven functions"
    assert [f for f in invoked if f not in custom_resource_providers and not failure_queues(template, f)] == []


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_every_schedule_and_rule_target_has_a_dead_letter_queue(variant):
    template = translated(VARIANTS[variant])
    missing = [
        logical_id
        for logical_id, r in template["Resources"].items()
        if (r["Type"] == "AWS::Scheduler::Schedule" and not r["Properties"]["Target"].get("DeadLetterConfig"))
        or (
            r["Type"] == "AWS::Events::Rule"
            and not all(t.get("DeadLetterConfig") for t in r["Properties"].get("Targets") or [])
        )
    ]

    assert missing == []


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_every_queue_consumed_by_a_function_has_a_dead_letter_queue(variant):
    template = translated(VARIANTS[variant])
    for logical_id, mapping in resources_of(template, "AWS::Lambda::EventSourceMapping").items():
        queue = template["Resources"][ref_or_getatt(mapping["Properties"]["EventSourceArn"])]
        if queue["Type"] == "AWS::SQS::Queue":
            assert queue["Properties"].get("RedrivePolicy", {}).get("deadLetterTargetArn"), logical_id


def test_every_dead_letter_queue_is_an_output_for_the_operator():
    template = translated()
    outputs = {ref_or_getatt(output["Value"]) for output in template["Outputs"].values()}

    assert set(dead_letter_queues(template)) - outputs == set()


def test_each_dead_letter_queue_lets_in_only_the_rules_that_use_it():
    (view, _) = views("dev")
    template = view.template
    for queue, senders in dead_letter_queues(template).items():
        rules = {s for s in senders if template["Resources"][s]["Type"] == "AWS::Events::Rule"}
        if not rules:
            continue
        (policy,) = [
            p
            for p in resources_of(template, "AWS::SQS::QueuePolicy").values()
            if queue in {ref_or_getatt(q) for q in p["Properties"]["Queues"]}
        ]
        statements = view.value(policy["Properties"]["PolicyDocument"])["Statement"]
        from_events = [s for s in statements if s.get("Principal") == {"Service": "events.amazonaws.com"}]
        sources = {s["Condition"]["ArnEquals"]["aws:SourceArn"] for s in from_events}

        assert sources == {view.value({"Fn::GetAtt": [rule, "Arn"]}) for rule in rules}, queue


# -- routes, keys and logs -------------------------------------------------------------------------


def api_methods(template: dict[str, Any]) -> list[tuple[str, str, str, list[str]]]:
    """(api, path, method, security scheme names) of every method of every REST API body."""
    found = []
    for api, resource in resources_of(template, "AWS::ApiGateway::RestApi").items():
        for path, methods in resource["Properties"]["Body"]["paths"].items():
            for method, spec in methods.items():
                schemes = [name for requirement in spec.get("security") or [] for name in requirement]
                found.append((api, path, method, schemes))
    return found


def test_every_route_with_the_authorizer_is_throttled_per_publisher_and_no_public_route_needs_a_key():
    template = translated()
    wrong = []
    for api, path, method, schemes in api_methods(template):
        authorized = any(s not in ("api_key", "NONE") for s in schemes)
        if authorized != ("api_key" in schemes):
            wrong.append(f"{method.upper()} {path}: {'no usage-plan key' if authorized else 'a key nobody sends'}")
        body = template["Resources"][api]["Properties"]
        assert not authorized or body.get("ApiKeySourceType") == "AUTHORIZER", api

    assert wrong == []


def test_every_stage_with_keyed_routes_is_in_a_usage_plan():
    template = translated()
    keyed = {api for api, _, _, schemes in api_methods(template) if "api_key" in schemes}
    planned = {
        ref_or_getatt(stage["ApiId"])
        for plan in resources_of(template, "AWS::ApiGateway::UsagePlan").values()
        for stage in plan["Properties"]["ApiStages"]
    }

    assert keyed <= planned


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_every_stage_writes_access_logs_without_query_strings_or_headers(variant):
    (view, _) = views(variant)
    template = view.template
    for logical_id, stage in resources_of(template, "AWS::ApiGateway::Stage").items():
        setting = stage["Properties"].get("AccessLogSetting") or {}
        group = template["Resources"].get(ref_or_getatt(setting.get("DestinationArn")) or "", {})
        log_format = setting.get("Format", "")

        assert group.get("Type") == "AWS::Logs::LogGroup" and "RetentionInDays" in group["Properties"], logical_id
        assert "$context.requestId" in log_format
        assert not any(leak in log_format for leak in ("$input", "querystring", "header", "identity.apiKey")), (
            log_format
        )


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_a_stage_waits_for_the_account_logs_role_the_stack_sets(variant):
    (view, _) = views(variant)
    created = dict(view.created())
    accounts = [k for k, r in created.items() if r["Type"] == "AWS::ApiGateway::Account"]
    for logical_id, stage in resources_of(view.template, "AWS::ApiGateway::Stage").items():
        depends = stage.get("DependsOn") or []
        referenced = set(depends if isinstance(depends, list) else [depends]) | _references(
            view.value(stage["Properties"]), view
        )
        assert set(accounts) <= referenced, logical_id


def _references(node: Any, view: StackView) -> set[str]:
    """Logical ids whose made-up physical name appears in an evaluated node."""
    text = repr(node)
    return {logical_id for logical_id in view.template["Resources"] if view.resolver.names[logical_id] in text}


# -- the public routes' firewall -------------------------------------------------------------------


def _byte_matches(statement: dict[str, Any], path: str) -> bool:
    if "OrStatement" in statement:
        return any(_byte_matches(s, path) for s in statement["OrStatement"]["Statements"])
    match = statement["ByteMatchStatement"]
    assert match["FieldToMatch"] == {"UriPath": {}}
    needle, constraint = str(match["SearchString"]), match["PositionalConstraint"]
    return {
        "STARTS_WITH": path.lower().startswith(needle),
        "CONTAINS": needle in path.lower(),
        "EXACTLY": path.lower() == needle,
    }[constraint]


def test_every_public_route_is_rate_limited_per_ip_by_the_stages_web_acl():
    (view, _) = views("dev")
    created = dict(view.created())
    (acl,) = [r for r in created.values() if r["Type"] == "AWS::WAFv2::WebACL"]
    (association,) = [r for r in created.values() if r["Type"] == "AWS::WAFv2::WebACLAssociation"]
    rules = view.value(acl["Properties"]["Rules"])
    limits = [r["Statement"]["RateBasedStatement"] for r in rules if "RateBasedStatement" in r["Statement"]]
    stage = view.value({"Ref": "Stage"})
    public = [route for route in tpl.api_routes(tpl.load()) if not route.authorized]

    assert "/stages/" in view.value(association["Properties"]["ResourceArn"])
    assert public and all(limit["AggregateKeyType"] == "IP" for limit in limits)
    for route in public:
        path = route.path.replace("{", "").replace("}", "")
        for seen_as in (f"/{stage}{path}", path):
            assert any(_byte_matches(limit["ScopeDownStatement"], seen_as) for limit in limits), seen_as


def test_the_firewall_can_be_turned_off():
    (view, _) = views("custom-domain")  # PublicRouteFirewall: disabled

    assert not [k for k, r in view.created() if r["Type"].startswith("AWS::WAFv2::")]


# -- the site ---------------------------------------------------------------------------------------


def distribution(view: StackView) -> dict[str, Any]:
    (found,) = [r for _, r in view.created() if r["Type"] == "AWS::CloudFront::Distribution"]
    return view.value(found["Properties"]["DistributionConfig"])


def test_every_page_gets_the_security_headers():
    (view, _) = views("dev")
    config = distribution(view)
    behaviours = [config["DefaultCacheBehavior"], *config.get("CacheBehaviors", [])]
    policies = {
        view.resolver.names[k]: view.value(r["Properties"]["ResponseHeadersPolicyConfig"])
        for k, r in view.created()
        if r["Type"] == "AWS::CloudFront::ResponseHeadersPolicy"
    }
    for behaviour in behaviours:
        headers = policies[behaviour["ResponseHeadersPolicyId"]]["SecurityHeadersConfig"]
        csp = headers["ContentSecurityPolicy"]["ContentSecurityPolicy"]

        assert headers["StrictTransportSecurity"]["AccessControlMaxAgeSec"] >= 31536000
        assert headers["ContentTypeOptions"]["Override"] is True
        assert headers["ReferrerPolicy"]["ReferrerPolicy"] in ("no-referrer", "strict-origin-when-cross-origin")
        assert "default-src 'none'" in csp and "script-src" not in csp and "frame-ancestors 'none'" in csp


def test_cloudfront_writes_access_logs_to_the_stacks_log_bucket():
    (view, _) = views("dev")
    logging = distribution(view)["Logging"]
    (bucket,) = [
        k for k, r in view.created() if r["Type"] == "AWS::S3::Bucket" and view.resolver.names[k] in logging["Bucket"]
    ]
    ownership = view.template["Resources"][bucket]["Properties"]["OwnershipControls"]["Rules"][0]["ObjectOwnership"]

    assert ownership != "BucketOwnerEnforced", "CloudFront standard logging writes with ACLs"


def test_a_custom_domain_gets_its_certificate_tls_1_2_and_every_link():
    (view, _) = views("custom-domain")
    config = distribution(view)
    environments = [
        view.value(r["Properties"].get("Environment", {}).get("Variables", {}))
        for _, r in view.created()
        if r["Type"] == "AWS::Lambda::Function"
    ]

    assert config["Aliases"] == ["news.example.com"]
    assert config["ViewerCertificate"]["MinimumProtocolVersion"] == "TLSv1.2_2021"
    assert config["ViewerCertificate"]["SslSupportMethod"] == "sni-only"
    assert {env["SITE_URL"] for env in environments if "SITE_URL" in env} == {"https://news.example.com"}
    assert view.value(view.template["Outputs"]["FeedUrl"]["Value"]) == "https://news.example.com/feeds/rss.xml"


def test_without_a_custom_domain_the_site_is_the_cloudfront_domain():
    (view, _) = views("dev")
    config = distribution(view)

    assert "Aliases" not in config and config["ViewerCertificate"] == {"CloudFrontDefaultCertificate": True}


# -- teardown -------------------------------------------------------------------------------------

# What deleting a prod stack keeps: the data (articles, publishers, subscribers), and the SES
# identity (re-verifying a domain means DNS work). A dev stack keeps nothing of its data.
PROD_KEEPS = {"ArticlesTable", "PublishersTable", "SubscribersTable", "ArticleBucket", "SenderIdentity"}
# Kept whatever the stage: account settings outlive the stack (other APIs may rely on them).
ALWAYS_KEPT = {"ApiGatewayCloudWatchRole", "ApiGatewayAccount"}


def kept(view: StackView) -> set[str]:
    return {k for k, r in view.created() if view.value(r.get("DeletionPolicy", "Delete")) == "Retain"}


@pytest.mark.parametrize(
    ("variant", "expected"),
    [("dev", ALWAYS_KEPT), ("domain-identity", ALWAYS_KEPT), ("prod", PROD_KEEPS | ALWAYS_KEPT)],
)
def test_deleting_a_stack_keeps_exactly_what_its_stage_promises(variant, expected):
    (view, _) = views(variant)

    assert kept(view) == expected


@pytest.mark.parametrize("variant", ["dev", "prod"])
def test_every_bucket_the_stack_deletes_is_emptied_first(variant):
    (view, _) = views(variant)
    created = dict(view.created())
    deleted = {view.resolver.names[k] for k, r in created.items() if r["Type"] == "AWS::S3::Bucket"} - {
        view.resolver.names[k] for k in kept(view)
    }
    teardowns = [view.value(r["Properties"]) for r in created.values() if r["Type"].startswith("Custom::")]
    emptied = {bucket for props in teardowns for bucket in props.get("Buckets", [])}

    assert deleted and emptied == deleted


def test_the_teardown_keeps_its_log_group_until_it_has_run():
    """CloudFormation deletes a resource before what it depends on: the teardown runs (and logs)
    before its log group goes, so no log group is left behind, recreated by its last lines."""
    template = translated()
    (teardown,) = [r for r in template["Resources"].values() if r["Type"] == "Custom::BucketTeardown"]
    log_group = teardown.get("DependsOn")

    assert template["Resources"][log_group]["Type"] == "AWS::Logs::LogGroup"


def test_the_template_uses_no_language_extension_but_policies_that_depend_on_parameters():
    """What tests/support/translated.py emulates of AWS::LanguageExtensions; anything more needs
    the real transform (or SAM CLI's expansion, once it leaves Fn::Sub alone)."""
    text = (tpl.REPO / "template.yaml").read_text(encoding="utf-8")

    assert not [f for f in ("Fn::ForEach", "Fn::Length", "Fn::ToJsonString", "!Length", "!ToJsonString") if f in text]
    assert "AWS::LanguageExtensions" in tpl.load()["Transform"]
