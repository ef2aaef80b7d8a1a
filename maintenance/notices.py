"""What the customers of a network notice are told, and who they are.

Every notice goes to the users of the affected accounts' companies who may view the team (the
``can_view_team`` right), bell and e-mail, each written in the reader's language with the times
in the reader's zone (``accountteam.notifications.record`` calls the words below while it is
active). A reader sees only the affected accounts of their own companies. Keys are unique per
(notice, event, user): a retried event sends nothing twice.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accountteam import notifications
from accountteam.dates import local_format
from accountteam.notifications import Notice
from teams.models import Account
from teams.selectors import members_reaching

from .models import NetworkNotice, NoticeAccount, Status

# The events customers hear about (the notification's kind is ``<kind>_<event>``).
PUBLISHED, CHANGED, CANCELLED, DAY_BEFORE, STARTED, STATUS = (
    "published", "changed", "cancelled", "day_before", "started", "status",
)


def notice_url(notice: NetworkNotice) -> str:
    return reverse("maintenance_detail", args=[notice.pk])


def when(instant: dt.datetime | None, zone: zoneinfo.ZoneInfo) -> str:
    """A time as the reader reads it: in their zone and language ("Fri 4 Dec 2026, 02:00 MST")."""
    return local_format(timezone.localtime(instant, zone), "D j M Y, H:i T") if instant else "—"


def recipients(notice: NetworkNotice) -> list[tuple[object, list[Account]]]:
    """(user, the affected accounts they reach) for every user told of ``notice``: the active
    users of the affected companies with the view-team right on some affected account."""
    accounts = [row.account for row in NoticeAccount.objects.filter(notice=notice).select_related("account")]
    return members_reaching(accounts, "can_view_team")


def _subject(notice: NetworkNotice, event: str) -> Callable[[], str]:
    values = {"reference": notice.reference, "title": notice.title}

    def subject() -> str:
        if notice.is_maintenance:
            if event == CHANGED:
                return _("Planned maintenance %(reference)s changed: %(title)s") % values
            if event == CANCELLED:
                return _("Planned maintenance %(reference)s cancelled: %(title)s") % values
            if event == DAY_BEFORE:
                return _("Planned maintenance %(reference)s starts within a day: %(title)s") % values
            if event == STARTED:
                return _("Planned maintenance %(reference)s has started: %(title)s") % values
            return _("Planned maintenance %(reference)s: %(title)s") % values
        if event == STATUS and notice.status == Status.RESTORED:
            return _("Major outage %(reference)s: service restored") % values
        if event == STATUS and notice.status == Status.IDENTIFIED:
            return _("Major outage %(reference)s: cause identified") % values
        if event == STATUS:
            return _("Major outage %(reference)s: update") % values
        if event == CHANGED:
            return _("Major outage %(reference)s changed: %(title)s") % values
        return _("Major outage %(reference)s: %(title)s") % values

    return subject


def _body(notice: NetworkNotice, event: str, message: str, accounts: list[Account]) -> notifications.Body:
    numbers = ", ".join(f"{a.number} ({a.name})" for a in accounts)

    def body(zone: zoneinfo.ZoneInfo) -> str:
        lines = [notice.title]
        if notice.is_maintenance:
            # Translators: a planned maintenance's window, from its start to its end.
            lines.append(_("Window: %(start)s to %(end)s") % {
                "start": when(notice.starts_at, zone), "end": when(notice.ends_at, zone),
            })
        else:
            lines.append(_("Began: %(start)s") % {"start": when(notice.starts_at, zone)})
            if notice.ends_at:
                lines.append(_("Restored: %(end)s") % {"end": when(notice.ends_at, zone)})
        lines.append(_("Status: %(status)s") % {"status": notice.get_status_display()})
        lines.append(_("Expected impact: %(impact)s") % {"impact": notifications.excerpt(notice.impact)})
        lines.append(_("Your affected accounts: %(accounts)s") % {"accounts": numbers})
        if message:
            if event == CANCELLED:
                lines.append(_("Why it is cancelled: %(reason)s") % {"reason": notifications.excerpt(message)})
            else:
                lines.append(_("Update from the carrier: %(message)s") % {"message": notifications.excerpt(message)})
        if notice.is_maintenance:
            lines.append(_("GCR number %(reference)s is the maintenance's reference: quote it in any question.") % {
                "reference": notice.reference
            })
        return "\n".join(lines)

    return body


def notify_customers(notice: NetworkNotice, event: str, *, point: str, message: str = "") -> set[str]:
    """Tell the customers of ``notice`` about ``event``. ``point`` names this occurrence of the
    event (an update row's id, the start the reminder is for): with the user it makes the key."""
    notices = [
        Notice.to_user(
            user,
            key=f"network-notice:{notice.pk}:{event}:{point}:u{user.pk}",
            kind=f"{notice.kind}_{event}",
            subject=_subject(notice, event),
            body=_body(notice, event, message, accounts),
            url=notice_url(notice),
        )
        for user, accounts in recipients(notice)
    ]
    return notifications.record(notices)
