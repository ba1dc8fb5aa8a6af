"""Bounces and complaints from SES: the addresses they name are suppressed for good, and the
feedback is counted for the reputation guard and the delivery report.

A digest's feedback is counted against its edition (the ``edition`` tag the sender put on the
message, which SES returns in the event's ``mail.tags``) and in the hour the message was sent
(``mail.timestamp``), so a rate compares each hour's sends with the feedback they drew, whenever
it arrives. Feedback on other mail (a confirmation email carries no edition tag) suppresses the
address but is not counted: the guard's rates are those of digests alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.utils import parseaddr
from typing import Any

from syndicate.clock import Clock, isoformat
from syndicate.digests.delivery import EDITION_TAG
from syndicate.digests.edition import is_edition_id
from syndicate.digests.guard import hour_of
from syndicate.digests.ports import SendingRecords, SuppressionList
from syndicate.mailing.model import normalise_email, subscriber_id


@dataclass(frozen=True)
class Feedback:
    kind: str  # "bounce" or "complaint"
    addresses: tuple[str, ...]
    detail: str
    edition_id: str | None = None  # the digest edition the message was, if it was one
    sent_at: datetime | None = None  # when SES accepted the message


def _mail_facts(event: dict[str, Any]) -> tuple[str | None, datetime | None]:
    """The edition tag and the send time of the message an SES event concerns (None if absent or odd)."""
    mail: dict[str, Any] = event["mail"] if isinstance(event.get("mail"), dict) else {}
    tags: dict[str, Any] = mail["tags"] if isinstance(mail.get("tags"), dict) else {}
    values = tags.get(EDITION_TAG)
    edition = values[0] if isinstance(values, list) and values and is_edition_id(values[0]) else None
    try:
        sent_at = datetime.fromisoformat(str(mail.get("timestamp")).replace("Z", "+00:00"))
    except ValueError:
        sent_at = None
    return edition, sent_at if sent_at is None or sent_at.tzinfo else None


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
    return Feedback(kind, unique, reason, *_mail_facts(event)) if unique else None


class FeedbackRecorder:
    def __init__(self, suppression: SuppressionList, volume: SendingRecords, clock: Clock, *, id_secret: bytes) -> None:
        self._suppression = suppression
        self._volume = volume
        self._clock = clock
        self._id_secret = id_secret

    def record(self, event: Any) -> Feedback | None:
        feedback = feedback_from_ses(event)
        if feedback is None:
            return None
        now = self._clock()
        for address in feedback.addresses:
            self._suppression.suppress(
                subscriber_id(self._id_secret, address), address, feedback.detail, isoformat(now)
            )
        if feedback.edition_id is not None:
            hour = hour_of(min(feedback.sent_at or now, now))
            self._volume.count_feedback(hour, feedback.kind, len(feedback.addresses), feedback.edition_id)
        return feedback
