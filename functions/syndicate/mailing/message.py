"""RFC 5322 messages: built once per edition with the ``email`` package, then filled per recipient.

``MessageTemplate`` asks the ``email`` package for the whole message (headers encoded and
folded, multipart/alternative structure, quoted-printable parts) with recognisable slots for
what differs per recipient: To, Message-ID, the List-Unsubscribe URL, and the two bodies.
Personalising is then string substitution plus one quoted-printable encoding per part: no
template render, no header folding, no MIME tree per recipient.
"""

from __future__ import annotations

import binascii
import html
import re
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

# max_line_length=998: long URLs in List-Unsubscribe are not folded into encoded-words.
SMTP_POLICY = policy.SMTP.clone(max_line_length=998)

_TO = "to-slot@slot.invalid"
_MESSAGE_ID = "<message-id-slot@slot.invalid>"
_UNSUBSCRIBE = "https://slot.invalid/unsubscribe-slot"
_TEXT = "TEXTBODYSLOT"
_HTML = "HTMLBODYSLOT"
_SLOTS = re.compile("|".join(re.escape(s) for s in (_TO, _MESSAGE_ID, _UNSUBSCRIBE, _TEXT, _HTML)).encode("ascii"))


@dataclass(frozen=True)
class SenderProfile:
    """Who the mail is from: the From address and name, and the list headers every digest carries."""

    address: str
    display_name: str
    list_id: str  # "Syndicate digest <digest.syndicate.example>" or just the id
    unsubscribe_mailto: str | None = None

    @property
    def domain(self) -> str:
        return self.address.rsplit("@", 1)[-1]

    def from_header(self) -> str:
        local, domain = self.address.rsplit("@", 1)
        return str(Address(self.display_name, local, domain))

    def list_id_header(self) -> str:
        list_id = self.list_id.strip()
        return list_id if "<" in list_id else f"<{list_id}>"


@dataclass(frozen=True)
class Personal:
    """What differs per recipient."""

    to: str
    message_id: str  # without angle brackets: "edition.subscriber@domain"
    unsubscribe_url: str
    preferences_url: str


def _crlf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def _quoted_printable(text: str) -> bytes:
    return binascii.b2a_qp(_crlf(text).encode("utf-8"), istext=True)


class MessageTemplate:
    """One message skeleton; ``personalise`` gives the bytes for one recipient."""

    def __init__(
        self,
        sender: SenderProfile,
        subject: str,
        text: str,
        html_body: str | None,
        date: datetime,
        *,
        slots: dict[str, str] | None = None,
        list_headers: bool = True,
    ) -> None:
        """``slots`` maps placeholders in ``text``/``html_body`` to Personal attribute names."""
        self.sender = sender
        self._slots = slots or {}
        message = EmailMessage(policy=SMTP_POLICY)
        message["From"] = sender.from_header()
        message["To"] = _TO
        message["Subject"] = subject
        message["Date"] = format_datetime(date)
        message["Message-ID"] = _MESSAGE_ID
        if list_headers:
            message["List-Id"] = sender.list_id_header()
            unsubscribe = f"<{_UNSUBSCRIBE}>"
            if sender.unsubscribe_mailto:
                unsubscribe += f", <mailto:{sender.unsubscribe_mailto}?subject=unsubscribe>"
            # RFC 8058: List-Unsubscribe first, then List-Unsubscribe-Post.
            message["List-Unsubscribe"] = unsubscribe
            message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        message.set_content(_TEXT, cte="quoted-printable")
        if html_body is not None:
            message.add_alternative(_HTML, subtype="html", cte="quoted-printable")
            for part in message.iter_parts():
                del part["MIME-Version"]
        skeleton = message.as_bytes()
        # The skeleton cut at its slots: personalising is a join.
        self._pieces: list[bytes] = []
        self._order: list[bytes] = []
        position = 0
        for match in _SLOTS.finditer(skeleton):
            self._pieces.append(skeleton[position : match.start()])
            self._order.append(match.group())
            position = match.end()
        self._pieces.append(skeleton[position:])
        self._text = self._split(text)
        self._html = self._split(html_body, escape=True) if html_body is not None else None

    def _split(self, body: str, escape: bool = False) -> list[tuple[str, str | None]]:
        """The body as (literal, slot attribute) pairs, slots in the order they appear."""
        if not self._slots:
            return [(body, None)]
        pattern = re.compile("|".join(re.escape(s) for s in self._slots))
        pieces: list[tuple[str, str | None]] = []
        position = 0
        for match in pattern.finditer(body):
            attribute = self._slots[match.group()]
            pieces.append((body[position : match.start()], ("html:" if escape else "") + attribute))
            position = match.end()
        pieces.append((body[position:], None))
        return pieces

    @staticmethod
    def _fill(pieces: list[tuple[str, str | None]], personal: Personal) -> str:
        out = []
        for literal, slot in pieces:
            out.append(literal)
            if slot is not None:
                if slot.startswith("html:"):
                    out.append(html.escape(getattr(personal, slot[5:]), quote=True))
                else:
                    out.append(getattr(personal, slot))
        return "".join(out)

    def personalise(self, personal: Personal) -> bytes:
        values = {
            _TO.encode(): _address_header(personal.to),
            _MESSAGE_ID.encode(): f"<{personal.message_id}>".encode("ascii"),
            _UNSUBSCRIBE.encode(): personal.unsubscribe_url.encode("ascii"),
            _TEXT.encode(): _quoted_printable(self._fill(self._text, personal)),
        }
        if self._html is not None:
            values[_HTML.encode()] = _quoted_printable(self._fill(self._html, personal))
        out = [self._pieces[0]]
        for slot, piece in zip(self._order, self._pieces[1:], strict=False):
            out.append(values[slot])
            out.append(piece)
        return b"".join(out)


def _address_header(address: str) -> bytes:
    if address.isascii():
        return address.encode("ascii")
    # A non-ASCII local part: let the email package write the header (rare, so not hot).
    message = EmailMessage(policy=SMTP_POLICY.clone(utf8=True))
    message["To"] = address
    return message.as_bytes().split(b":", 1)[1].strip()
