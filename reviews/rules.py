"""Pure rules for the director's review: no ORM, no clock, no I/O. ``today`` and ``now`` are
parameters.

Readings the review adopts (also stated on the pages and in the README):

- An item **met its target** (or due time) when it was answered at or before it. "Answered" is
  its first response (an acknowledgement or a reply); an item resolved without a separate
  response counts as answered when it was resolved.
- An item still **unanswered past its due time** (clock running) counts as missed; one not yet
  due, one waiting on the customer (its clock is stopped and resuming moves the deadline), and
  one cancelled unanswered (nothing left to answer) are not decided and count neither way.
  Rates are shares of the decided items: met / (met + missed). The same holds for the target.
- Waiting on the customer does not count against the SLA: resuming moves target and due out by
  the business time spent waiting, so "met" already allows for pauses.
- **Time to first response** is wall-clock time from received to answered. Paused time is not
  subtracted: ``paused_business_seconds`` is business time (not wall-clock) and also adds up
  pauses after the first response, so subtracting it would mix units and over-correct.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from accountteam import bounds
from accountteam.dates import local_format

PERIOD_CHOICES = (7, 30, 90)
DEFAULT_PERIOD = 30
MAX_PERIOD_DAYS = 731  # two years: enough for any review, bounded for the weekly trend

GROUP_BY = ("person", "channel", "category", "company")

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class ParamError(ValueError):
    """Bad report parameters (period, group); ``errors`` maps each parameter to what is wrong with it."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class Period:
    """Local calendar dates, both inclusive."""

    first: dt.date
    last: dt.date
    days: int | None = None  # set for the "last N days" choices

    def bounds(self, zone: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
        """[start, end): local midnight of the first day to local midnight after the last."""
        start = dt.datetime.combine(self.first, dt.time(), tzinfo=zone)
        end = dt.datetime.combine(self.last + dt.timedelta(days=1), dt.time(), tzinfo=zone)
        return start, end

    @property
    def label(self) -> str:
        """The period in words, in the active language: "Wed 05 Mar 2025", "05 Mar 2025 – 11 Mar 2025"."""
        if self.first == self.last:
            return local_format(self.first, "D d M Y")
        return f"{local_format(self.first, 'd M Y')} – {local_format(self.last, 'd M Y')}"

    def query(self) -> dict[str, str]:
        """The query parameters that select this period again."""
        if self.days:
            return {"period": str(self.days)}
        return {"from": self.first.isoformat(), "to": self.last.isoformat()}


def _date(value: str, name: str, errors: dict) -> dt.date | None:
    if not _ISO_DATE.match(value):
        errors[name] = _("“%(value)s” is not a date in the form YYYY-MM-DD.") % {"value": value}
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        errors[name] = _("“%(value)s” is not a valid date.") % {"value": value}
        return None
    if not bounds.within(day):
        errors[name] = bounds.DATE_MESSAGE
        return None
    return day


def parse_period(params: Mapping[str, str], *, today: dt.date) -> Period:
    """The period asked for: ``from``/``to`` (dates, inclusive; ``to`` defaults to today) or
    ``period`` = 7, 30 or 90 (the last N days, today included; 30 when nothing is given)."""
    errors: dict[str, str] = {}
    raw_from, raw_to = (params.get("from") or "").strip(), (params.get("to") or "").strip()
    if raw_from or raw_to:
        if not raw_from:
            errors["from"] = _("Give the first day of the period as well.")
        first = _date(raw_from, "from", errors) if raw_from else None
        last = _date(raw_to, "to", errors) if raw_to else today
        if first and last and first > last:
            errors["to"] = _("The last day is before the first.")
        if first and last and not errors and (last - first).days + 1 > MAX_PERIOD_DAYS:
            errors["from"] = _("A period is at most %(days)s days.") % {"days": MAX_PERIOD_DAYS}
        if errors:
            raise ParamError(errors)
        return Period(first, last)
    raw = (params.get("period") or str(DEFAULT_PERIOD)).strip()
    if raw not in {str(n) for n in PERIOD_CHOICES}:
        choices = ", ".join(map(str, PERIOD_CHOICES))
        # Translators: %(choices)s lists the periods in days ("7, 30, 90"); "from" and "to" are parameter names.
        raise ParamError({"period": _("Choose %(choices)s days, or give from and to.") % {"choices": choices}})
    days = int(raw)
    return Period(today - dt.timedelta(days=days - 1), today, days=days)


def parse_group_by(value: str | None) -> str:
    value = (value or "person").strip()
    if value not in GROUP_BY:
        # Translators: %(choices)s lists parameter values, not to be translated ("person, channel, category, company").
        raise ParamError({"group_by": _("Choose one of %(choices)s.") % {"choices": ", ".join(GROUP_BY)}})
    return value


# --- Figures --------------------------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float | None:
    """The ``q`` percentile of ``values`` with linear interpolation between the two nearest ranks,
    exactly as PostgreSQL's ``percentile_cont`` (used on SQLite, where that does not exist)."""
    if not values:
        return None
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    low, high = math.floor(position), math.ceil(position)
    if low == high:
        return float(ordered[low])
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def duration_words(seconds: float | None) -> str:
    """'2 d 4 h', '3 h 05 min', '12 min', or '—' for nothing."""
    if seconds is None:
        return "—"
    span = int(round(seconds))
    days, rest = divmod(span, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        # Translators: a duration in days and hours, abbreviated ("2 d 4 h").
        return _("%(days)s d %(hours)s h") % {"days": days, "hours": hours}
    if hours:
        # Translators: a duration in hours and minutes, abbreviated ("3 h 05 min").
        return _("%(hours)s h %(minutes)s min") % {"hours": hours, "minutes": f"{minutes:02d}"}
    if span >= 60:
        # Translators: a duration in minutes, abbreviated ("12 min").
        return _("%(minutes)s min") % {"minutes": minutes}
    # Translators: a duration in seconds, abbreviated ("40 s").
    return _("%(seconds)s s") % {"seconds": span}


def iso_weeks(period: Period) -> list[dt.date]:
    """The Monday of every ISO week the period touches, in order."""
    monday = period.first - dt.timedelta(days=period.first.weekday())
    weeks = []
    while monday <= period.last:
        weeks.append(monday)
        monday += dt.timedelta(days=7)
    return weeks


def week_label(monday: dt.date) -> str:
    iso = monday.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


# --- The weekly digest -------------------------------------------------------------------------------

DIGEST_WEEKDAY = 0  # Monday


def digest_due(local_now: dt.datetime, *, hour: int) -> bool:
    """Is it the digest hour (Monday ``hour``:xx) on the director's own clock?"""
    return local_now.weekday() == DIGEST_WEEKDAY and local_now.hour == hour


def digest_key(person_id: int, local_day: dt.date) -> str:
    """One digest per director per ISO week: the notice's unique key."""
    iso = local_day.isocalendar()
    return f"digest:{person_id}:{iso.year}-W{iso.week:02d}"


def previous_week(local_day: dt.date) -> Period:
    """Monday to Sunday of the ISO week before the one ``local_day`` is in."""
    monday = local_day - dt.timedelta(days=local_day.weekday()) - dt.timedelta(days=7)
    return Period(monday, monday + dt.timedelta(days=6))
