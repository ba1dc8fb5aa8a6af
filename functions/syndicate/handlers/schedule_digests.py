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
from syndicate.mailing.model import CADENCES
from syndicate.mailing.ports import AccountUnreadable, SendQuota
from syndicate.observability import logger, metrics, tracer


def scheduled_time(event: dict[str, Any]) -> datetime:
    """The time the run was scheduled for (the same on every retry of it), else now."""
    value = str(event.get("scheduled_time") or "")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return dependencies.clock()()
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def send_quota() -> SendQuota | None:
    """SES's quota before the run queues anything; None (and a warning) when SES does not say."""
    try:
        return dependencies.sending_account().send_quota()
    except AccountUnreadable as error:
        logger.warning("send quota not read", extra={"code": error.code})
        return None


def record_completed_run(cadence: str, queued: int, quota: SendQuota | None) -> None:
    # Its own dimension set (cadence), so the run's other metrics keep theirs.
    with single_metric(name="DigestRunCompleted", unit=MetricUnit.Count, value=1) as metric:
        metric.add_dimension(name="cadence", value=cadence)
    percent = quota.percent_used_after(queued) if quota else None
    if percent is not None:
        metrics.add_metric(name="SendQuotaProjectedUse", unit=MetricUnit.Percent, value=percent)


@logger.inject_lambda_context(log_event=False)
@tracer.capture_lambda_handler
@metrics.log_metrics(capture_cold_start_metric=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    cadence = event.get("cadence")
    if cadence not in CADENCES:
        raise ValueError(f"the schedule input must name a cadence ({', '.join(CADENCES)}), got {cadence!r}")
    quota = send_quota()
    report = dependencies.digest_scheduler().run(cadence, scheduled_time(event))
    summary = asdict(report)
    for article in summary.pop("left_out"):
        # The others went out; this one needs a publisher's (or a developer's) look.
        logger.warning("article left out of the digest", extra=article)
    logger.info("digest run planned", extra=summary)
    metrics.add_metric(name="DigestEditions", unit=MetricUnit.Count, value=report.editions)
    metrics.add_metric(name="DigestRecipientsQueued", unit=MetricUnit.Count, value=report.recipients)
    metrics.add_metric(name="DigestArticlesLeftOut", unit=MetricUnit.Count, value=len(report.left_out))
    record_completed_run(cadence, report.recipients, quota)
    return asdict(report)
