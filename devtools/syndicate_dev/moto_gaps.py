"""What moto (5.2) does not answer, answered in the shapes AWS documents.

moto implements neither SES v2 ``GetAccount`` nor ``GetConfigurationSetEventDestinations`` (nor
SQS ``StartMessageMoveTask``, which is why ``syndicate digests redrive`` moves messages itself).
Tests and the local stack answer those two SES calls from a small model of the account, before
botocore would send them (``before-call``, as moto itself is reached at ``before-send``):
``install`` makes the answering handler one of botocore's built-in handlers, so every client
created afterwards has it (``forget_clients`` drops older ones), and the JSON answer still goes
through botocore's own parser for the operation's output shape.

The model starts as an account with production access, SES's default production quota, and
the event destinations ``syndicate_dev.provision`` records from template.yaml; tests change it
to play an account in the sandbox, under review, or paused.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

import botocore.handlers
from botocore.awsrequest import AWSResponse
from botocore.parsers import create_parser

REGION = "us-east-1"
_ACCOUNT = "before-call.sesv2.GetAccount"
_DESTINATIONS = "before-call.sesv2.GetConfigurationSetEventDestinations"


@dataclass
class SesAccountModel:
    sending_enabled: bool = True
    enforcement_status: str = "HEALTHY"
    production_access: bool = True
    max_send_rate: float = 14.0
    max_24_hour_send: float = 50_000.0
    # configuration set name -> its event destinations, as GetConfigurationSetEventDestinations lists them
    event_destinations: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def account(self) -> dict[str, Any]:
        return {
            "DedicatedIpAutoWarmupEnabled": False,
            "EnforcementStatus": self.enforcement_status,
            "ProductionAccessEnabled": self.production_access,
            "SendingEnabled": self.sending_enabled,
            "SendQuota": {
                "Max24HourSend": self.max_24_hour_send,
                "MaxSendRate": self.max_send_rate,
                "SentLast24Hours": float(_sent_by_moto()),
            },
            "SuppressionAttributes": {"SuppressedReasons": ["BOUNCE", "COMPLAINT"]},
        }


def _sent_by_moto() -> int:
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    return len(ses_backends[DEFAULT_ACCOUNT_ID][REGION].sent_messages)


def _answer(model: Any, status: int, document: dict[str, Any]) -> tuple[AWSResponse, dict[str, Any]]:
    """The HTTP answer and what botocore's parser makes of it, as a ``before-call`` handler returns them."""
    body = json.dumps(document).encode("utf-8")
    headers = {"Content-Type": "application/json"}
    parsed = create_parser(model.metadata["protocol"]).parse(
        {"status_code": status, "headers": headers, "body": body}, model.output_shape
    )
    return AWSResponse(f"https://email.{REGION}.amazonaws.com", status, headers, None), parsed  # type: ignore[arg-type]  # no raw body: parsed already


class SesStandIn:
    def __init__(self) -> None:
        self.model = SesAccountModel()
        self._installed: list[tuple[str, Callable[..., Any]]] = []

    def reset(self) -> None:
        self.model = SesAccountModel()

    def add_event_destination(self, configuration_set: str, destination: dict[str, Any]) -> None:
        self.model.event_destinations.setdefault(configuration_set, []).append(destination)

    def _get_account(self, model: Any, **_: Any) -> tuple[AWSResponse, dict[str, Any]]:
        return _answer(model, 200, self.model.account())

    def _get_event_destinations(
        self, model: Any, params: dict[str, Any], **_: Any
    ) -> tuple[AWSResponse, dict[str, Any]]:
        name = params.get("url_path", "").split("/")[-2]
        name = unquote(name) if name else ""
        if name not in self.model.event_destinations:
            missing = {"__type": "NotFoundException", "message": f"Configuration set {name} does not exist."}
            return _answer(model, 404, missing)
        return _answer(model, 200, {"EventDestinations": self.model.event_destinations[name]})

    def handlers(self) -> list[tuple[str, Callable[..., Any]]]:
        return [(_ACCOUNT, self._get_account), (_DESTINATIONS, self._get_event_destinations)]

    def install(self) -> None:
        if not self._installed:
            self._installed = self.handlers()
            botocore.handlers.BUILTIN_HANDLERS.extend(self._installed)

    def uninstall(self) -> None:
        for handler in self._installed:
            botocore.handlers.BUILTIN_HANDLERS.remove(handler)
        self._installed = []


# The one stand-in of this process (moto's own state is per process too).
ses = SesStandIn()
