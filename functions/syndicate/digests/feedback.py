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


def _addresses(recipients: Any) -> list[str]:
    """The ``emailAddress`` of each recipient entry that has one (anything else is skipped)."""
    if not isinstance(recipients, list):
        return []
    found = [entry.get("emailAddress") for entry in recipients if isinstance(entry, dict)]
    return [address for address in found if isinstance(address, str)]


def _kind_and_detail(event: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    kind = event.get("eventType") or event.get("notificationType")
    kind = kind.lower() if isinstance(kind, str) else ""
    detail = event.get(kind)
    return (kind, detail) if kind in ("bounce", "complaint") and isinstance(detail, dict) else None


_RECIPIENTS = {"bounce": "bouncedRecipients", "complaint": "complainedRecipients"}


def understood(event: Any) -> bool:
    """Whether ``event`` is an SES bounce or complaint we can read in full (others are counted,
    not guessed at)."""
    found = _kind_and_detail(event) if isinstance(event, dict) else None
    if found is None:
        return False
    entries = found[1].get(_RECIPIENTS[found[0]])
    return isinstance(entries, list) and len(_addresses(entries)) == len(entries)


def feedback_from_ses(event: Any) -> Feedback | None:
    """The addresses an SES event (EventBridge ``detail`` or SNS message) tells us to stop mailing.

    Transient (soft) bounces are not final and suppress nobody; what is not a bounce or a
    complaint, or not shaped like one, suppresses nobody either.
    """
    found = _kind_and_detail(event) if isinstance(event, dict) else None
    if found is None:
        return None
    kind, detail = found
    if kind == "bounce":
        if detail.get("bounceType") != "Permanent":
            return None
        addresses = _addresses(detail.get(_RECIPIENTS[kind]))
        reason = f"bounce: {detail.get('bounceType')}/{detail.get('bounceSubType')}"
    else:
        addresses = _addresses(detail.get(_RECIPIENTS[kind]))
        reason = f"complaint: {detail.get('complaintFeedbackType', 'unspecified')}"
    parsed = [parseaddr(a)[1] for a in addresses if a]
    unique = tuple(dict.fromkeys(normalise_email(a) for a in parsed if "@" in a))
    return Feedback(kind, unique, reason) if unique else None


class FeedbackRecorder:
    def __init__(self, suppression: SuppressionList, clock: Clock, *, id_secret: bytes) -> None:
        self._suppression = suppression
        self._clock = clock
        self._id_secret = id_secret

    def record(self, event: Any) -> Feedback | None:
        feedback = feedback_from_ses(event)
        if feedback is None:
            return None
        now = isoformat(self._clock())
        for address in feedback.addresses:
            self._suppression.suppress(subscriber_id(self._id_secret, address), address, feedback.detail, now)
        return feedback
