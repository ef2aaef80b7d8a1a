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
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

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
        # Translators: "mon..sun" are the weekday keys of the JSON value; keep them as they are.
        return [_("Weekly hours must be an object keyed by weekday (mon..sun).")]
    problems = []
    unknown = set(value) - set(WEEKDAYS)
    if unknown:
        # Translators: a list of the JSON value's keys that are not weekday keys (mon..sun).
        problems.append(_("Unknown weekdays: %(days)s.") % {"days": ", ".join(sorted(unknown))})
    for day in WEEKDAYS:
        intervals = value.get(day, [])
        if not isinstance(intervals, list):
            # Translators: %(day)s is a weekday key (mon..sun); [open, close] is the JSON shape of
            # an interval, two times such as ["08:00", "17:00"].
            problems.append(_("%(day)s: expected a list of [open, close] pairs.") % {"day": day})
            continue
        previous_close = -1
        for pair in sorted(intervals, key=lambda p: str(p[0]) if isinstance(p, list) and p else ""):
            if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(t, str) for t in pair)):
                # Translators: %(day)s is a weekday key (mon..sun), %(pair)s the value given.
                problems.append(_("%(day)s: %(pair)s is not an [open, close] pair.") % {"day": day, "pair": repr(pair)})
                continue
            if not all(_HHMM.match(t) for t in pair):
                # Translators: %(day)s is a weekday key (mon..sun), %(pair)s the value given.
                problems.append(_("%(day)s: times must be HH:MM, got %(pair)s.") % {"day": day, "pair": repr(pair)})
                continue
            start, end = _minutes(pair[0]), _minutes(pair[1])
            if start >= end:
                problems.append(
                    # Translators: %(day)s is a weekday key (mon..sun); %(start)s and %(end)s are times (HH:MM).
                    _("%(day)s: %(start)s is not before %(end)s.") % {"day": day, "start": pair[0], "end": pair[1]}
                )
            elif start < previous_close:
                # Translators: %(day)s is a weekday key (mon..sun); %(time)s is a time (HH:MM).
                problems.append(_("%(day)s: intervals overlap at %(time)s.") % {"day": day, "time": pair[0]})
            previous_close = max(previous_close, end)
    return problems


def validate_time_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    # OSError: a name no file can have (too long), which is no zone either.
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


