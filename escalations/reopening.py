"""Whether a resolved item may still be reopened: pure (no ORM, no clock), ``now`` a parameter.

A customer may reopen a resolved item for ``ESCALATION_REOPEN_BUSINESS_DAYS`` business days on
the assignee's calendar; after that the matter is a new item. The window counts as the customer
reads "10 business days": from the resolution (the next opening when it was resolved after
hours), at the same wall-clock time, skipping the calendar's weekends and holidays.
"""

from __future__ import annotations

import datetime as dt

from accountteam.calendar import CalendarSpec


def reopen_closes_at(*, resolved_at: dt.datetime, calendar: CalendarSpec, business_days: int) -> dt.datetime:
    """The last instant at which an item resolved at ``resolved_at`` may be reopened."""
    return calendar.add_business_days(resolved_at, business_days)


def reopen_window_open(
    *, resolved_at: dt.datetime | None, now: dt.datetime, calendar: CalendarSpec, business_days: int
) -> bool:
    """Whether the item may be reopened at ``now`` (never when it has no resolution time)."""
    if resolved_at is None:
        return False
    return now <= reopen_closes_at(resolved_at=resolved_at, calendar=calendar, business_days=business_days)
