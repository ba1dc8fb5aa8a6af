"""No trace, log line or metric holds a reader's address or a link token (issue 9, item 14).

The whole mail flow runs through the handlers: sign-up, the confirmation email, its page and
button, the welcome email, a digest, the preferences page and form, the unsubscribe page and one-click POST, and a
bounce. Everything the functions emit is kept: the service logger's JSON lines at DEBUG, every
standard logging record of our code and of Powertools at DEBUG (and of anything at WARNING),
stdout (EMF metrics, prints) and what Tracer would put in X-Ray (subsegments, annotations,
metadata such as handler responses, exceptions). None of it may hold the address or a token.
"""

from __future__ import annotations

import logging

from syndicate import observability
from tests.support.mail import link_to, token_of
from tests.support.tracing import RecordingTraceProvider

READER = "private.reader+news@example.com"
BOUNCED = "bounced.reader@example.com"


def test_the_mail_flow_leaves_no_address_or_token_in_logs_metrics_or_traces(world, clock, monkeypatch, output, caplog):
    traces = RecordingTraceProvider()
    monkeypatch.setattr(observability.tracer, "provider", traces)
    service_logger = logging.getLogger(observability.logger.name)
    monkeypatch.setattr(service_logger, "level", logging.DEBUG)
    caplog.set_level(logging.WARNING)
    caplog.set_level(logging.DEBUG, logger=observability.logger.name)
    caplog.set_level(logging.DEBUG, logger="aws_lambda_powertools")

    clock.set("2025-12-17T06:00:00Z")
    world.subscribed(READER)
    confirm_token = token_of(world.confirmation_link(READER))
    [welcome] = [m for m in world.outbox.to(READER) if str(m["Subject"]).startswith("Welcome")]
    world.subscribed(BOUNCED)
    clock.set("2025-12-17T10:00:00Z")
    world.publish()
    world.digest("daily", at="2025-12-18T07:00:00Z")
    [digest] = [m for m in world.outbox.to(READER) if "digest" in str(m["Subject"])]
    preferences, unsubscribe = (
        link_to(digest, "/subscriptions/preferences"),
        link_to(digest, "/subscriptions/unsubscribe"),
    )
    assert world.follow(preferences).status == 200
    assert world.follow(preferences, "POST", form="cadence=weekly&categories=").status == 200
    assert world.follow(unsubscribe).status == 200
    assert world.follow(unsubscribe, "POST", form="List-Unsubscribe=One-Click").status == 200
    world.ses_event("bounce", BOUNCED)

    emitted = "\n".join(
        [
            output.text(),
            caplog.text,
            *(repr(record.__dict__) for record in caplog.records),
            traces.text(),
        ]
    )
    secrets = {
        "address": READER,
        "bounced address": BOUNCED,
        "confirmation token": confirm_token,
        "preferences token": token_of(preferences),
        "unsubscribe token": token_of(unsubscribe),
        "welcome's preferences token": token_of(link_to(welcome, "/subscriptions/preferences")),
    }
    leaked = {
        name: secret for name, secret in secrets.items() if secret in emitted or secret.lower() in emitted.lower()
    }
    assert leaked == {}
    # Not vacuous: the handlers ran under the tracer, and logged and counted what they did.
    names = {segment.name for segment in traces.subsegments}
    assert {"## handler"} <= names and len(traces.subsegments) >= 10
    assert any(record["message"] == "digest batch delivered" for record in output.logs())
    assert output.metric("ConfirmationEmailsSent") and output.metric("SubscriptionsConfirmed")
    assert output.metric("WelcomeEmailsSent")
