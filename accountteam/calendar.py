"""Business calendars as plain values: no database, no clock.

A calendar is an IANA time zone, weekly opening hours, a holiday country/region from the
``holidays`` package and extra closure dates. The functions here answer questions about
instants; callers pass ``now`` in.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cached_property
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$|^24:00$")

# Monday to Friday, 08:00-17:00: the default for new calendars.
DEFAULT_WEEKLY_HOURS = {day: ([["08:00", "17:00"]] if day not in ("sat", "sun") else []) for day in WEEKDAYS}


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def validate_weekly_hours(value) -> list[str]:
    """Return the problems with a weekly-hours mapping (empty when it is valid).

    The shape is ``{"mon": [["08:00", "17:00"]], ..., "sun": []}``: per weekday, a list of
    non-overlapping [open, close) intervals in local time, "24:00" allowed as a close.
    """
    if not isinstance(value, dict):
        return ["Weekly hours must be an object keyed by weekday (mon..sun)."]
    problems = []
    unknown = set(value) - set(WEEKDAYS)
    if unknown:
        problems.append(f"Unknown weekdays: {', '.join(sorted(unknown))}.")
    for day in WEEKDAYS:
        intervals = value.get(day, [])
        if not isinstance(intervals, list):
            problems.append(f"{day}: expected a list of [open, close] pairs.")
            continue
        previous_close = -1
        for pair in sorted(intervals, key=lambda p: str(p[0]) if isinstance(p, list) and p else ""):
            if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(t, str) for t in pair)):
                problems.append(f"{day}: {pair!r} is not an [open, close] pair.")
                continue
            if not all(_HHMM.match(t) for t in pair):
                problems.append(f"{day}: times must be HH:MM, got {pair!r}.")
                continue
            start, end = _minutes(pair[0]), _minutes(pair[1])
            if start >= end:
                problems.append(f"{day}: {pair[0]} is not before {pair[1]}.")
            elif start < previous_close:
                problems.append(f"{day}: intervals overlap at {pair[0]}.")
            previous_close = max(previous_close, end)
    return problems


def validate_time_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def validate_holiday_region(country: str, subdivision: str = "") -> list[str]:
    if not country:
        return []
    try:
        holidays.country_holidays(country, subdiv=subdivision or None)
    except (NotImplementedError, KeyError):
        return [f"The holidays package has no country {country!r}."]
    except ValueError as exc:
        return [str(exc)]
    return []


@dataclass(frozen=True)
class CalendarSpec:
    time_zone: str = "UTC"
    weekly_hours: dict = field(default_factory=lambda: dict(DEFAULT_WEEKLY_HOURS))
    holiday_country: str = ""
    holiday_subdivision: str = ""
    closures: frozenset[dt.date] = frozenset()

    @cached_property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @cached_property
    def _holidays(self):
        if not self.holiday_country:
            return {}
        # Loaded once per calendar; the package fills further years lazily on lookup.
        return holidays.country_holidays(self.holiday_country, subdiv=self.holiday_subdivision or None)

    def is_closed_day(self, day: dt.date) -> bool:
        return day in self.closures or day in self._holidays

    def holiday_name(self, day: dt.date) -> str | None:
        if day in self.closures:
            return "Closed"
        return self._holidays.get(day) if self._holidays else None

    def intervals_on(self, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
        """The opening intervals of a local date as aware datetimes (empty on closed days)."""
        if self.is_closed_day(day):
            return []
        result = []
        for start, end in sorted(self.weekly_hours.get(WEEKDAYS[day.weekday()], [])):
            result.append((self._local(day, _minutes(start)), self._local(day, _minutes(end))))
        return result

    def _local(self, day: dt.date, minutes: int) -> dt.datetime:
        naive = dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=minutes)
        # Wall-clock times that a DST change skips are moved forward by the gap.
        aware = naive.replace(tzinfo=self.zone)
        return aware.astimezone(dt.UTC).astimezone(self.zone)

    def is_open(self, instant: dt.datetime) -> bool:
        """Is ``instant`` (aware) inside business hours on this calendar?"""
        if instant.tzinfo is None:
            raise ValueError("instant must be timezone-aware")
        local = instant.astimezone(self.zone)
        return any(start <= instant < end for start, end in self.intervals_on(local.date()))

    def next_opening(self, instant: dt.datetime, *, horizon_days: int = 400) -> dt.datetime | None:
        """The first instant at or after ``instant`` when business hours are open."""
        local_day = instant.astimezone(self.zone).date()
        for offset in range(horizon_days):
            for start, end in self.intervals_on(local_day + dt.timedelta(days=offset)):
                if end > instant:
                    return max(start, instant)
        return None
