"""RenderFeedsFunction: on the EventBridge Scheduler tick, render every feed into the site bucket.

Metrics (namespace ``Syndicate``): ``FeedRenderSucceeded`` (1 per completed render; the "feeds
are stale" alarm watches it, missing data breaching), ``FeedRenderSkipped`` (another render held
the lease), ``FeedObjectsWritten``, ``ArchivePagesSealed``, ``ArchivePagesRewritten`` (an article
left them), ``ArticlesSkipped`` (could not be rendered, left out), ``FeedEntriesShortened`` (over
the entry limit: summary and link) and ``WebSubPingsPending`` (not accepted by the hub yet).
"""

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
    report = dependencies.feed_renderer().render(time_limit_seconds=context.get_remaining_time_in_millis() / 1000)
    if report.skipped:
        # A retry or the next tick while a render runs: that render covers it; not an error to retry.
        metrics.add_metric(name="FeedRenderSkipped", unit=MetricUnit.Count, value=1)
        logger.info("feeds not rendered: another render holds the lease")
        return {"skipped": True}
    metrics.add_metric(name="FeedRenderSucceeded", unit=MetricUnit.Count, value=1)
    metrics.add_metric(name="FeedObjectsWritten", unit=MetricUnit.Count, value=len(report.written))
    metrics.add_metric(name="ArchivePagesSealed", unit=MetricUnit.Count, value=report.sealed_pages)
    metrics.add_metric(name="ArchivePagesRewritten", unit=MetricUnit.Count, value=report.rewritten_pages)
    metrics.add_metric(name="ArticlesSkipped", unit=MetricUnit.Count, value=len(report.skipped_articles))
    metrics.add_metric(name="FeedEntriesShortened", unit=MetricUnit.Count, value=len(report.shortened_entries))
    metrics.add_metric(name="WebSubPingsPending", unit=MetricUnit.Count, value=len(report.pending_pings))
    summary = {
        "feeds": report.feeds,
        "written": len(report.written),
        "deleted": len(report.deleted),
        "unchanged_documents": report.unchanged_documents,
        "sealed_pages": report.sealed_pages,
        "rewritten_pages": report.rewritten_pages,
        "skipped_articles": len(report.skipped_articles),
        "shortened_entries": len(report.shortened_entries),
        "pending_pings": len(report.pending_pings),
    }
    logger.info("feeds rendered", extra={**summary, "skipped_article_ids": report.skipped_articles})
    return summary
