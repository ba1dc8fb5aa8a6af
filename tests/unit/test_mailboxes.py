"""The mailbox an address reaches (what confirmation limits count per), as a property."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from syndicate.mailing.model import mailbox, mailbox_id, subscriber_id

SECRET = b"a-test-secret-of-enough-bytes"
LOCAL = st.text("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-", min_size=1, max_size=20)
TAG = st.text("abcdefghijklmnopqrstuvwxyz0123456789+._-", max_size=12)
DOMAIN = st.sampled_from(["example.com", "Example.COM", "mail.example.org"])


@given(local=LOCAL, tag=TAG, domain=DOMAIN)
def test_every_plus_tag_and_every_case_of_an_address_is_one_mailbox(local, tag, domain):
    tagged = f"{local}+{tag}@{domain}"

    assert mailbox(tagged) == mailbox(f"{local}@{domain}") == mailbox(tagged.upper())
    assert mailbox_id(SECRET, tagged) == mailbox_id(SECRET, f"{local.upper()}@{domain.lower()}")


@given(local=LOCAL, tag=TAG, domain=DOMAIN)
def test_a_tagged_address_is_still_its_own_subscriber(local, tag, domain):
    """Limits fold tags; subscriptions and the mail itself keep the address as given."""
    if tag:
        assert subscriber_id(SECRET, f"{local}+{tag}@{domain}") != subscriber_id(SECRET, f"{local}@{domain}")


def test_different_mailboxes_stay_apart():
    assert mailbox("ann+x@example.com") != mailbox("anna@example.com")
    assert mailbox("ann@example.com") != mailbox("ann@example.org")
    assert mailbox_id(SECRET, "ann@example.com") != subscriber_id(SECRET, "ann@example.com").replace("sub_", "mbx_")
