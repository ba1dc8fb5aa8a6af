"""``syndicate doctor``: a deployed stack checked the way an operator would before the first send.

``gather`` reads what AWS says (the stack's outputs and parameters, SES's account, identities,
configuration set and event destinations, the alarm topic's subscriptions, the dead-letter
queues' depths); ``diagnose`` turns those answers, as plain values, into findings: each one
``ok``, ``warn`` (works, but not as it should) or ``fix`` (mail will not go, or not well), with
what to do. Nothing is changed.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from syndicate.adapters.clients import client

OK, WARN, FIX = "ok", "warn", "fix"
# What one sender manages in sequence (a ledger write and an SES call per recipient): README, sizing.
SENDER_MESSAGES_PER_SECOND = 20
EVENTBRIDGE_BUS = ":event-bus/default"


@dataclass(frozen=True)
class Finding:
    level: str
    subject: str
    text: str


@dataclass
class Facts:
    """What AWS answered; a request that failed leaves its error code in ``errors``."""

    stack: str
    outputs: dict[str, str] = field(default_factory=dict)
    parameters: dict[str, str] = field(default_factory=dict)
    account: dict[str, Any] | None = None
    domain_identity: dict[str, Any] | None = None
    address_identity: dict[str, Any] | None = None
    configuration_set: dict[str, Any] | None = None
    event_destinations: list[dict[str, Any]] | None = None
    alarm_subscriptions: list[dict[str, Any]] | None = None
    dead_letters: dict[str, int] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def sender(self) -> str:
        return self.parameters.get("SenderEmail", "")


# -- gathering -----------------------------------------------------------------------------------


def _ask(facts: Facts, what: str, call: Callable[[], Any], *, missing: str = "NotFoundException") -> Any:
    """``call()``'s answer; None (and the error code in ``facts.errors``, unless it just says "not found")."""
    try:
        return call()
    except ClientError as error:
        code = str(error.response.get("Error", {}).get("Code") or "ClientError")
        if code != missing:
            facts.errors[what] = code
    except BotoCoreError as error:
        facts.errors[what] = type(error).__name__
    return None


