"""Sending notifications: recorded in the database first (exactly once by key), then emailed
after commit by a task. A lost task costs one sweep: the sweep re-sends stale unsent mail."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from .models import Notification, UserSettings


@dataclass(frozen=True)
class Notice:
    key: str
    kind: str
    email: str
    user_id: int | None
    subject: str
    body: str
    url: str

    @classmethod
    def to_person(cls, person, *, key: str, kind: str, subject: str, body: str, url: str) -> Notice:
        """A notice to carrier staff: their work email, and their bell when they have a sign-in."""
        return cls(key=key, kind=kind, email=person.email, user_id=person.user_id, subject=subject, body=body, url=url)

    @classmethod
    def to_user(cls, user, *, key: str, kind: str, subject: str, body: str, url: str) -> Notice:
        """A notice to a signed-in user (a customer's): their email and their bell."""
        return cls(key=key, kind=kind, email=user.email, user_id=user.pk, subject=subject, body=body, url=url)


def user_settings(user) -> UserSettings:
    obj, _ = UserSettings.objects.get_or_create(user=user)
    return obj


def record(notices: list[Notice]) -> set[str]:
    """Store the notices not stored before and return their keys.

    Call inside the transaction that made the change; emails go out after it commits.
    """
    if not notices:
        return set()
    existing = set(Notification.objects.filter(key__in=[n.key for n in notices]).values_list("key", flat=True))
    fresh = [n for n in notices if n.key not in existing]
    if not fresh:
        return set()
    prefs = {s.user_id: s for s in UserSettings.objects.filter(user_id__in={n.user_id for n in fresh if n.user_id})}
    rows = []
    for n in fresh:
        pref = prefs.get(n.user_id)
        by_email = bool(n.email) and (pref is None or pref.notify_by_email)
        in_app = n.user_id is not None and (pref is None or pref.notify_in_app)
        if not (by_email or in_app):
            continue
        rows.append(
            Notification(
                key=n.key,
                kind=n.kind,
                recipient_id=n.user_id if in_app else None,
                email=n.email,
                subject=n.subject,
                body=n.body,
                url=n.url,
                in_app=in_app,
                email_due=by_email,
            )
        )
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    ids = list(
        Notification.objects.filter(key__in=[r.key for r in rows], email_due=True, emailed_at__isnull=True).values_list(
            "pk", flat=True
        )
    )
    if ids:
        from .tasks import send_notification_emails

        transaction.on_commit(lambda: send_notification_emails.delay(ids))
    return {r.key for r in rows}


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
            context = {"notification": row, "link": _absolute(row.url), "carrier_name": settings.CARRIER_NAME}
            message = EmailMultiAlternatives(
                subject=f"[{settings.CARRIER_NAME}] {row.subject}",
                body=render_to_string("notifications/email.txt", context),
                to=[row.email],
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


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, in_app=True, read_at__isnull=True).count()