def validate_holiday_region(country: str, subdivision: str = "") -> list[str]:
    if not country:
        return []
    try:
        holidays.country_holidays(country, subdiv=subdivision or None)
    except (NotImplementedError, KeyError):
        # Translators: %(country)s is the country code that was given, in quotes ('XX').
        return [_("The holidays package has no country %(country)s.") % {"country": repr(country)}]
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
            # Translators: the name shown for a day the calendar is closed on (not a holiday).
            return pgettext("business calendar day", "Closed")
        # ``.get`` fills the year lazily; testing the (still empty) holiday object for truth first
        # would answer None for a holiday until some other lookup had loaded its year.
        return self._holidays.get(day)

    def intervals_on(self, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
        """The opening intervals of a local date as aware datetimes (empty on closed days)."""
        return [(start.astimezone(self.zone), end.astimezone(self.zone)) for start, end in self._spans(day)]

    def _spans(self, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
        """The opening intervals of a local date in UTC: sorted, disjoint and non-empty.

        Instants are compared and subtracted in UTC only: Python compares two datetimes that
        share a tzinfo by wall clock, which is wrong in the hour a DST change repeats.
        """
        if self.is_closed_day(day):
            return []
        result = []
        for start_hhmm, end_hhmm in sorted(self.weekly_hours.get(WEEKDAYS[day.weekday()], [])):
            start = self._local(day, _minutes(start_hhmm)).astimezone(dt.UTC)
            end = self._local(day, _minutes(end_hhmm)).astimezone(dt.UTC)
            if result:
                # A boundary moved forward out of a DST gap can overlap the previous interval.
                start = max(start, result[-1][1])
            if start < end:
                result.append((start, end))
        return result

    def _local(self, day: dt.date, minutes: int) -> dt.datetime:
        naive = dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=minutes)
        return self._wall(naive)

    def _wall(self, naive: dt.datetime) -> dt.datetime:
        # Wall-clock times that a DST change skips are moved forward by the gap; a repeated
        # wall-clock time is its first occurrence.
        aware = naive.replace(tzinfo=self.zone, fold=0)
        return aware.astimezone(dt.UTC).astimezone(self.zone)

    def is_open(self, instant: dt.datetime) -> bool:
        """Is ``instant`` (aware) inside business hours on this calendar?"""
        _require_aware(instant)
        moment = instant.astimezone(dt.UTC)
        local = instant.astimezone(self.zone)
        return any(start <= moment < end for start, end in self._spans(local.date()))

    def next_opening(self, instant: dt.datetime, *, horizon_days: int = 400) -> dt.datetime | None:
        """The first instant at or after ``instant`` when business hours are open."""
        _require_aware(instant)
        moment = instant.astimezone(dt.UTC)
        local_day = instant.astimezone(self.zone).date()
        for offset in range(horizon_days):
            for start, end in self._spans(local_day + dt.timedelta(days=offset)):
                if end > moment:
                    return start.astimezone(self.zone) if start >= moment else instant
        return None

    # --- Business-time arithmetic ---------------------------------------------------------
    #
    # All of it is O(days spanned): one ``_spans`` per local date, one holiday lookup each.

    def _clock_start(self, instant: dt.datetime, horizon_days: int) -> dt.datetime:
        """``next_opening`` in UTC, or ValueError when the calendar never opens."""
        start = self.next_opening(instant, horizon_days=horizon_days)
        if start is None:
            raise ValueError(f"calendar has no business hours within {horizon_days} days of {instant}")
        return start.astimezone(dt.UTC)

    def add_business_time(
        self, instant: dt.datetime, duration: dt.timedelta, *, horizon_days: int = 400
    ) -> dt.datetime:
        """The instant ``duration`` of open time after the clock starts at ``next_opening(instant)``.

        A duration that runs out exactly at a close returns that close (Friday 16:00 + 1 h is
        Friday 17:00); a zero duration returns ``next_opening(instant)``.
        """
        _require_aware(instant)
        if not isinstance(duration, dt.timedelta):
            raise TypeError("duration must be a timedelta")
        if duration < dt.timedelta(0):
            raise ValueError("duration must not be negative")
        cursor = self._clock_start(instant, horizon_days)
        remaining = duration
        day = cursor.astimezone(self.zone).date()
        closed_days = 0
        while True:
            spans = [(max(start, cursor), end) for start, end in self._spans(day) if end > cursor]
            for start, end in spans:
                if remaining <= end - start:
                    return (start + remaining).astimezone(self.zone)
                remaining -= end - start
                cursor = end
            closed_days = 0 if spans else closed_days + 1
            if closed_days >= horizon_days:
                raise ValueError(f"calendar has no business hours within {horizon_days} days of {day}")
            day += dt.timedelta(days=1)

    def add_business_days(self, instant: dt.datetime, days: int, *, horizon_days: int = 400) -> dt.datetime:
        """The same wall-clock time ``days`` business days after the clock starts.

        The clock starts at ``next_opening(instant)``; a business day is a local date with at
        least one opening interval. The result is clamped into that day's hours: before its
        first opening it is that opening, after its last close that close, in a gap between two
        intervals the next opening.
        """
        _require_aware(instant)
        if not isinstance(days, int) or isinstance(days, bool):
            raise TypeError("days must be an int")
        if days < 0:
            raise ValueError("days must not be negative")
        start = self._clock_start(instant, horizon_days)
        if days == 0:
            return start.astimezone(self.zone)
        local_start = start.astimezone(self.zone)
        day = local_start.date()
        counted = closed_days = 0
        while counted < days:
            day += dt.timedelta(days=1)
            spans = self._spans(day)
            if spans:
                counted += 1
                closed_days = 0
            else:
                closed_days += 1
                if closed_days >= horizon_days:
                    raise ValueError(f"calendar has no business hours within {horizon_days} days of {day}")
        target = self._wall(dt.datetime.combine(day, local_start.time())).astimezone(dt.UTC)
        for open_, close in spans:
            if target < close:
                return max(open_, target).astimezone(self.zone)
        return spans[-1][1].astimezone(self.zone)

    def business_time_between(self, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
        """The open time inside ``[start, end)``; zero when ``end <= start``."""
        _require_aware(start)
        _require_aware(end)
        start, end = start.astimezone(dt.UTC), end.astimezone(dt.UTC)
        total = dt.timedelta(0)
        if end <= start:
            return total
        day = start.astimezone(self.zone).date()
        last_day = end.astimezone(self.zone).date()
        while day <= last_day:
            for open_, close in self._spans(day):
                overlap = min(close, end) - max(open_, start)
                if overlap > dt.timedelta(0):
                    total += overlap
            day += dt.timedelta(days=1)
        return total

    def opening_of_business(self, local_date: dt.date) -> dt.datetime | None:
        """The first opening of a local date, or None when the calendar is closed that day."""
        spans = self._spans(_require_date(local_date))
        return spans[0][0].astimezone(self.zone) if spans else None

    def close_of_business(self, local_date: dt.date) -> dt.datetime | None:
        """The last close of a local date ("24:00" is next midnight), or None when closed that day."""
        spans = self._spans(_require_date(local_date))
        return spans[-1][1].astimezone(self.zone) if spans else None


def _require_aware(instant: dt.datetime) -> None:
    if not isinstance(instant, dt.datetime):
        raise TypeError(f"expected an aware datetime, got {type(instant).__name__}")
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("instant must be timezone-aware")


def _require_date(day: dt.date) -> dt.date:
    if isinstance(day, dt.datetime) or not isinstance(day, dt.date):
        raise TypeError(f"expected a local date, got {type(day).__name__}")
    return day
