"""BucketTeardownFunction: the custom resource that empties the stack's buckets on deletion.

CloudFormation waits for an answer at the request's ResponseURL, so every request is answered,
a failure too (FAILED, with the reason, which the stack's events show the operator).
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from syndicate import dependencies
from syndicate.observability import logger, tracer
from syndicate.teardown.service import PHYSICAL_ID, TeardownRequest


@logger.inject_lambda_context(log_event=False)
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    properties = event.get("ResourceProperties") or {}
    request = TeardownRequest(event["RequestType"], event["StackId"], tuple(properties.get("Buckets") or ()))
    answer: dict[str, Any] = {
        "StackId": event["StackId"],
        "RequestId": event["RequestId"],
        "LogicalResourceId": event["LogicalResourceId"],
        "PhysicalResourceId": event.get("PhysicalResourceId") or PHYSICAL_ID,
    }
    try:
        result = dependencies.bucket_teardown().handle(request)
    except Exception as error:  # answered as FAILED: CloudFormation shows the reason, nothing hangs
        logger.exception("teardown failed", extra={"request_type": request.request_type})
        answer.update(Status="FAILED", Reason=f"{type(error).__name__}: {error}"[:1000])
    else:
        logger.info("teardown", extra={"request_type": request.request_type, "erased": result.erased})
        answer.update(
            Status="SUCCESS", PhysicalResourceId=result.physical_id, Data={"Erased": sum(result.erased.values())}
        )
    dependencies.custom_resource_responder().send(event["ResponseURL"], answer)
    return answer
