"""Each function's role grants the AWS calls its code makes, and little else.

How the calls are known: by running the code. A tour drives every function of template.yaml
through its handler on moto (the publisher API and its authorizer, sign-up and the links in
the emails, a feed render before and after a retraction, a daily digest through the template's
SQS event sources with SES throttling one send and refusing the next, a bounce, the teardown of a deleted stack),
and a botocore hook records every call with the function that made it: its parameters name the
exact table, index, key, queue, secret, sender and configuration set. Reading the adapters
instead would give the operations but not the resources, would have to know what Powertools
calls (idempotency, parameters) on our behalf, and could not see which composition root builds
which adapter without re-implementing it. Paths the tour does not reach are the price: a grant
the tour never uses must be explained in ``UNUSED_GRANTS`` below, or the test fails.

Each call becomes the IAM requests AWS makes for it (``tests/support/iam.py``), and the
function's role in the translated template (resolved with the tour's physical names) must allow
every one of them.
"""

from __future__ import annotations

import copy
import json
import os
import time
from collections import defaultdict
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

import boto3
import botocore.client
import pytest
import requests
from aws_lambda_powertools.utilities import parameters
from moto import mock_aws

from syndicate import dependencies
from syndicate.adapters.publishers import PublisherStore
from syndicate.clock import system_clock
from syndicate.publishers.keys import PublisherDirectory
from syndicate_dev import moto_gaps
from syndicate_dev import template as tpl
from syndicate_dev.local.queues import QueueDelivery
from syndicate_dev.local.runtime import FunctionFailed
from tests.support import events
from tests.support.clock import FakeClock, FakeTimer
from tests.support.digests import MailingWorld, SenderContext, SesFaults
from tests.support.functions import Functions
from tests.support.iam import Arns, Authorisation, AwsCall, PolicySet, Statement, authorisations, statements_of
from tests.support.images import image_bytes, sha256
from tests.support.lambda_context import FakeLambdaContext
from tests.support.mail import Outbox
from tests.support.stack import build_stack
from tests.support.translated import ACCOUNT, REGION, StackView, translated

SAMPLE_API_ID = "abc123defg"  # the recorded API Gateway samples' API id

# Grants the tour cannot reach, each with the reason it is needed: (function, action, Sid).
UNUSED_GRANTS = {
    ("SendDigestsFunction", "dynamodb:UpdateItem", "DeliveryLedger"): (
        "marks a claim rejected when SES refuses that one recipient; every send of the tour is accepted"
    ),
    ("ArticlesApiFunction", "dynamodb:GetItem", "IdempotencyRecords"): (
        "Powertools idempotency reads a record back when its conditional put fails without returning it"
    ),
    ("ArticlesApiFunction", "dynamodb:DeleteItem", "IdempotencyRecords"): (
        "Powertools idempotency deletes its in-progress record when the handler raises"
    ),
    ("ArticlesApiFunction", "s3:DeleteObjectVersion", "ArticleBodies"): (
        "a write whose metadata lost its condition forgets the body version it put (best effort)"
    ),
    ("ArticlesApiFunction", "s3:PutObject", "ImageUploadForms"): (
        "signs the presigned upload forms (no AWS call): S3 checks that the signer may put the object when the "
        "publisher uploads"
    ),
    ("RenderFeedsFunction", "s3:ListBucket", "ListSite"): (
        "S3 answers a missing render state 404 (not 403) only to a caller that may list the bucket"
    ),
}

# Actions IAM authorises on no resource type, whose statements can only name "*".
NO_RESOURCE_TYPE = {
    "ses:GetAccount": "the Service Authorization Reference lists no resource type for it",
}

_running: ContextVar[str | None] = ContextVar("running", default=None)


@dataclass
class Tour:
    calls: list[AwsCall] = field(default_factory=list)
    policies: dict[str, PolicySet] = field(default_factory=dict)
    own_statements: dict[str, list[Statement]] = field(default_factory=dict)


class TouringFunctions(Functions):
    """Functions whose AWS calls are recorded as theirs; failures raise as Lambda reports them."""

    region = REGION

    last: str | None = None

    def invoke(self, function: str, event: dict[str, Any], context: Any = None) -> Any:
        if function != self.last:  # another function: another container, with nothing cached
            parameters.clear_caches()
            self.last = function
        token = _running.set(function)
        try:
            return super().invoke(function, event, context)
        finally:
            _running.reset(token)


