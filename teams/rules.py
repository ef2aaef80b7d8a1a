"""Pure rules for account teams: no ORM, no clock, no I/O."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from accountteam.calendar import CalendarSpec

IN_OFFICE = "in_office"
OUT_OF_OFFICE = "out_of_office"


@dataclass(frozen=True)
class AvailabilityNow:
    code: str  # in_office | out_of_office | after_hours
    label: str
    until: dt.datetime | None = None
    # An absence planned ahead that has not begun: out of office from ``planned_from`` until
    # ``planned_until`` (the state reads as in office, or after hours, until then).
    planned_from: dt.datetime | None = None
    planned_until: dt.datetime | None = None

    @property
    def reachable_quickly(self) -> bool:
        return self.code == IN_OFFICE


def availability_now(
    *,
    state: str,
    until: dt.datetime | None,
    calendar: CalendarSpec,
    now: dt.datetime,
    starts: dt.datetime | None = None,
) -> AvailabilityNow:
    """What a customer should expect when contacting a person at ``now``.

    Out of office counts once it has begun (``starts`` empty or passed); before that it is a
    planned absence, carried in ``planned_from``/``planned_until``. A state with an ``until`` in
    the past has lapsed and reads as in office. Outside the person's business hours they are
    "after hours" whatever their state says.
    """
    planned = {}
    if state == OUT_OF_OFFICE and (until is None or until > now):
        if starts is None or starts <= now:
            return AvailabilityNow(OUT_OF_OFFICE, _("Out of office"), until)
        planned = {"planned_from": starts, "planned_until": until}
    if not calendar.is_open(now):
        return AvailabilityNow("after_hours", _("After hours"), calendar.next_opening(now), **planned)
    return AvailabilityNow(IN_OFFICE, _("In office"), **planned)


def periods_overlap(
    start_a: dt.date, end_a: dt.date | None, start_b: dt.date, end_b: dt.date | None
) -> bool:
    """Do two inclusive date periods overlap? An open end runs for ever."""
    return (end_b is None or start_a <= end_b) and (end_a is None or start_b <= end_a)
