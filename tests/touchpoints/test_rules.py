"""The pure rules: when an occurrence is due on its owner's calendar, when the reminder starts,
and the next occurrence's date."""

import datetime as dt

import pytest

from accountteam.calendar import CalendarSpec
from touchpoints import rules

from .conftest import denver

DENVER_OFFICE = CalendarSpec(time_zone="America/Denver", holiday_country="US")


@pytest.mark.parametrize(
    ("due_on", "expected"),
    [
        (dt.date(2026, 3, 13), denver(2026, 3, 13, 17, 0)),  # a Friday: its close of business
        (dt.date(2026, 3, 14), denver(2026, 3, 16, 17, 0)),  # a Saturday: Monday's close
        (dt.date(2026, 5, 25), denver(2026, 5, 26, 17, 0)),  # Memorial Day: the next day's close
        (dt.date(2026, 12, 25), denver(2026, 12, 28, 17, 0)),  # Christmas, a Friday: Monday's close
    ],
)
def test_due_at_is_the_close_of_business_of_the_due_date_or_of_the_next_business_day(due_on, expected):
    assert rules.due_at(due_on, DENVER_OFFICE) == expected


def test_due_at_follows_the_owners_zone():
    buenos_aires = CalendarSpec(time_zone="America/Argentina/Buenos_Aires", holiday_country="AR")
    assert rules.due_at(dt.date(2026, 3, 13), buenos_aires).utcoffset() == dt.timedelta(hours=-3)


def test_a_closure_counts_as_a_closed_day():
    spec = CalendarSpec(time_zone="America/Denver", closures=frozenset({dt.date(2026, 3, 13)}))
    assert rules.due_at(dt.date(2026, 3, 13), spec) == denver(2026, 3, 16, 17, 0)


@pytest.mark.parametrize(
    ("due_on", "days", "expected"),
    [
        (dt.date(2026, 3, 13), 5, dt.date(2026, 3, 6)),  # five weekdays back
        (dt.date(2026, 3, 13), 0, dt.date(2026, 3, 13)),
        (dt.date(2026, 5, 29), 5, dt.date(2026, 5, 21)),  # Memorial Day is skipped
        (dt.date(2026, 3, 14), 1, dt.date(2026, 3, 13)),  # due Saturday = Monday: one day back is Friday
    ],
)
def test_reminder_date_counts_business_days_back_on_the_owners_calendar(due_on, days, expected):
    assert rules.reminder_date(due_on, days, DENVER_OFFICE) == expected


@pytest.mark.parametrize(
    ("due_on", "months", "expected"),
    [
        (dt.date(2026, 3, 13), 1, dt.date(2026, 4, 13)),
        (dt.date(2026, 3, 13), 3, dt.date(2026, 6, 13)),
        (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 28)),
        (dt.date(2026, 11, 30), 12, dt.date(2027, 11, 30)),
    ],
)
def test_next_due_adds_the_cadence_to_the_due_date(due_on, months, expected):
    assert rules.next_due(due_on, months) == expected
