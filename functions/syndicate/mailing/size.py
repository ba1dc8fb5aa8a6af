"""How large an email may be: Gmail clips a message past 102 KB.

Past that size Gmail shows the start of the message and a "View entire message" link, and what
is cut off includes the footer: the unsubscribe and preferences links. ``CLIP_BYTES`` reads
"102 KB" as 102,000 bytes, the smaller of its two readings (102 x 1,024 = 104,448), and counts
the whole MIME message (headers, both parts, their encoding), more than Gmail counts, so a
message under it is under Gmail's limit whichever way Gmail measures.

Any message built from a ``MessageTemplate`` can be checked with ``largest_size``: the size of
the message for the longest address a reader can have, which is the largest it gets.
"""

from __future__ import annotations

from dataclasses import replace

from syndicate.mailing.message import MessageTemplate, Personal

CLIP_BYTES = 102_000
# RFC 5321 caps a path at 256 octets, so an address at 254 (what the subscription schema allows):
# 64 for the local part, "@", 189 for the domain.
LONGEST_ADDRESS = "a" * 64 + "@" + ".".join(["b" * 62, "c" * 62, "d" * 60, "io"])


def largest_size(template: MessageTemplate, personal: Personal) -> int:
    """Bytes of the message ``template`` gives ``personal`` if their address were the longest possible."""
    return len(template.personalise(replace(personal, to=LONGEST_ADDRESS)))


def fits_unclipped(size: int) -> bool:
    """Whether a message of ``size`` bytes is shown whole by Gmail (footer and unsubscribe link included)."""
    return size <= CLIP_BYTES
