"""Demo mail for `seed_demo`: a message from a sender the portal does not know, waiting in the
quarantine for staff to accept or discard (``demo/mail/unknown-sender.eml``). Idempotent: the
same Message-ID is delivered once. ``demo/mail/order-delayed.eml`` is for trying the inbox folder
by hand (README)."""

from __future__ import annotations

from pathlib import Path

from mailin.models import InboundMessage
from mailin.services import message_deliver

MAIL = Path(__file__).parent / "mail"


def seed_demo_mail() -> int:
    outcome = message_deliver(raw=(MAIL / "unknown-sender.eml").read_bytes(), source=InboundMessage.Source.INBOX)
    return 0 if outcome.duplicate else 1
