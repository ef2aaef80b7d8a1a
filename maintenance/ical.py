"""Network notices as iCalendar (RFC 5545): a download per notice, and the events each user's
calendar feed carries (registered with ``dossiers.feeds`` in ``MaintenanceConfig.ready``)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from . import selectors
from .models import NetworkNotice, Status

PRODID = "-//Account Team Portal//Network notices//EN"


def _utc(value: dt.datetime) -> dt.datetime:
    return value.astimezone(dt.UTC)


def notice_event(notice: NetworkNotice, *, stamp: dt.datetime) -> Event:
    """The notice's window as an event (prefetch ``notice_accounts`` with the reader's accounts).
    A major outage not yet restored ends, for the calendar, now."""
    event = Event()
    event.add("uid", f"network-notice-{notice.pk}@accountteam")
    event.add("dtstamp", _utc(stamp))
    start = _utc(notice.starts_at)
    end = _utc(notice.ends_at) if notice.ends_at else max(_utc(stamp), start + dt.timedelta(minutes=1))
    event.add("dtstart", start)
    event.add("dtend", end)
    # Each change is a new version of the event: the seconds since it was published only grow.
    event.add("sequence", max(0, int((notice.updated_at - notice.published_at).total_seconds())))
    event.add("summary", f"{notice.get_kind_display()} {notice.reference}: {notice.title}")
    accounts = ", ".join(row.account.number for row in notice.notice_accounts.all())
    description = [
        _("Status: %(status)s") % {"status": notice.get_status_display()},
        _("Expected impact: %(impact)s") % {"impact": notice.impact},
        _("Your affected accounts: %(accounts)s") % {"accounts": accounts},
    ]
    if notice.description:
        description.append(notice.description)
    event.add("description", "\n\n".join(description))
    event.add("status", "CANCELLED" if notice.status == Status.CANCELLED else "CONFIRMED")
    event.add("transp", "TRANSPARENT")  # the reader's own time is not taken
    return event


def notices_ics(notices, *, stamp: dt.datetime) -> bytes:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    # Translators: the name of a calendar of network notices; %(carrier)s is the carrier's name.
    cal.add("x-wr-calname", _("%(carrier)s network notices") % {"carrier": settings.CARRIER_NAME})
    for notice in notices:
        cal.add_component(notice_event(notice, stamp=stamp))
    return cal.to_ical()


def feed_events(user) -> list[Event]:
    """The calendar feed's source (``dossiers.feeds``): the notices ``user`` sees, recent and upcoming."""
    now = timezone.now()
    return [notice_event(notice, stamp=now) for notice in selectors.feed_notices(user=user, now=now)]
