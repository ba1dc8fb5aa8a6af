"""The SES account as a whole: SES v2 ``GetAccount`` (one call, no retries of our own)."""

from __future__ import annotations

from botocore.exceptions import BotoCoreError, ClientError

from syndicate.adapters.clients import client
from syndicate.mailing.ports import AccountUnreadable, SendQuota


class SesAccount:
    """The ``SendingAccount`` of the service."""

    def send_quota(self) -> SendQuota:
        try:
            account = client("sesv2").get_account()
        except ClientError as error:
            raise AccountUnreadable(str(error.response.get("Error", {}).get("Code", "ClientError"))) from error
        except BotoCoreError as error:
            raise AccountUnreadable(type(error).__name__) from error
        quota = account.get("SendQuota") or {}
        try:
            return SendQuota(
                max_24_hour_send=float(quota["Max24HourSend"]),
                sent_last_24_hours=float(quota["SentLast24Hours"]),
                max_send_rate=float(quota["MaxSendRate"]),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise AccountUnreadable("SendQuotaMissing") from error
