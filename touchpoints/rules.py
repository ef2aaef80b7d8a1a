"""Pure rules for regular reviews: no ORM, no clock, no I/O."""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta

from accountteam.calendar import CalendarSpec

# How often a plan item comes round, in months.
CADENCES = (1, 3, 6, 12)
# How far ahead a due date may be looked for when it falls on closed days (holidays, weekends).
HORIZON_DAYS = 400


def next_due(due_on: dt.date, cadence_months: int) -> dt.date:
    """The next occurrence's date: the previous one's due date plus the cadence (31 Jan + 1 month
    is 28 or 29 Feb), whenever the previous one was held."""
    return due_on + relativedelta(months=cadence_months)


def business_due_date(due_on: dt.date, calendar: CalendarSpec) -> dt.date:
    """The business day an occurrence is due on: ``due_on`` itself, or the next day the owner's
    calendar is open when it falls on a weekend, a holiday or a closure."""
    day = due_on
    for _step in range(HORIZON_DAYS):
        if calendar.close_of_business(day) is not None:
            return day
        day += dt.timedelta(days=1)
    return due_on


def due_at(due_on: dt.date, calendar: CalendarSpec) -> dt.datetime:
    """When an occurrence due on ``due_on`` becomes overdue: the close of business of that day on
    the owner's calendar (of the next business day when that day is closed). A calendar that never
    opens: midnight at the end of the day in its zone."""
    close = calendar.close_of_business(business_due_date(due_on, calendar))
    if close is not None:
        return close
    return dt.datetime.combine(due_on + dt.timedelta(days=1), dt.time(), tzinfo=calendar.zone)


def reminder_date(due_on: dt.date, business_days: int, calendar: CalendarSpec) -> dt.date:
    """The date ``business_days`` business days before the business day ``due_on`` falls on; from
    that date on the owner is reminded. 0 is the due day itself. Closed days are skipped."""
    day = business_due_date(due_on, calendar)
    left = business_days
    for _step in range(HORIZON_DAYS):
        if left <= 0:
            return day
        day -= dt.timedelta(days=1)
        if calendar.close_of_business(day) is not None:
            left -= 1
    return day


def is_action_overdue(due_on: dt.date, local_today: dt.date) -> bool:
    """An action item is overdue once its due date has passed on its owner's calendar date."""
    return local_today > due_on
