"""The public URLs of the subscription pages, for one API base URL."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SubscriptionLinks:
    api_url: str  # https://{api}.execute-api.{region}.amazonaws.com/{stage}, no trailing slash

    def confirm(self, token: str) -> str:
        return f"{self.api_url}/subscriptions/confirm?token={token}"

    def preferences(self, token: str) -> str:
        return f"{self.api_url}/subscriptions/preferences?token={token}"

    def unsubscribe(self, token: str) -> str:
        return f"{self.api_url}/subscriptions/unsubscribe?token={token}"
