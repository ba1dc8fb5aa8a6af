"""RenderFeedsFunction: on the EventBridge Scheduler tick, render every feed into the site bucket."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from syndicate import dependencies
from syndicate.observability import logger, metrics, tracer


@logger.inject_lambda_context(log_event=False)
@tracer.capture_lambda_handler
@metrics.log_metrics(capture_cold_start_metric=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    # The scheduler's context attributes (events/schedules/) carry nothing the render needs; logged only.
    if isinstance(event, dict):
        logger.append_keys(scheduled_time=event.get("scheduled_time"), execution_id=event.get("execution_id"))
    report = dependencies.feed_renderer().render()
    metrics.add_metric(name="FeedObjectsWritten", unit=MetricUnit.Count, value=len(report.written))
    metrics.add_metric(name="ArchivePagesSealed", unit=MetricUnit.Count, value=report.sealed_pages)
    metrics.add_metric(name="ArticlesSkipped", unit=MetricUnit.Count, value=len(report.skipped_articles))
    logger.info(
        "feeds rendered",
        extra={
            "feeds": report.feeds,
            "written": len(report.written),
            "deleted": len(report.deleted),
            "unchanged_documents": report.unchanged_documents,
            "skipped_articles": report.skipped_articles,
            "ping_failures": report.ping_failures,
        },
    )
    return {
        "feeds": report.feeds,
        "written": len(report.written),
        "deleted": len(report.deleted),
        "unchanged_documents": report.unchanged_documents,
        "sealed_pages": report.sealed_pages,
        "skipped_articles": len(report.skipped_articles),
    }
