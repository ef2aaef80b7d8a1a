"""Pure handoff rules: the reminder date on a business calendar, the switch date, what blocks a
completion, and checklist progress. No database, no clock."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from accountteam.calendar import CalendarSpec
from handoffs.rules import Progress, completion_blockers, is_business_day, reminder_date, switch_date
from tests.escalations.factories import DENVER_OFFICE

D = dt.date
WITH_CLOSURE = CalendarSpec(
    time_zone="America/Denver",
    weekly_hours=DENVER_OFFICE.weekly_hours,
    holiday_country="US",
    closures=frozenset({D(2026, 3, 11)}),
)
NO_HOLIDAYS = CalendarSpec(time_zone="America/Denver", weekly_hours=DENVER_OFFICE.weekly_hours)


# --- reminder_date --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("effective", "days", "calendar", "expected"),
    [
        # Monday 16 March: back over the weekend to Wednesday.
        (D(2026, 3, 16), 3, DENVER_OFFICE, D(2026, 3, 11)),
        (D(2026, 3, 16), 1, DENVER_OFFICE, D(2026, 3, 13)),
        # A Wednesday effective date stays within the week.
        (D(2026, 3, 18), 2, DENVER_OFFICE, D(2026, 3, 16)),
        # Tuesday after Memorial Day (Mon 25 May 2026): the holiday does not count.
        (D(2026, 5, 26), 3, DENVER_OFFICE, D(2026, 5, 20)),
        (D(2026, 5, 26), 3, NO_HOLIDAYS, D(2026, 5, 21)),
        # A closure on the owner's calendar does not count either.
        (D(2026, 3, 16), 3, WITH_CLOSURE, D(2026, 3, 10)),
        # 0 days: the effective date itself, even on a weekend.
        (D(2026, 3, 16), 0, DENVER_OFFICE, D(2026, 3, 16)),
        (D(2026, 3, 14), 0, DENVER_OFFICE, D(2026, 3, 14)),
        # An effective date on a Saturday: one business day before is the Friday.
        (D(2026, 3, 14), 1, DENVER_OFFICE, D(2026, 3, 13)),
    ],
)
def test_reminder_date_counts_business_days_back_from_the_effective_date(effective, days, calendar, expected):
    assert reminder_date(effective, days, calendar) == expected


def test_weekends_and_us_holidays_are_not_business_days():
    assert is_business_day(D(2026, 3, 13), DENVER_OFFICE)  # Friday
    assert not is_business_day(D(2026, 3, 14), DENVER_OFFICE)  # Saturday
    assert not is_business_day(D(2026, 5, 25), DENVER_OFFICE)  # Memorial Day
    assert is_business_day(D(2026, 5, 25), NO_HOLIDAYS)


@given(
    effective=st.dates(min_value=D(2025, 1, 1), max_value=D(2028, 12, 31)),
    days=st.integers(min_value=0, max_value=15),
)
def test_reminder_date_leaves_exactly_n_business_days_before_the_effective_date(effective, days):
    remind = reminder_date(effective, days, DENVER_OFFICE)

    assert remind <= effective
    between = [remind + dt.timedelta(days=i) for i in range((effective - remind).days)]
    assert sum(is_business_day(day, DENVER_OFFICE) for day in between) == days
    if days:
        assert is_business_day(remind, DENVER_OFFICE)


# --- switch_date ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("effective", "today", "expected"),
    [
        (D(2026, 3, 16), D(2026, 3, 16), D(2026, 3, 16)),  # completed on the day
        (D(2026, 3, 16), D(2026, 3, 19), D(2026, 3, 19)),  # completed late: from today
        (D(2026, 3, 16), D(2026, 3, 2), D(2026, 3, 16)),  # never before the effective date
    ],
)
def test_switch_date_is_the_effective_date_or_today_when_late(effective, today, expected):
    assert switch_date(effective, today) == expected


# --- completion_blockers ------------------------------------------------------------------------------

OPEN_ITEM = {"type": "escalation", "id": 7, "account": "9001-0001", "title": "T1 down", "status": "New"}
UNCHECKED = {"id": 3, "account": "9001-0001", "title": "Network reviewed", "owner": "incoming"}


def test_nothing_blocks_a_confirmed_handoff_with_no_open_work_on_its_effective_date():
    assert completion_blockers(
        today=D(2026, 3, 16), effective_date=D(2026, 3, 16), open_items=[], unchecked=[], confirmed=True
    ) == []


def test_every_blocker_is_listed_with_its_kind():
    blockers = completion_blockers(
        today=D(2026, 3, 2), effective_date=D(2026, 3, 16), open_items=[OPEN_ITEM], unchecked=[UNCHECKED],
        confirmed=False,
    )

    assert [b["kind"] for b in blockers] == ["effective_date", "open_item", "checklist", "confirmation"]
    assert blockers[0]["detail"] == "The handoff completes on 2026-03-16."
    assert blockers[1] == {"kind": "open_item", **OPEN_ITEM}
    assert blockers[2] == {"kind": "checklist", **UNCHECKED}
    assert blockers[3]["detail"] == "The incoming person has not confirmed yet."


def test_a_day_early_is_the_only_blocker_when_everything_else_is_done():
    blockers = completion_blockers(
        today=D(2026, 3, 15), effective_date=D(2026, 3, 16), open_items=[], unchecked=[], confirmed=True
    )

    assert [b["kind"] for b in blockers] == ["effective_date"]


def test_completing_after_the_effective_date_is_not_blocked_by_the_date():
    assert completion_blockers(
        today=D(2026, 4, 1), effective_date=D(2026, 3, 16), open_items=[], unchecked=[], confirmed=True
    ) == []


# --- Progress -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("done", "total", "percent", "complete"),
    [(0, 8, 0, False), (1, 3, 33, False), (2, 3, 67, False), (8, 8, 100, True), (0, 0, 100, True)],
)
def test_progress_rounds_the_percentage_and_is_complete_when_all_are_done(done, total, percent, complete):
    progress = Progress(done=done, total=total)

    assert progress.percent == percent
    assert progress.complete is complete
