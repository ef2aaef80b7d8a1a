"""The three ways mail comes in, each handing the message to ``services.message_deliver``: the
mail server's pipe (``manage.py receive_mail``), an IMAP mailbox polled by beat
(``INBOUND_IMAP_URL``), and, with neither, ``.eml`` files dropped into ``INBOUND_DIRECTORY``
(``var/inbox/``), also picked up by beat."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from .models import InboundMessage
from .services import message_deliver

log = logging.getLogger(__name__)
PROCESSED = "processed"


@dataclass(frozen=True)
class PickUp:
    delivered: int = 0
    failed: int = 0


def inbox_pick_up(directory: Path | None = None, *, limit: int = 200) -> PickUp:
    """Deliver the ``.eml`` files in ``directory``, oldest first; each delivered file moves to its
    ``processed/`` folder. A file that fails stays for the next run."""
    directory = Path(directory or settings.INBOUND_DIRECTORY)
    if not directory.is_dir():
        return PickUp()
    done = directory / PROCESSED
    files = sorted(directory.glob("*.eml"), key=lambda p: (p.stat().st_mtime, p.name))[:limit]
    delivered = failed = 0
    for path in files:
        try:
            message_deliver(raw=path.read_bytes(), source=InboundMessage.Source.INBOX)
        except Exception:
            log.exception("Could not deliver %s; it stays for the next run.", path.name)
            failed += 1
            continue
        done.mkdir(exist_ok=True)
        path.replace(done / path.name)
        delivered += 1
    return PickUp(delivered=delivered, failed=failed)


def imap_poll():
    """Poll the configured IMAP mailbox (None when ``INBOUND_IMAP_URL`` is not set)."""
    from .imap import poll_configured

    return poll_configured(lambda raw: message_deliver(raw=raw, source=InboundMessage.Source.IMAP))


def mail_poll() -> dict:
    """Beat: the IMAP mailbox when one is configured, else the inbox folder."""
    polled = imap_poll() if settings.INBOUND_IMAP_URL else None
    if polled is not None:
        return {"imap": vars(polled)}
    return {"inbox": vars(inbox_pick_up())}
