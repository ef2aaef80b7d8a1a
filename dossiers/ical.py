"""Meetings as iCalendar (RFC 5545): a download per meeting, a per-user feed, and invitations."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vRecur, vText

from .models import Meeting

PRODID = "-//Account Team Portal//Meetings//EN"
_LAST = dt.datetime.max.replace(tzinfo=dt.UTC)
_FIRST = dt.datetime.min.replace(tzinfo=dt.UTC)


def _utc(value: dt.datetime) -> dt.datetime:
    """``value`` in UTC. The portal only accepts times within its bounds, but a calendar must not
    break on a row stored around them: a time that cannot be moved to UTC stays at the end of
    the calendar it fell off."""
    try:
        return value.astimezone(dt.UTC)
    except OverflowError:
        return _LAST if value.year > 1 else _FIRST


def _series_end(last_day: dt.date) -> dt.datetime:
    """The UNTIL of a series: the end of its last day on the carrier's calendar (the end of that
    day in UTC would drop an evening meeting west of Greenwich)."""
    return _utc(dt.datetime.combine(last_day, dt.time(23, 59, 59), tzinfo=timezone.get_default_timezone()))


def _calendar(method: str | None = None) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    # Translators: the name of the calendar a user subscribes to; %(carrier)s is the carrier's name.
    cal.add("x-wr-calname", _("%(carrier)s account meetings") % {"carrier": settings.CARRIER_NAME})
    return cal


def _event(meeting: Meeting, *, stamp: dt.datetime, organizer_email: str = "") -> Event:
    event = Event()
    event.add("uid", f"{meeting.uid}@accountteam")
    event.add("dtstamp", _utc(stamp))
    start = _utc(meeting.starts_at)
    event.add("dtstart", start)
    event.add("dtend", max(_utc(meeting.ends_at), start))
    event.add("sequence", meeting.sequence)
    event.add("summary", f"{meeting.title} ({meeting.account.number})")
    # Translators: the first line of a calendar event's description, e.g. "Service review · Mesa
    # Telecom, account 4501".
    heading = _("%(kind)s · %(company)s, account %(number)s") % {
        "kind": meeting.get_kind_display(),
        "company": meeting.account.company.name,
        "number": meeting.account.number,
    }
    description = [heading]
    if meeting.notes:
        description.append(meeting.notes)
    event.add("description", "\n\n".join(description))
    if meeting.location:
        event.add("location", meeting.location)
    if meeting.recurrence:
        rule = {"freq": "MONTHLY", "interval": 3} if meeting.recurrence == "QUARTERLY" else {"freq": meeting.recurrence}
        if meeting.repeat_until:
            rule["until"] = _series_end(meeting.repeat_until)
        event.add("rrule", vRecur(rule))
    if organizer_email:
        organizer = vCalAddress(f"mailto:{organizer_email}")
        organizer.params["cn"] = vText(settings.CARRIER_NAME)
        event["organizer"] = organizer
    for name, email in attendees(meeting):
        attendee = vCalAddress(f"mailto:{email}")
        attendee.params["cn"] = vText(name)
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        event.add("attendee", attendee, encode=0)
    return event


def attendees(meeting: Meeting) -> list[tuple[str, str]]:
    """(name, email) of everyone invited: carrier people first, then customer contacts, then guests
    (customer users invited by e-mail: ``[name, email]`` pairs), each address once."""
    people = [(p.name, p.email) for p in meeting.people.all() if p.email]
    contacts = [(c.name, c.email) for c in meeting.contacts.all() if c.email]
    guests = [(name, email) for name, email in meeting.guests or [] if email]
    seen, invited = set(), []
    for name, email in people + contacts + guests:
        if email.lower() not in seen:
            seen.add(email.lower())
            invited.append((name, email))
    return invited


def meetings_ics(meetings, *, stamp: dt.datetime, extra: Iterable[Event] = ()) -> bytes:
    """A calendar of ``meetings`` (select their account and company, prefetch attendees), then
    the ``extra`` events other apps give a feed (``feeds.extra_events``)."""
    cal = _calendar()
    for meeting in meetings:
        cal.add_component(_event(meeting, stamp=stamp))
    for event in extra:
        cal.add_component(event)
    return cal.to_ical()


def invitation_ics(meeting: Meeting, *, stamp: dt.datetime, organizer_email: str) -> bytes:
    """An iTIP REQUEST that mail clients show as an invitation with accept/decline."""
    cal = _calendar(method="REQUEST")
    cal.add_component(_event(meeting, stamp=stamp, organizer_email=organizer_email))
    return cal.to_ical()
