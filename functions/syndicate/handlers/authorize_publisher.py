"""PublisherAuthorizerFunction: API Gateway REQUEST authorizer, API key -> publisher id.

The result is cached by API Gateway per Authorization header, so the policy allows every
method of the stage, not just the one being called. It names the publisher's usage-plan key,
which API Gateway throttles per publisher (the API's key source is the authorizer).
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.data_classes import event_source
from aws_lambda_powertools.utilities.data_classes.api_gateway_authorizer_event import (
    APIGatewayAuthorizerRequestEvent,
    APIGatewayAuthorizerResponse,
)
from aws_lambda_powertools.utilities.typing import LambdaContext

from syndicate import dependencies
from syndicate.observability import logger, metrics, tracer
from syndicate.publishers.keys import usage_key


@logger.inject_lambda_context(log_event=False)
@tracer.capture_lambda_handler
@metrics.log_metrics(capture_cold_start_metric=True)
@event_source(data_class=APIGatewayAuthorizerRequestEvent)
def handler(event: APIGatewayAuthorizerRequestEvent, context: LambdaContext) -> dict[str, Any]:
    publisher = dependencies.publisher_directory().resolve(event.headers.get("Authorization"))
    if publisher is None:
        # API Gateway answers 401 (and our UNAUTHORIZED gateway response) for exactly this message.
        raise Exception("Unauthorized")
    arn = event.parsed_arn
    policy = APIGatewayAuthorizerResponse(
        principal_id=publisher.publisher_id,
        context={"publisher_id": publisher.publisher_id},
        region=arn.region,
        aws_account_id=arn.aws_account_id,
        api_id=arn.api_id,
        stage=arn.stage,
        usage_identifier_key=usage_key(publisher.publisher_id),
    )
    policy.allow_all_routes()
    return policy.asdict()
