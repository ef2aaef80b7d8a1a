"""Which of the portal's addresses a message was sent to, and what that says: the inbound address
with or without a sub-address (an account number, an item's reply token), or a back-office alias.
The tokens and the Message-IDs themselves are in ``accountteam.mail_threads``."""

from __future__ import annotations

from dataclasses import dataclass

from accountteam.mail_threads import inbound, item_of_token


@dataclass(frozen=True)
class Route:
    """What the address a message was sent to says: ``tag`` is the sub-address ("" for none),
    ``alias`` the back office's alias when it was one."""

    address: str
    tag: str = ""
    alias: object | None = None

    @property
    def reply_item(self) -> int | None:
        kind, _, token = self.tag.partition(".")
        return item_of_token(token) if kind in ("r", "internal") else None

    @property
    def internal(self) -> bool:
        return self.tag.startswith("internal.")

    @property
    def is_reply(self) -> bool:
        return self.tag.split(".", 1)[0] in ("r", "internal")


def route(recipients: list[str]) -> Route | None:
    """The first of ``recipients`` that is the portal's: the inbound address (with or without a
    sub-address) or an alias. None when the message was not sent to us (then it is quarantined)."""
    from .models import MailAlias

    parts = inbound()
    aliases = {a.address.lower(): a for a in MailAlias.objects.filter(address__in=recipients)} if recipients else {}
    for address in recipients:
        address = address.lower()
        if address in aliases:
            return Route(address=address, alias=aliases[address])
        if parts is None or "@" not in address:
            continue
        local, domain = address.rsplit("@", 1)
        base, plus, tag = local.partition("+")
        if domain == parts[1] and base == parts[0]:
            return Route(address=address, tag=tag if plus else "")
    return None
