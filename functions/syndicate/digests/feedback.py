"""Bounces and complaints from SES: the addresses they name are suppressed for good."""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import parseaddr
from typing import Any

from syndicate.clock import Clock, isoformat
from syndicate.digests.ports import SuppressionList
from syndicate.mailing.model import normalise_email, subscriber_id


@dataclass(frozen=True)
class Feedback:
    kind: str  # "bounce" or "complaint"
    addresses: tuple[str, ...]
    detail: str


def feedback_from_ses(event: dict[str, Any]) -> Feedback | None:
    """The addresses an SES event (EventBridge ``detail`` or SNS message) tells us to stop mailing.

    Transient (soft) bounces are not final and suppress nobody.
    """
    kind = (event.get("eventType") or event.get("notificationType") or "").lower()
    if kind == "bounce":
        bounce = event.get("bounce") or {}
        if bounce.get("bounceType") != "Permanent":
            return None
        addresses = [r.get("emailAddress", "") for r in bounce.get("bouncedRecipients") or []]
        detail = f"bounce: {bounce.get('bounceType')}/{bounce.get('bounceSubType')}"
    elif kind == "complaint":
        complaint = event.get("complaint") or {}
        addresses = [r.get("emailAddress", "") for r in complaint.get("complainedRecipients") or []]
        detail = f"complaint: {complaint.get('complaintFeedbackType', 'unspecified')}"
    else:
        return None
    parsed = [parseaddr(a)[1] for a in addresses if a]
    found = tuple(dict.fromkeys(normalise_email(a) for a in parsed if "@" in a))
    return Feedback(kind, found, detail) if found else None


class FeedbackRecorder:
    def __init__(self, suppression: SuppressionList, clock: Clock, *, id_secret: bytes) -> None:
        self._suppression = suppression
        self._clock = clock
        self._id_secret = id_secret

    def record(self, event: dict[str, Any]) -> Feedback | None:
        feedback = feedback_from_ses(event)
        if feedback is None:
            return None
        now = isoformat(self._clock())
        for address in feedback.addresses:
            self._suppression.suppress(subscriber_id(self._id_secret, address), address, feedback.detail, now)
        return feedback