class _QueueRuntime:
    """What QueueDelivery needs from a runtime: invoke, failing as FunctionFailed."""

    region = REGION

    def __init__(self, functions: TouringFunctions) -> None:
        self.functions = functions

    def invoke(self, function: str, event: dict[str, Any]) -> Any:
        context = SenderContext() if function == "SendDigestsFunction" else FakeLambdaContext()
        try:
            return self.functions.invoke(function, event, context)
        except Exception as error:
            raise FunctionFailed(function, error) from error


def _record_calls(monkeypatch: pytest.MonkeyPatch, calls: list[AwsCall]) -> None:
    original = botocore.client.BaseClient._make_api_call  # type: ignore[attr-defined]  # private, stable since 2015

    def recording(client: Any, operation: str, params: dict[str, Any]) -> Any:
        function = _running.get()
        if function is not None:
            calls.append(AwsCall(function, client.meta.service_model.service_name, operation, copy.deepcopy(params)))
        return original(client, operation, params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", recording)


# -- the tour -----------------------------------------------------------------------------------


def _publishers_and_articles(functions: TouringFunctions, world: MailingWorld, stack: Any) -> None:
    directory = PublisherDirectory(PublisherStore(stack.name("PublishersTable")), system_clock)
    key = directory.create("Tour Desk").api_key
    event = events.load("api/authorizer-request.json")
    event["headers"]["Authorization"] = f"Bearer {key}"
    functions.invoke("PublisherAuthorizerFunction", event)

    article = world.publish()
    replay = {"Idempotency-Key": "tour-1"}
    for _ in range(2):
        world.publisher("POST", "/articles", body=events.article("ocean-heatwave-explainer"), headers=replay)
    world.publisher("PUT", "/articles/tour-article", body=events.article("photo-of-the-day"))
    world.publisher("PUT", "/articles/tour-article", body={**events.article("photo-of-the-day"), "title": "Replaced"})
    world.publisher("GET", f"/articles/{article['id']}")
    world.publisher("GET", "/articles", query={"limit": "5"})
    world.publisher("GET", "/articles", query={"publisher": "me"})
    functions.invoke("RenderFeedsFunction", events.load("schedules/render-feeds.json"))
    world.publisher("DELETE", "/articles/tour-article")
    functions.invoke("RenderFeedsFunction", events.load("schedules/render-feeds.json"))


def _hosted_images(world: MailingWorld, delivery: QueueDelivery) -> None:
    photo = image_bytes("image/jpeg", 80, 60)
    answer = world.publisher(
        "POST", "/assets", body={"type": "image/jpeg", "length": len(photo), "sha256": sha256(photo)}
    )
    form = answer.json["upload"]
    requests.post(form["url"], data=form["fields"], files={"file": ("photo.jpg", photo)}, timeout=10)
    assert delivery.drain(timeout=60)
    state = world.publisher("GET", f"/assets/{sha256(photo)}").json
    assert state["state"] == "verified", state
    image = {"url": state["url"], "alt": "A hosted photo"}
    world.publisher("PUT", "/articles/tour-photo", body={**events.article("photo-of-the-day"), "image": image})


def _readers(world: MailingWorld, clock: FakeClock) -> None:
    clock.set("2025-12-17T06:00:00Z")
    world.api("GET", "/subscriptions/new")  # the hosted form lists the categories to choose from
    world.subscribed("reader@example.com")
    world.subscribed("leaving@example.com")
    token = world.token_for("reader@example.com", "preferences")
    world.api("GET", "/subscriptions/preferences", query={"token": token})
    form = "cadence=daily&categories=climate"
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    world.api("POST", "/subscriptions/preferences", query={"token": token}, raw_body=form, headers=headers)
    leaving = world.token_for("leaving@example.com", "unsubscribe")
    world.api("GET", "/subscriptions/unsubscribe", query={"token": leaving})
    world.api(
        "POST",
        "/subscriptions/unsubscribe",
        query={"token": leaving},
        raw_body="List-Unsubscribe=One-Click",
        headers=headers,
    )


def _digest(world: MailingWorld, clock: FakeClock, delivery: QueueDelivery, monkeypatch: pytest.MonkeyPatch) -> None:
    clock.set("2025-12-17T10:00:00Z")
    world.publish(events.article("ocean-heatwave-explainer"))
    world.run_schedule("daily", at="2025-12-18T07:00:00Z")
    # The first send is throttled twice (the sender slows down), then SES refuses the account once
    # (the claim is released and the batch retried).
    refused = ("AccessDeniedException", "User is not authorized to perform ses:SendEmail", 400)
    SesFaults(throttle={1, 2}, refuse={3: refused}).install(monkeypatch)
    assert delivery.drain(timeout=60)
    world.ses_event("bounce", "reader@example.com")


def _teardown(functions: TouringFunctions, view: StackView, monkeypatch: pytest.MonkeyPatch) -> None:
    from moto.cloudformation.models import cloudformation_backends

    cloudformation = boto3.client("cloudformation", region_name=REGION)
    stack_id = cloudformation.create_stack(
        StackName="syndicate-tour",
        TemplateBody=json.dumps({"Resources": {"Marker": {"Type": "AWS::SQS::Queue"}}}),
    )["StackId"]
    cloudformation_backends[ACCOUNT][REGION].stacks[stack_id].status = "DELETE_IN_PROGRESS"
    view.resolver.pseudo["AWS::StackId"] = stack_id
    monkeypatch.setattr("syndicate.adapters.cloudformation.urllib.request.urlopen", _AcceptedResponse)
    properties = view.value(view.template["Resources"]["BucketTeardown"]["Properties"])
    event = {
        "RequestType": "Delete",
        "ResponseURL": "https://cloudformation-custom-resource-response.example/tour",
        "StackId": stack_id,
        "RequestId": "tour",
        "LogicalResourceId": "BucketTeardown",
        "PhysicalResourceId": "bucket-teardown",
        "ResourceType": "Custom::BucketTeardown",
        "ResourceProperties": properties,
    }
    answer = functions.invoke("BucketTeardownFunction", event)
    assert answer["Status"] == "SUCCESS", answer


class _AcceptedResponse:
    def __init__(self, request: Any, timeout: float) -> None:
        self.request = request

    def __enter__(self) -> _AcceptedResponse:
        return self

    def __exit__(self, *exc: Any) -> None:
        pass

    def read(self) -> bytes:
        return b""


def _policies(view: StackView, template: dict[str, Any], tour: Tour) -> None:
    for logical_id, resource in template["Resources"].items():
        if resource["Type"] != "AWS::Lambda::Function":
            continue
        role = template["Resources"][resource["Properties"]["Role"]["Fn::GetAtt"][0]]
        everything, own = [], []
        for policy in view.value(role["Properties"].get("Policies") or []):
            statements = list(statements_of(f"{logical_id} / {policy['PolicyName']}", policy["PolicyDocument"]))
            everything.extend(statements)
            if policy["PolicyName"].startswith(f"{logical_id}RolePolicy"):  # template.yaml's Policies
                own.extend(statements)
        tour.policies[logical_id] = PolicySet(everything)
        tour.own_statements[logical_id] = own


@pytest.fixture(scope="module")
def tour() -> Tour:
    result = Tour()
    with pytest.MonkeyPatch.context() as monkeypatch, mock_aws():
        for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}.items():
            monkeypatch.setitem(os.environ, name, value)
        clock, timer = FakeClock(), FakeTimer()
        dependencies.use_clock(clock)
        dependencies.use_sleep(lambda seconds: None)
        dependencies.use_pacing(timer, timer.sleep)
        moto_gaps.ses.reset()
        moto_gaps.ses.install()  # GetAccount, which moto lacks
        try:
            stack = build_stack(prefix=f"tour{int(time.time()) % 10000}")
            stack.resolver.names["PublicApi"] = SAMPLE_API_ID
            functions = TouringFunctions(stack, monkeypatch)
            world = MailingWorld(functions, stack, Outbox())
            template = translated()
            view = StackView(template, "syndicate-tour", stack.resolver.parameters)
            view.resolver.names.update(stack.resolver.names)
            view.resolver.attributes.update(stack.resolver.attributes)
            runtime: Any = _QueueRuntime(functions)  # stands in for the local stack's FunctionRuntime
            delivery = QueueDelivery(stack.template, stack.resolver, runtime, boto3.client("sqs"), retry_delay=0)
            _record_calls(monkeypatch, result.calls)
            _publishers_and_articles(functions, world, stack)
            _hosted_images(world, delivery)
            _readers(world, clock)
            _digest(world, clock, delivery, monkeypatch)
            _teardown(functions, view, monkeypatch)
            _policies(view, template, result)
        finally:
            moto_gaps.ses.uninstall()
            dependencies.use_clock(system_clock)
            dependencies.use_sleep(time.sleep)
            dependencies.use_pacing(time.monotonic, time.sleep)
            dependencies.forget()
    return result


