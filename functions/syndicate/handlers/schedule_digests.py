"""ScheduleDigestsFunction: EventBridge Scheduler (daily / weekly) -> editions rendered, batches queued.

Metrics (namespace ``Syndicate``) besides the run's counts: ``DigestRunCompleted`` (1 per run
that returned, with a ``cadence`` dimension: the "digest run missing" alarms watch it, missing
data breaching) and ``SendQuotaProjectedUse`` (percent of SES's 24-hour quota used once this
run's recipients are sent: SES publishes no quota metric, so the run reads ``GetAccount`` once).
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit, single_metric
from aws_lambda_powertools.utilities.typing import LambdaContext

from syndicate import dependencies
from syndicate.digests.guard import Health
from syndicate.mailing.model import CADENCES
from syndicate.mailing.ports import AccountStatus
from syndicate.observability import logger, metrics, tracer


def scheduled_time(event: dict[str, Any]) -> datetime:
    """The time the run was scheduled for (the same on every retry of it), else now."""
    value = str(event.get("scheduled_time") or "")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return dependencies.clock()()
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def observe_health(health: Health | None) -> None:
    """The guard's findings as metrics (rates only once enough was sent to count) and log lines."""
    if health is None:
        return
    if health.counted and health.rates is not None:
        metrics.add_metric(name="DigestBounceRate", unit=MetricUnit.Percent, value=health.rates.bounce_rate * 100)
        metrics.add_metric(name="DigestComplaintRate", unit=MetricUnit.Percent, value=health.rates.complaint_rate * 100)
    unreadable = dependencies.sending_account().unreadable
    if unreadable:
        # Sending goes on (SES refuses at send time if it must); pacing assumes SES's lowest rate.
        logger.warning("SES account status unreadable", extra={"code": unreadable})
        metrics.add_metric(name="SesAccountUnreadable", unit=MetricUnit.Count, value=1)


def record_completed_run(cadence: str, queued: int, account: AccountStatus | None) -> None:
    """The run's heartbeat, and the share of SES's 24-hour quota its recipients will have used."""
    # Its own dimension set (cadence), so the run's other metrics keep theirs.
    with single_metric(name="DigestRunCompleted", unit=MetricUnit.Count, value=1) as metric:
        metric.add_dimension(name="cadence", value=cadence)
    percent = account.quota_used_after(queued) if account else None
    if percent is not None:
        metrics.add_metric(name="SendQuotaProjectedUse", unit=MetricUnit.Percent, value=percent)


@logger.inject_lambda_context(log_event=False)
@tracer.capture_lambda_handler
@metrics.log_metrics(capture_cold_start_metric=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    cadence = event.get("cadence")
    if cadence not in CADENCES:
        raise ValueError(f"the schedule input must name a cadence ({', '.join(CADENCES)}), got {cadence!r}")
    # Read before the run queues anything (the guard's read in the run then comes from the cache).
    account = dependencies.sending_account().status()
    report = dependencies.digest_scheduler().run(cadence, scheduled_time(event))
    summary = asdict(report)
    summary.pop("health")
    for article in summary.pop("left_out"):
        # The others went out; this one needs a publisher's (or a developer's) look.
        logger.warning("article left out of the digest", extra=article)
    observe_health(report.health)
    if report.paused:
        # Nothing was queued: the batches wait, parked, for `syndicate digests resume`.
        logger.warning("digest run paused", extra={"cadence": cadence, "until": report.until, "reason": report.paused})
        metrics.add_metric(name="DigestSendingPaused", unit=MetricUnit.Count, value=1)
    logger.info("digest run planned", extra=summary)
    metrics.add_metric(name="DigestEditions", unit=MetricUnit.Count, value=report.editions)
    metrics.add_metric(name="DigestRecipientsQueued", unit=MetricUnit.Count, value=report.recipients)
    metrics.add_metric(name="DigestArticlesLeftOut", unit=MetricUnit.Count, value=len(report.left_out))
    record_completed_run(cadence, report.recipients, account)
    result = asdict(report)
    result.pop("health")
    return result