def gather(stack_name: str) -> Facts:
    facts = Facts(stack_name)
    stack = client("cloudformation").describe_stacks(StackName=stack_name)["Stacks"][0]
    facts.outputs = {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
    facts.parameters = {p["ParameterKey"]: p.get("ParameterValue", "") for p in stack.get("Parameters", [])}
    sesv2 = client("sesv2")
    facts.account = _ask(facts, "account", sesv2.get_account)
    domain = facts.sender.rpartition("@")[2]
    if domain:
        facts.domain_identity = _ask(facts, "domain", lambda: sesv2.get_email_identity(EmailIdentity=domain))
        facts.address_identity = _ask(facts, "address", lambda: sesv2.get_email_identity(EmailIdentity=facts.sender))
    name = facts.outputs.get("SesConfigurationSetName")
    if name:
        facts.configuration_set = _ask(facts, "set", lambda: sesv2.get_configuration_set(ConfigurationSetName=name))
        found = _ask(facts, "events", lambda: sesv2.get_configuration_set_event_destinations(ConfigurationSetName=name))
        facts.event_destinations = found.get("EventDestinations", []) if found else None
    topic = facts.outputs.get("AlarmTopic")
    if topic:
        found = _ask(facts, "alarms", lambda: client("sns").list_subscriptions_by_topic(TopicArn=topic))
        facts.alarm_subscriptions = found.get("Subscriptions", []) if found else None
    for key, url in facts.outputs.items():
        if key.endswith("DeadLetterQueueUrl"):
            answer = _ask(
                facts,
                key,
                lambda url=url: client("sqs").get_queue_attributes(  # type: ignore[misc]
                    QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"]
                ),
            )
            if answer:
                facts.dead_letters[key] = int(answer["Attributes"].get("ApproximateNumberOfMessages", 0))
    return facts


# -- diagnosing ----------------------------------------------------------------------------------


def _verified(identity: dict[str, Any]) -> bool:
    status = identity.get("VerificationStatus")
    return status == "SUCCESS" if status else bool(identity.get("VerifiedForSendingStatus"))


def identity_findings(facts: Facts) -> list[Finding]:
    sender, domain = facts.sender, facts.sender.rpartition("@")[2]
    if not sender:
        return [Finding(FIX, "identity", "the stack has no SenderEmail parameter; is it a Syndicate stack?")]
    identity = facts.domain_identity
    if identity is None:
        address = facts.address_identity
        if address is None or not _verified(address):
            return [
                Finding(
                    FIX,
                    "identity",
                    f"SES has not verified {sender}: verify its domain {domain} (Easy DKIM), "
                    "or click the link SES mailed to the address",
                )
            ]
        return [
            Finding(
                WARN,
                "identity",
                f"only the address {sender} is verified, not {domain}: mail is DKIM-signed "
                f"for amazonses.com and fails DMARC alignment; create the domain identity {domain} with Easy "
                "DKIM and publish its records",
            )
        ]
    found = (
        [Finding(OK, "identity", f"domain {domain} is verified for sending")]
        if _verified(identity)
        else [
            Finding(
                FIX,
                "identity",
                f"domain {domain} is not verified ({identity.get('VerificationStatus')}): publish "
                f"the DNS records `aws sesv2 get-email-identity --email-identity {domain}` lists",
            )
        ]
    )
    return [*found, _dkim_finding(domain, identity.get("DkimAttributes") or {})]


def _dkim_finding(domain: str, dkim: dict[str, Any]) -> Finding:
    status = dkim.get("Status", "NOT_STARTED")
    if status == "SUCCESS" and dkim.get("SigningEnabled", True):
        return Finding(OK, "dkim", f"DKIM verified and signing for {domain}")
    tokens = dkim.get("Tokens") or []
    records = "; ".join(f"{t}._domainkey.{domain} CNAME {t}.dkim.amazonses.com" for t in tokens)
    return Finding(FIX, "dkim", f"DKIM for {domain} is {status}: publish " + (records or "the CNAME records SES lists"))


def mail_from_findings(facts: Facts) -> list[Finding]:
    identity = facts.domain_identity
    if identity is None:
        return []
    attributes = identity.get("MailFromAttributes") or {}
    mail_from = attributes.get("MailFromDomain")
    if not mail_from:
        return [
            Finding(
                WARN,
                "mail-from",
                "no custom MAIL FROM domain: SPF passes for amazonses.com, not for your "
                "domain, so DMARC rests on DKIM alone; set one (e.g. bounce.<your domain>)",
            )
        ]
    status = attributes.get("MailFromDomainStatus", "PENDING")
    if status == "SUCCESS":
        return [Finding(OK, "mail-from", f"MAIL FROM {mail_from} verified: SPF aligns with your domain")]
    return [
        Finding(
            FIX,
            "mail-from",
            f"MAIL FROM {mail_from} is {status}: publish `{mail_from} MX 10 "
            f'feedback-smtp.<region>.amazonses.com` and `{mail_from} TXT "v=spf1 include:amazonses.com ~all"`',
        )
    ]


def account_findings(facts: Facts) -> list[Finding]:
    account = facts.account
    if account is None:
        code = facts.errors.get("account", "no answer")
        return [
            Finding(
                FIX, "account", f"cannot read the SES account (GetAccount: {code}); the caller needs ses:GetAccount"
            )
        ]
    found: list[Finding] = []
    if not account.get("ProductionAccessEnabled"):
        found.append(
            Finding(
                FIX,
                "sandbox",
                "the account is in the SES sandbox: it mails only verified addresses, "
                "200 a day; request production access (SES console, Account dashboard)",
            )
        )
    else:
        found.append(Finding(OK, "sandbox", "production access: mail goes to any address"))
    if not account.get("SendingEnabled", False):
        found.append(Finding(FIX, "sending", "SES has disabled sending for the account (PutAccountSendingAttributes)"))
    status = account.get("EnforcementStatus", "HEALTHY")
    if status != "HEALTHY":
        found.append(
            Finding(
                FIX,
                "reputation",
                f"SES enforcement status is {status}: see the SES reputation page "
                "before sending; digests pause while it is not HEALTHY until resumed",
            )
        )
    return found + _quota_findings(facts, account.get("SendQuota") or {})


def _quota_findings(facts: Facts, quota: dict[str, Any]) -> list[Finding]:
    rate, day, sent = (float(quota.get(key) or 0) for key in ("MaxSendRate", "Max24HourSend", "SentLast24Hours"))
    found = [
        Finding(OK, "quota", f"send quota: {rate:g} a second, {day:,.0f} a day, {sent:,.0f} sent in the last 24 h")
    ]
    if day and sent >= 0.8 * day:
        found.append(Finding(WARN, "quota", f"{sent / day:.0%} of the 24-hour quota is used: ask SES for more"))
    concurrency = int(facts.parameters.get("SenderConcurrency") or 0)
    if concurrency and rate / concurrency > SENDER_MESSAGES_PER_SECOND:
        needed = math.ceil(rate / SENDER_MESSAGES_PER_SECOND)
        found.append(
            Finding(
                WARN,
                "pacing",
                f"SenderConcurrency {concurrency} gives each sender {rate / concurrency:g} "
                f"a second, more than one manages (~{SENDER_MESSAGES_PER_SECOND}): set it to {needed} "
                "to use the whole rate",
            )
        )
    return found


def configuration_set_findings(facts: Facts) -> list[Finding]:
    name = facts.outputs.get("SesConfigurationSetName")
    if not name or facts.configuration_set is None:
        return [Finding(FIX, "configuration-set", f"configuration set {name or '(no output)'} not found: redeploy")]
    found = []
    if not (facts.configuration_set.get("SendingOptions") or {}).get("SendingEnabled", True):
        found.append(Finding(FIX, "configuration-set", f"sending is disabled on configuration set {name}"))
    destinations = facts.event_destinations or []
    feedback = [
        d for d in destinations if d.get("Enabled") and {"BOUNCE", "COMPLAINT"} <= set(d.get("MatchingEventTypes", []))
    ]
    routed = [
        d
        for d in feedback
        if str((d.get("EventBridgeDestination") or {}).get("EventBusArn", "")).endswith(EVENTBRIDGE_BUS)
    ]
    if routed:
        found.append(
            Finding(OK, "feedback", f"bounces and complaints of {name} go to EventBridge (RecordMailFeedbackFunction)")
        )
    else:
        found.append(
            Finding(
                FIX,
                "feedback",
                f"no enabled event destination sends {name}'s bounces and complaints to "
                "the default EventBridge bus: nothing is suppressed and the reputation guard is blind; redeploy",
            )
        )
    return found


def alarm_findings(facts: Facts) -> list[Finding]:
    if "AlarmTopic" not in facts.outputs:
        return []
    subscriptions = facts.alarm_subscriptions or []
    confirmed = [s for s in subscriptions if s.get("SubscriptionArn", "").startswith("arn:")]
    if confirmed:
        return [Finding(OK, "alarms", f"{len(confirmed)} confirmed subscription(s) to the alarm topic")]
    if subscriptions:
        who = ", ".join(str(s.get("Endpoint")) for s in subscriptions)
        return [Finding(FIX, "alarms", f"the alarm subscription of {who} is not confirmed: open the email AWS sent")]
    return [Finding(FIX, "alarms", "no one receives alarms: deploy with the AlarmEmail parameter, then confirm")]


def dead_letter_findings(facts: Facts) -> list[Finding]:
    return [
        Finding(WARN, "dead-letters", f"{depth} message(s) wait in {key.removesuffix('Url')}: see docs/operations.md")
        for key, depth in sorted(facts.dead_letters.items())
        if depth
    ]


def diagnose(facts: Facts) -> list[Finding]:
    checks = (
        identity_findings,
        mail_from_findings,
        account_findings,
        configuration_set_findings,
        alarm_findings,
        dead_letter_findings,
    )
    return [finding for check in checks for finding in check(facts)]
