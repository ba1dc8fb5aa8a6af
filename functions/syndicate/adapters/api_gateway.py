"""API Gateway as the operator's command uses it: usage-plan keys and the authorizer cache.

Nothing in a Lambda function calls these; ``syndicate publishers`` does, against the stack's
outputs (``PublisherUsagePlanId``, ``PublicApiId``, ``PublicApiStage``).
"""

from __future__ import annotations

from botocore.exceptions import ClientError

from syndicate.adapters.clients import client


class ApiGatewayUsagePlan:
    """``UsagePlanKeys``: one API key per publisher, named and valued by its usage key."""

    def __init__(self, usage_plan_id: str) -> None:
        self.usage_plan_id = usage_plan_id

    def enrol(self, usage_key: str) -> None:
        apigateway = client("apigateway")
        key_id = self._key_id(usage_key)
        if key_id is None:
            key_id = apigateway.create_api_key(name=usage_key, value=usage_key, enabled=True)["id"]
        try:
            apigateway.create_usage_plan_key(usagePlanId=self.usage_plan_id, keyId=key_id, keyType="API_KEY")
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "ConflictException":
                raise  # anything but "already a key of this plan"

    def withdraw(self, usage_key: str) -> None:
        key_id = self._key_id(usage_key)
        if key_id is None:
            return
        apigateway = client("apigateway")
        try:
            apigateway.delete_usage_plan_key(usagePlanId=self.usage_plan_id, keyId=key_id)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "NotFoundException":
                raise  # anything but "not a key of this plan"
        apigateway.delete_api_key(apiKey=key_id)

    def _key_id(self, usage_key: str) -> str | None:
        pages = client("apigateway").get_paginator("get_api_keys").paginate(nameQuery=usage_key, includeValues=True)
        for page in pages:
            for key in page.get("items", []):
                if key.get("value") == usage_key:
                    return str(key["id"])
        return None


class ApiGatewayAuthorizerCache:
    """``AuthorizerCache`` of one stage of one REST API."""

    def __init__(self, rest_api_id: str, stage: str) -> None:
        self.rest_api_id = rest_api_id
        self.stage = stage

    def flush(self) -> None:
        client("apigateway").flush_stage_authorizers_cache(restApiId=self.rest_api_id, stageName=self.stage)
