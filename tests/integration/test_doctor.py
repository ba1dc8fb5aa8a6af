"""`syndicate doctor --stack NAME` on moto: what an operator must fix before the first send."""

from __future__ import annotations

import pytest

from syndicate.adapters.clients import client
from syndicate_dev import doctor, moto_gaps


@pytest.fixture
def operator(world, functions):
    functions.activate("SendDigestsFunction")  # any environment: the command reads only the stack
    return world


def findings(world) -> tuple[int, dict[str, list[str]]]:
    status, printed = world.syndicate("doctor")
    found: dict[str, list[str]] = {}
    for line in printed.splitlines()[1:-1]:
        level, subject = line.split()[:2]
        found.setdefault(subject, []).append(level)
    return status, found


def test_a_new_stack_on_moto_is_told_what_to_fix(operator):
    client("sesv2").create_email_identity(EmailIdentity="syndicate.example")  # the sender's domain

    status, found = findings(operator)

    assert status == 1
    assert found["sandbox"] == ["ok"] and found["feedback"] == ["ok"] and found["quota"] == ["ok"]
    # moto verifies identities on creation but never starts DKIM: that is what is left to do.
    assert found["identity"] == ["ok"] and found["dkim"] == ["FIX"] and found["mail-from"] == ["warn"]


def test_a_sender_address_without_its_domain_verified_is_warned_about_dmarc(operator):
    _, found = findings(operator)

    assert found["identity"] == ["warn"] and "dkim" not in found


def test_the_sandbox_an_account_under_review_and_a_missing_event_destination_are_each_named(operator):
    moto_gaps.ses.model.production_access = False
    moto_gaps.ses.model.enforcement_status = "PROBATION"
    moto_gaps.ses.model.event_destinations.clear()

    status, printed = operator.syndicate("doctor")

    assert status == 1
    assert "the account is in the SES sandbox" in printed
    assert "SES enforcement status is PROBATION" in printed
    assert "no enabled event destination" in printed


def test_a_rate_no_number_of_senders_can_reach_is_reported_with_the_concurrency_it_needs(operator):
    moto_gaps.ses.model.max_send_rate = 500.0  # the stack's SenderConcurrency is 2

    _, printed = operator.syndicate("doctor")

    assert "SenderConcurrency 2 gives each sender 250 a second" in printed and "set it to 25" in printed


def test_dead_lettered_batches_are_reported(operator):
    client("sqs").send_message(QueueUrl=operator.stack.name("DigestDeadLetterQueue"), MessageBody="{}")

    _, printed = operator.syndicate("doctor")

    assert "1 message(s) wait in DigestDeadLetterQueue" in printed


# -- the diagnosis of what moto cannot play: SES's answers for a finished setup, SNS's pending ------

VERIFIED_DOMAIN = {
    "IdentityType": "DOMAIN",
    "VerificationStatus": "SUCCESS",
    "VerifiedForSendingStatus": True,
    "DkimAttributes": {"SigningEnabled": True, "Status": "SUCCESS", "Tokens": ["t1", "t2", "t3"]},
    "MailFromAttributes": {"MailFromDomain": "bounce.syndicate.example", "MailFromDomainStatus": "SUCCESS"},
}


def facts(**changes) -> doctor.Facts:
    found = doctor.Facts(
        "prod",
        outputs={"SesConfigurationSetName": "set", "AlarmTopic": "arn:aws:sns:us-east-1:1:alarms"},
        parameters={"SenderEmail": "digest@syndicate.example", "SenderConcurrency": "5"},
        account=moto_gaps.SesAccountModel(max_send_rate=100).account(),
        domain_identity=VERIFIED_DOMAIN,
        configuration_set={"SendingOptions": {"SendingEnabled": True}},
        event_destinations=[
            {
                "Name": "feedback",
                "Enabled": True,
                "MatchingEventTypes": ["BOUNCE", "COMPLAINT"],
                "EventBridgeDestination": {"EventBusArn": "arn:aws:events:us-east-1:1:event-bus/default"},
            }
        ],
        alarm_subscriptions=[{"SubscriptionArn": "arn:aws:sns:us-east-1:1:alarms:abc", "Endpoint": "ops@example.com"}],
    )
    for name, value in changes.items():
        setattr(found, name, value)
    return found


def levels(found: doctor.Facts) -> dict[str, str]:
    return {finding.subject: finding.level for finding in doctor.diagnose(found)}


def test_a_stack_ready_to_send_has_nothing_to_fix(aws):
    assert set(levels(facts()).values()) == {doctor.OK}


def test_pending_dkim_names_the_records_to_publish(aws):
    pending = {**VERIFIED_DOMAIN, "DkimAttributes": {"Status": "PENDING", "Tokens": ["t1", "t2", "t3"]}}

    [dkim] = [f for f in doctor.diagnose(facts(domain_identity=pending)) if f.subject == "dkim"]

    assert dkim.level == doctor.FIX
    assert "t1._domainkey.syndicate.example CNAME t1.dkim.amazonses.com" in dkim.text


def test_a_mail_from_domain_still_pending_names_its_mx_and_spf_records(aws):
    pending = {**VERIFIED_DOMAIN, "MailFromAttributes": {"MailFromDomain": "bounce.syndicate.example"}}

    [mail_from] = [f for f in doctor.diagnose(facts(domain_identity=pending)) if f.subject == "mail-from"]

    assert mail_from.level == doctor.FIX and "MX 10 feedback-smtp" in mail_from.text and "v=spf1" in mail_from.text


def test_an_unconfirmed_or_missing_alarm_subscription_must_be_fixed(aws):
    pending = [{"SubscriptionArn": "PendingConfirmation", "Endpoint": "ops@example.com"}]

    assert levels(facts(alarm_subscriptions=pending))["alarms"] == doctor.FIX
    assert levels(facts(alarm_subscriptions=[]))["alarms"] == doctor.FIX
    assert "alarms" not in levels(facts(outputs={"SesConfigurationSetName": "set"}))


def test_only_a_verified_address_is_a_warning_about_dmarc_alignment(aws):
    address = {"IdentityType": "EMAIL_ADDRESS", "VerificationStatus": "SUCCESS"}

    [identity] = [
        f for f in doctor.diagnose(facts(domain_identity=None, address_identity=address)) if f.subject == "identity"
    ]

    assert identity.level == doctor.WARN and "DMARC" in identity.text
