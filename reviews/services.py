"""Writes for the director's review: the weekly digest.

Reassigning from the dashboard is ``escalations.services.escalation_reassign`` itself (the
view only checks that the item and the new assignee are in the reviewed group).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from accountteam import notifications
from accountteam.models import Notification
from accountteam.notifications import Notice

from . import rules, selectors
from .digest import Digest, digest_for, digest_recipients


def weekly_digests_send(*, now: dt.datetime | None = None) -> int:
    """Beat, hourly: send the weekly digest to every director whose own clock (their calendar's
    zone) reads Monday at the digest hour. Exactly once per director and ISO week: the notice's
    key is ``digest:<person>:<ISO week>``, so a rerun, a retry or a second worker sends nothing
    twice. Returns how many digests were recorded now."""
    now = now or timezone.now()
    sent = 0
    for director in digest_recipients():
        local = now.astimezone(ZoneInfo(director.calendar.time_zone))
        if not rules.digest_due(local, hour=settings.REVIEW_DIGEST_HOUR):
            continue
        key = rules.digest_key(director.pk, local.date())
        if Notification.objects.filter(key=key).exists():
            continue  # already sent this week: do not even build it again
        sent += digest_send(director=director, key=key, now=now)
    return sent


@transaction.atomic
def digest_send(*, director, key: str, now: dt.datetime) -> int:
    """Record one director's digest (emailed after commit), written in the director's language.
    Returns 1 if it is new, else 0."""
    scope = selectors.scope_for_director(director)
    digest = digest_for(scope, now=now)
    link = _absolute(reverse("review_dashboard"))

    def body(zone) -> str:
        with timezone.override(digest.zone):  # times in the mail on the director's own clock
            return render_to_string("reviews/email/digest.txt", {"digest": digest, "link": link}).strip()

    notice = Notice.to_person(
        director,
        key=key,
        kind="digest",
        subject=lambda: digest_subject(digest),
        body=body,
        url=reverse("review_digest"),
    )
    return len(notifications.record([notice]))


def digest_subject(digest: Digest) -> str:
    """The digest's subject, in the active language."""
    total = digest.last_week.total
    words = {
        "week": rules.week_label(digest.last_week.period.first),
        "count": digest.overdue_count,
        "rate": f"{total.met_due_rate:.0%}" if total.met_due_rate is not None else "",
    }
    if total.met_due_rate is None:
        # Translators: the weekly digest's subject; %(week)s is an ISO week ("2026-W03").
        return ngettext(
            "Weekly review %(week)s: %(count)s overdue, nothing due",
            "Weekly review %(week)s: %(count)s overdue, nothing due",
            digest.overdue_count,
        ) % words
    # Translators: the weekly digest's subject; %(week)s is an ISO week ("2026-W03"), %(rate)s a percentage ("83%").
    return ngettext(
        "Weekly review %(week)s: %(count)s overdue, %(rate)s met due",
        "Weekly review %(week)s: %(count)s overdue, %(rate)s met due",
        digest.overdue_count,
    ) % words


def _absolute(url: str) -> str:
    return f"{settings.PORTAL_BASE_URL.rstrip('/')}{url}"
