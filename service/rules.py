"""Pure rules for the service package and its hours: no ORM, no clock, no I/O.

Hours are decimals in quarter hours. A month is named by its first day; a week by its Monday.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

QUARTER = Decimal("0.25")
MAX_ENTRY_HOURS = Decimal("24")  # one entry, and one person's day
MAX_PACKAGE_HOURS = Decimal("744")  # the hours of a 31-day month
THRESHOLDS = (80, 100)  # percent of the package's hours: the service people are warned once each
MAX_SHEET_ROWS = 50  # rows of one week's time sheet
ZERO = Decimal("0")


# --- Hours ------------------------------------------------------------------------------------------


def as_hours(value) -> Decimal | None:
    """``value`` as a decimal number of hours, or None when it is not a finite number."""
    try:
        hours = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        return None
    return hours if hours.is_finite() else None


def is_quarter_hours(hours: Decimal) -> bool:
    return hours % QUARTER == 0


def entry_hours_problem(value) -> str | None:
    """Why ``value`` cannot be one time entry's hours (None: it can)."""
    hours = as_hours(value)
    if hours is None:
        return _("Enter a number of hours.")
    if hours <= 0:
        return _("Enter more than 0 hours.")
    if hours > MAX_ENTRY_HOURS:
        return _("At most 24 hours in one entry.")
    if not is_quarter_hours(hours):
        return _("Log time in quarter hours (0.25, 0.5, 0.75, 1, …).")
    return None


def package_hours_problem(value) -> str | None:
    """Why ``value`` cannot be a package's hours per month (None: it can)."""
    hours = as_hours(value)
    if hours is None:
        return _("Enter a number of hours.")
    if hours <= 0:
        return _("Enter more than 0 hours.")
    if hours > MAX_PACKAGE_HOURS:
        return _("At most 744 hours a month (the hours of a 31-day month).")
    if not is_quarter_hours(hours):
        return _("Give the hours in quarter hours (for example 20 or 12.5).")
    return None


def hours_text(hours) -> str:
    """Hours as the reader's language writes them, without needless decimals: "20", "16.5", "0.25"
    ("16,5" in Spanish)."""
    value = as_hours(hours)
    if value is None:
        return ""
    places = max(0, -value.normalize().as_tuple().exponent)
    return floatformat(value, places)


# --- Months and weeks ----------------------------------------------------------------------------------

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    first = month_start(day)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return following - dt.timedelta(days=1)


def parse_month(text: str | None) -> dt.date | None:
    """"2026-12" → 1 Dec 2026; None for anything else (a month the bounds refuse included)."""
    match = _MONTH.match(text or "")
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        return None
    return dt.date(year, month, 1)


def month_key(first: dt.date) -> str:
    """The month as a parameter and in notice keys: "2026-12"."""
    return f"{first:%Y-%m}"


def months_before(first: dt.date, count: int) -> list[dt.date]:
    """``count`` months ending with ``first``'s, latest first."""
    months, month = [], month_start(first)
    for _step in range(count):
        months.append(month)
        month = month_start(month - dt.timedelta(days=1))
        if month.year < 2000:
            break
    return months


def week_start(day: dt.date) -> dt.date:
    """The Monday of ``day``'s week."""
    return day - dt.timedelta(days=day.weekday())


def week_days(monday: dt.date) -> list[dt.date]:
    return [monday + dt.timedelta(days=i) for i in range(7)]


# --- Packages and usage -----------------------------------------------------------------------------------


def package_on(packages, day: dt.date):
    """The package running on ``day`` (at most one: packages do not overlap), or None."""
    for package in packages:
        if package.start_date <= day and (package.end_date is None or package.end_date >= day):
            return package
    return None


def package_for_month(packages, first: dt.date):
    """The package a month's hours are counted against: the one running on its last day, else the
    last one that ran during it (it ended before the month did); None when none ran."""
    last = month_end(first)
    running = package_on(packages, last)
    if running is not None:
        return running
    during = [p for p in packages if p.start_date <= last and (p.end_date is None or p.end_date >= first)]
    return max(during, key=lambda p: p.start_date, default=None)


def overlaps(start: dt.date, end: dt.date | None, other_start: dt.date, other_end: dt.date | None) -> bool:
    """Do two date ranges (an empty end: open) share a day?"""
    return (other_end is None or other_end >= start) and (end is None or end >= other_start)


def percent_used(used: Decimal, included: Decimal | None) -> int | None:
    """Whole percent of the package's hours used (rounded down: 79.9% has not reached 80%)."""
    if not included:
        return None
    return int(used * 100 // included)


def thresholds_reached(used: Decimal, included: Decimal | None) -> list[int]:
    """The warning thresholds (80 and 100 percent) the month's hours have reached."""
    if not included:
        return []
    return [t for t in THRESHOLDS if used * 100 >= included * t]


# What ``usage_state`` answers.
USAGE_STATES = ("none", "ok", "warning", "over")


def usage_state(used: Decimal, included: Decimal | None) -> str:
    """"none" (no package), "ok", "warning" (80% or more) or "over" (more than the package)."""
    if not included:
        return "none"
    if used > included:
        return "over"
    return "warning" if thresholds_reached(used, included) else "ok"


# An entry linked to an item starts with the activity that kind of work usually is.
LINK_ACTIVITY = {
    "escalation": "escalation-management",
    "postmortem": "incident-trending",
    "meeting:service_review": "service-reviews",
    "meeting:executive_review": "executive-reviews",
    "meeting:infrastructure_review": "monitoring-review",
    "meeting:introduction": "touch-point-calls",
}


def link_activity(kind: str, meeting_kind: str = "") -> str | None:
    """The activity code an entry linked to an item of ``kind`` is offered first."""
    return LINK_ACTIVITY.get(f"meeting:{meeting_kind}" if kind == "meeting" else kind)


# --- A week's time sheet ---------------------------------------------------------------------------------


class SheetRefused(ValidationError):
    """A time sheet refused as a whole: nothing was saved. ``rows`` holds, for each row given, its
    messages by field (empty for a row that was fine), so that each is shown beside its field."""

    def __init__(self, rows: list[dict[str, list[str]]]):
        self.rows = rows
        wrong = [str(i + 1) for i, errors in enumerate(rows) if errors]
        super().__init__({"entries": [ngettext(
            # Translators: %(rows)s lists row numbers, "2" or "2, 5".
            "Nothing was saved: correct row %(rows)s.", "Nothing was saved: correct rows %(rows)s.", len(wrong),
        ) % {"rows": ", ".join(wrong)}]})
