"""AWS APIs the functions call that moto does not implement, answered from moto's own state.

moto serves them in-process (``mock_aws``) and from a moto server started in this process (the
local stack's), since both dispatch through the same response classes. Each addition is made
only while moto lacks the API, so a moto that implements it answers with its own.

- SES v2 ``GetAccount``: the account's sending quota, from moto's SES (v1) quota: a sandbox
  account's 200 messages a day and 1 a second, and every message moto has sent as
  ``SentLast24Hours`` (moto counts them for ever, not over a rolling day).
"""

from __future__ import annotations

import json
from typing import Any


def add_missing_apis() -> None:
    from moto.sesv2.responses import SESV2Response

    if not hasattr(SESV2Response, "get_account"):
        SESV2Response.get_account = _sesv2_get_account  # type: ignore[attr-defined]


def _sesv2_get_account(self: Any) -> str:
    quota = self.sesv2_backend.core_backend.get_send_quota()
    return json.dumps(
        {
            "SendQuota": {
                "Max24HourSend": float(quota.max24_hour_send),
                "MaxSendRate": float(quota.max_send_rate),
                "SentLast24Hours": float(quota.sent_last24_hours),
            },
            "SendingEnabled": True,
            "ProductionAccessEnabled": False,
            "EnforcementStatus": "HEALTHY",
            "DedicatedIpAutoWarmupEnabled": False,
        }
    )
