"""Mail about an item threads, and answers come back to it: the portal's inbound address and its
sub-addresses, an item's reply address (a signed token, so a reply can only land on the item it
answers) and the Message-IDs of the mail the portal sends, which carry the same token so that a
reply sent to the plain inbound address still finds its item through ``In-Reply-To``."""

from __future__ import annotations

import hashlib
import re

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

SALT = "mailin.reply"
# The item's number, then 16 hex digits of its signature: lower case, so a mail server that
# folds the local part's case breaks nothing.
TOKEN = re.compile(r"^(?P<pk>[1-9][0-9]{0,17})-(?P<sig>[0-9a-f]{16})$")
OUR_ID = re.compile(r"^<?item\.(?P<token>[0-9a-z-]+)\.[0-9a-z]+@", re.IGNORECASE)


def token_for(item_pk: int) -> str:
    return f"{item_pk}-{_signature(item_pk)}"


def item_of_token(token: str) -> int | None:
    """The item a token names, or None when it is not one the portal signed."""
    match = TOKEN.match((token or "").strip().lower())
    if match is None:
        return None
    pk = int(match["pk"])
    return pk if constant_time_compare(match["sig"], _signature(pk)) else None


def _signature(item_pk: int) -> str:
    return salted_hmac(SALT, str(item_pk), algorithm="sha256").hexdigest()[:16]


def inbound() -> tuple[str, str] | None:
    """The inbound address as (local part, domain), lower case; None when intake is off."""
    address = (settings.INBOUND_EMAIL_ADDRESS or "").strip().lower()
    if "@" not in address:
        return None
    local, domain = address.rsplit("@", 1)
    return local, domain


def sub_address(tag: str) -> str:
    """``support+<tag>@portal.example``; "" when intake is off."""
    parts = inbound()
    if parts is None:
        return ""
    local, domain = parts
    return f"{local}+{tag}@{domain}"


def reply_address(item_pk: int, *, internal: bool = False) -> str:
    """Where a reply about the item goes: a public comment, or (``internal``, staff only) a note."""
    return sub_address(f"{'internal' if internal else 'r'}.{token_for(item_pk)}")


def _domain() -> str:
    parts = inbound()
    return parts[1] if parts else "portal.invalid"


def message_id(item_pk: int, key: str) -> str:
    """The Message-ID of a mail about an item: unique per notice ``key``, naming its item."""
    return f"<item.{token_for(item_pk)}.{hashlib.sha256(key.encode()).hexdigest()[:20]}@{_domain()}>"


def thread_root(item_pk: int) -> str:
    """The id every mail about an item refers to (``References``), so clients keep one thread."""
    return f"<item.{token_for(item_pk)}.root@{_domain()}>"


def item_of_message_id(value: str) -> int | None:
    """The item a Message-ID of ours names (a reply's ``In-Reply-To``), or None."""
    match = OUR_ID.match((value or "").strip())
    return item_of_token(match["token"]) if match else None
