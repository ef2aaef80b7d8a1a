"""Emailing recorded notifications: the worker's side of ``notifications.record``.

Mail is at least once (a worker that dies after sending and before marking sends again, with
the same Message-ID); each row is claimed under a lock, so two workers never send the same one
at the same time. Notices themselves are exactly once (their key is unique).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from . import mail_threads
from .models import Notification


def message_id(key: str) -> str:
    """A Message-ID derived from the notice's key: the rare second delivery of a notice (a worker
    that died between sending and marking it sent) carries the same id, so mail clients and
    people can tell it is the same message."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:40]
    domain = urlsplit(settings.PORTAL_BASE_URL).hostname or "localhost"
    return f"<notice.{digest}@{domain}>"


def headers(row: Notification) -> dict[str, str]:
    """Threading and loop headers: mail about an item names the item in its Message-ID and refers
    to the item's thread (and to the message it answers); every notice is automatic mail
    (RFC 3834), an acknowledgement of the recipient's own mail an automatic reply, so that mail
    systems never answer it automatically."""
    values = {"Auto-Submitted": "auto-replied" if row.automatic else "auto-generated"}
    if not row.thread:
        return values | {"Message-ID": message_id(row.key)}
    root = mail_threads.thread_root(row.thread)
    answers = row.in_reply_to or root
    references = " ".join(dict.fromkeys([root, answers]))
    return values | {"Message-ID": mail_threads.message_id(row.thread, row.key), "In-Reply-To": answers,
                     "References": references}


def send_emails(ids: list[int]) -> int:
    """Email the given notifications not emailed yet; each row is claimed so two workers never
    send the same one."""
    sent = 0
    for pk in ids:
        with transaction.atomic():
            row = (
                Notification.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, email_due=True, emailed_at__isnull=True)
                .first()
            )
            if row is None:
                continue
            reply_to = mail_threads.reply_address(row.thread) if row.thread else ""
            context = {
                "notification": row, "link": _absolute(row.url), "carrier_name": settings.CARRIER_NAME,
                "reply_to": reply_to,
                "note_to": mail_threads.reply_address(row.thread, internal=True) if reply_to and row.to_staff else "",
            }
            with translation.override(row.language or settings.LANGUAGE_CODE):  # the recipient's
                message = EmailMultiAlternatives(
                    subject=f"[{settings.CARRIER_NAME}] {row.subject}",
                    body=render_to_string("notifications/email.txt", context),
                    to=[row.email],
                    reply_to=[reply_to] if reply_to else None,
                    headers=headers(row) | {"Content-Language": translation.get_language()},
                )
                message.attach_alternative(render_to_string("notifications/email.html", context), "text/html")
            message.send()
            row.emailed_at = timezone.now()
            row.email_due = False
            row.save(update_fields=["emailed_at", "email_due"])
            sent += 1
    return sent


def stale_unsent(*, now: dt.datetime, older_than: dt.timedelta = dt.timedelta(minutes=2)) -> list[int]:
    """Emails recorded but still unsent after a while: their task was lost; send them again."""
    return list(
        Notification.objects.filter(email_due=True, emailed_at__isnull=True, created_at__lte=now - older_than)
        .order_by("created_at")
        .values_list("pk", flat=True)[:500]
    )


def _absolute(url: str) -> str:
    return f"{settings.PORTAL_BASE_URL.rstrip('/')}{url}" if url.startswith("/") else url
