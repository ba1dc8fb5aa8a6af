"""RenderFeedsFunction: render every feed into the site bucket, when articles change and on a schedule.

Two triggers (template.yaml): the ``ArticleChanges`` stream of ArticlesTable (a batch of changes
that show in feeds), and the EventBridge Scheduler tick, the safety net. Either way one render of
every feed runs, under the render lease. A render that finds the lease taken did nothing: from the
stream, the batch is reported failed (``batchItemFailures``, from its first record) so Lambda
delivers it again and the change is rendered once the other render is done (that one may have read
the feeds before the change); from the schedule, it just ends, since the stream or the next tick
renders whatever changed.

Metrics (namespace ``Syndicate``): ``FeedRenderSucceeded`` (1 per completed render; the "feeds
are stale" alarm watches it, missing data breaching), ``FeedRenderSkipped`` (another render held
the lease), ``FeedObjectsWritten``, ``ArchivePagesSealed``, ``ArchivePagesRewritten`` (an article
left them), ``ArticlesSkipped`` (could not be rendered, left out), ``FeedEntriesShortened`` (over
the entry limit: summary and link) and ``WebSubPingsPending`` (not accepted by the hub yet).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from syndicate import dependencies
from syndicate.observability import logger, metrics, tracer

if TYPE_CHECKING:
    from syndicate.feeds.render import RenderReport


@logger.inject_lambda_context(log_event=False)
@tracer.capture_lambda_handler
@metrics.log_metrics(capture_cold_start_metric=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    first_change = _first_sequence_number(event)
    if first_change is None:
        # The scheduler's context attributes (events/schedules/) carry nothing the render needs; logged only.
        if isinstance(event, dict):
            logger.append_keys(scheduled_time=event.get("scheduled_time"), execution_id=event.get("execution_id"))
    else:
        logger.append_keys(trigger="ArticleChanges", changes=len(event["Records"]))
    report = dependencies.feed_renderer().render(time_limit_seconds=context.get_remaining_time_in_millis() / 1000)
    if report.skipped:
        metrics.add_metric(name="FeedRenderSkipped", unit=MetricUnit.Count, value=1)
        if first_change is not None:
            logger.info("feeds not rendered: another render holds the lease; the changes come again")
            return {"batchItemFailures": [{"itemIdentifier": first_change}]}
        logger.info("feeds not rendered: another render holds the lease")
        return {"skipped": True}
    summary = _summary(report)
    logger.info("feeds rendered", extra={**summary, "skipped_article_ids": report.skipped_articles})
    return summary if first_change is None else {**summary, "batchItemFailures": []}


def _first_sequence_number(event: Any) -> str | None:
    """The first record's sequence number when ``event`` is a batch from the table's stream."""
    records = event.get("Records") if isinstance(event, dict) else None
    if not records or not isinstance(records, list) or not isinstance(records[0], dict):
        return None
    change = records[0].get("dynamodb")
    return str(change["SequenceNumber"]) if isinstance(change, dict) and "SequenceNumber" in change else None


def _summary(report: RenderReport) -> dict[str, Any]:
    metrics.add_metric(name="FeedRenderSucceeded", unit=MetricUnit.Count, value=1)
    metrics.add_metric(name="FeedObjectsWritten", unit=MetricUnit.Count, value=len(report.written))
    metrics.add_metric(name="ArchivePagesSealed", unit=MetricUnit.Count, value=report.sealed_pages)
    metrics.add_metric(name="ArchivePagesRewritten", unit=MetricUnit.Count, value=report.rewritten_pages)
    metrics.add_metric(name="ArticlesSkipped", unit=MetricUnit.Count, value=len(report.skipped_articles))
    metrics.add_metric(name="FeedEntriesShortened", unit=MetricUnit.Count, value=len(report.shortened_entries))
    metrics.add_metric(name="WebSubPingsPending", unit=MetricUnit.Count, value=len(report.pending_pings))
    return {
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