# -- the checks ---------------------------------------------------------------------------------


def test_the_tour_runs_every_function_of_the_template(tour):
    functions = set(tpl.functions(tpl.load()))

    assert functions - {call.function for call in tour.calls} == set(), "add a step to the tour for these"


def test_every_call_a_function_makes_is_allowed_by_its_role(tour):
    arns = Arns(REGION, ACCOUNT)
    refused = sorted(
        {
            f"{call.function}: {request.action} on {request.resource} {dict(request.context) or ''}".rstrip()
            for call in tour.calls
            for request in authorisations(call, arns)
            if tour.policies[call.function].allows(request) is None
        }
    )

    assert refused == []


def test_every_grant_of_a_function_is_used_by_the_tour_or_explained(tour):
    arns = Arns(REGION, ACCOUNT)
    used: dict[str, list[Authorisation]] = defaultdict(list)
    for call in tour.calls:
        used[call.function].extend(authorisations(call, arns))
    unused = []
    for function, statements in tour.own_statements.items():
        for statement in statements:
            sid = statement.source.rsplit(" / ", 1)[-1]
            for action in statement.actions:
                single = Statement(statement.source, "Allow", (action,), statement.resources, statement.conditions)
                explained = (function, action, sid) in UNUSED_GRANTS
                if not explained and not any(single.applies_to(request) for request in used[function]):
                    unused.append(f"{function}: {action} ({sid})")

    assert unused == [], "grant less, or explain the grant in UNUSED_GRANTS: " + "; ".join(unused)


