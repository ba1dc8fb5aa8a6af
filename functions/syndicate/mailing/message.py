"""RFC 5322 messages: built once per edition with the ``email`` package, then filled per recipient.

``MessageTemplate`` asks the ``email`` package for the whole message (headers encoded and
folded, multipart/alternative structure, quoted-printable parts) with slots for what differs per
recipient: To, Message-ID, the List-Unsubscribe URL, and the two bodies. Those slots are marked
with a nonce made for this skeleton alone, so no header text (a Subject made of an article's
title) can hold one; the bodies arrive already cut at their own slots (``syndicate.mailing.slots``).
Personalising is then a join plus one quoted-printable encoding per part: no template render, no
header folding, no MIME tree per recipient, and no search through text a publisher wrote.
"""

from __future__ import annotations

import binascii
import html
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from enum import Enum

from syndicate.mailing.slots import Body, Slot, cut, fresh_nonce

# max_line_length=998: long URLs in List-Unsubscribe are not folded into encoded-words.
SMTP_POLICY = policy.SMTP.clone(max_line_length=998)
# Control characters and line/paragraph separators (U+2028, U+2029, U+0085...): never in one line.
_BREAKING = frozenset(("Cc", "Zl", "Zp"))
_LINE_ENDINGS = re.compile("\r\n|\r|\n")


def one_line(text: str) -> str:
    """``text`` fit for a header or a single-line field: every control character, line or
    paragraph separator and run of white space becomes one space; lone surrogates become U+FFFD."""
    text = text.encode("utf-8", "replace").decode("utf-8") if not text.isascii() else text
    spaced = "".join(" " if unicodedata.category(c) in _BREAKING else c for c in text)
    return " ".join(spaced.split())


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
        return str(Address(one_line(self.display_name), local, domain))

    def list_id_header(self) -> str:
        list_id = one_line(self.list_id)
        return list_id if "<" in list_id else f"<{list_id}>"


@dataclass(frozen=True)
class Personal:
    """What differs per recipient."""

    to: str
    message_id: str  # without angle brackets: "edition.subscriber@domain"
    unsubscribe_url: str
    preferences_url: str

    def link(self, slot: Slot) -> str:
        return self.unsubscribe_url if slot is Slot.UNSUBSCRIBE_URL else self.preferences_url


class _Part(Enum):
    """The skeleton's own slots."""

    TO = "to"
    MESSAGE_ID = "message-id"
    UNSUBSCRIBE = "unsubscribe"
    TEXT = "text"
    HTML = "html"


def _fill(body: Body, personal: Personal, *, escape: bool) -> str:
    out = []
    for piece in body:
        if isinstance(piece, Slot):
            link = personal.link(piece)
            piece = html.escape(link, quote=True) if escape else link
        out.append(piece)
    return "".join(out)


def _quoted_printable(text: str) -> bytes:
    """The part's body: every line ending CRLF (no bare CR or LF reaches SMTP), then quoted-printable."""
    return binascii.b2a_qp(_LINE_ENDINGS.sub("\r\n", text).encode("utf-8", "replace"), istext=True)


def encoded_size(body: Body, link: str, *, html: bool) -> int:
    """Bytes ``body`` takes in a message (its quoted-printable part) with ``link`` in every slot."""
    filler = Personal(to="", message_id="", unsubscribe_url=link, preferences_url=link)
    return len(_quoted_printable(_fill(body, filler, escape=html)))


class MessageTemplate:
    """One message skeleton; ``personalise`` gives the bytes for one recipient."""

    def __init__(
        self,
        sender: SenderProfile,
        subject: str,
        text: Body,
        html_body: Body | None,
        date: datetime,
        *,
        list_headers: bool = True,
    ) -> None:
        self.sender = sender
        self._text = text
        self._html = html_body
        nonce = fresh_nonce()
        slot = {
            _Part.TO: f"to-{nonce}@slot.invalid",
            _Part.MESSAGE_ID: f"<message-id-{nonce}@slot.invalid>",
            _Part.UNSUBSCRIBE: f"https://slot.invalid/{nonce}",
            _Part.TEXT: f"text{nonce}",
            _Part.HTML: f"html{nonce}",
        }
        skeleton = _skeleton(sender, one_line(subject), date, slot, html=html_body is not None, lists=list_headers)
        # Latin-1 maps bytes to characters one to one, so the cut pieces encode back exactly.
        pieces = cut(skeleton.decode("latin-1"), {marker: part for part, marker in slot.items()})
        found = sorted(piece.value for piece in pieces if isinstance(piece, _Part))
        expected = [_Part.TO, _Part.MESSAGE_ID, _Part.TEXT]
        expected += [_Part.UNSUBSCRIBE] * list_headers + [_Part.HTML] * (html_body is not None)
        if found != sorted(part.value for part in expected):
            raise ValueError(f"the message skeleton has the slots {found}, not one of each of {expected}")
        self._pieces = [piece.encode("latin-1") if isinstance(piece, str) else piece for piece in pieces]

    def personalise(self, personal: Personal) -> bytes:
        """The message for one recipient; ValueError if its address cannot be written in a header."""
        values = {
            _Part.TO: _address_header(personal.to),
            _Part.MESSAGE_ID: f"<{personal.message_id}>".encode("ascii"),
            _Part.UNSUBSCRIBE: personal.unsubscribe_url.encode("ascii"),
            _Part.TEXT: _quoted_printable(_fill(self._text, personal, escape=False)),
        }
        if self._html is not None:
            values[_Part.HTML] = _quoted_printable(_fill(self._html, personal, escape=True))
        return b"".join(piece if isinstance(piece, bytes) else values[piece] for piece in self._pieces)


def _skeleton(
    sender: SenderProfile, subject: str, date: datetime, slot: dict[_Part, str], *, html: bool, lists: bool
) -> bytes:
    message = EmailMessage(policy=SMTP_POLICY)
    message["From"] = sender.from_header()
    message["To"] = slot[_Part.TO]
    message["Subject"] = subject
    message["Date"] = format_datetime(date)
    message["Message-ID"] = slot[_Part.MESSAGE_ID]
    if lists:
        message["List-Id"] = sender.list_id_header()
        unsubscribe = f"<{slot[_Part.UNSUBSCRIBE]}>"
        if sender.unsubscribe_mailto:
            unsubscribe += f", <mailto:{sender.unsubscribe_mailto}?subject=unsubscribe>"
        # RFC 8058: List-Unsubscribe first, then List-Unsubscribe-Post.
        message["List-Unsubscribe"] = unsubscribe
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(slot[_Part.TEXT], cte="quoted-printable")
    if html:
        message.add_alternative(slot[_Part.HTML], subtype="html", cte="quoted-printable")
        for part in message.iter_parts():
            del part["MIME-Version"]
    return message.as_bytes()


def _address_header(address: str) -> bytes:
    """The To header's value; ValueError for an address no header can carry (a line break in it)."""
    if address.isascii() and address.isprintable():
        return address.encode("ascii")
    # Non-ASCII (or odd) addresses: the email package writes the header, and refuses line breaks.
    message = EmailMessage(policy=SMTP_POLICY.clone(utf8=True))
    message["To"] = address
    return message.as_bytes().split(b":", 1)[1].strip()