def test_no_statement_of_a_function_grants_every_action_or_every_resource(tour):
    broad = [
        statement.source
        for statements in tour.own_statements.values()
        for statement in statements
        if any(a == "*" or a.endswith(":*") for a in statement.actions)
        or ("*" in statement.resources and not set(statement.actions) <= set(NO_RESOURCE_TYPE))
    ]

    assert broad == []


def test_mail_is_sent_only_from_the_configured_sender(tour):
    """The SES grants hold for SenderEmail (address or domain identity), and for nobody else."""
    arns = Arns(REGION, ACCOUNT)
    sends = [call for call in tour.calls if call.service == "sesv2" and call.operation == "SendEmail"]
    assert sends, "the tour sent no mail"
    for call in sends:
        forged = AwsCall(
            call.function, call.service, call.operation, {**call.params, "FromEmailAddress": "ceo@example.org"}
        )
        assert all(tour.policies[call.function].allows(request) is None for request in authorisations(forged, arns))


def test_the_digest_functions_write_only_delivery_records_of_the_subscribers_table(tour):
    """Their UpdateItem and BatchWriteItem grants hold for the reputation, edition and batch
    records (dynamodb:LeadingKeys), not for a subscriber's profile."""
    arns = Arns(REGION, ACCOUNT)
    writes = [
        call
        for call in tour.calls
        if call.function in ("ScheduleDigestsFunction", "SendDigestsFunction")
        and call.operation == "UpdateItem"
        and call.params["TableName"].endswith("SubscribersTable")
    ]
    assert writes, "the tour recorded no delivery record"
    for call in writes:
        forged = AwsCall(
            call.function, call.service, call.operation, {**call.params, "Key": {"pk": {"S": "SUBSCRIBER#sub_x"}}}
        )
        assert all(tour.policies[call.function].allows(request) is None for request in authorisations(forged, arns))
