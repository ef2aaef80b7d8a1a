import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from accountteam.calendar import CalendarSpec, validate_holiday_region, validate_weekly_hours
from teams.rules import availability_now, periods_overlap

DENVER = ZoneInfo("America/Denver")
WEEKDAYS_8_17 = {d: [["08:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}
US_DENVER = CalendarSpec(time_zone="America/Denver", weekly_hours=WEEKDAYS_8_17, holiday_country="US")


def denver(*args):
    return dt.datetime(*args, tzinfo=DENVER)


@pytest.mark.parametrize(
    ("instant", "open_"),
    [
        (denver(2026, 11, 20, 8, 0), True),  # Friday, at opening
        (denver(2026, 11, 20, 16, 59), True),
        (denver(2026, 11, 20, 17, 0), False),  # closing is exclusive
        (denver(2026, 11, 21, 10, 0), False),  # Saturday
        (denver(2026, 11, 26, 10, 0), False),  # Thanksgiving
        (denver(2026, 7, 3, 10, 0), False),  # Independence Day observed (Friday)
        (dt.datetime(2026, 11, 20, 15, 30, tzinfo=dt.UTC), True),  # 08:30 in Denver
    ],
)
def test_is_open_follows_weekly_hours_and_holidays(instant, open_):
    assert US_DENVER.is_open(instant) is open_


def test_next_opening_after_friday_close_is_monday_morning():
    assert US_DENVER.next_opening(denver(2026, 11, 20, 17, 30)) == denver(2026, 11, 23, 8, 0)


def test_next_opening_skips_a_holiday():
    # Wednesday evening before Thanksgiving: Thursday is closed, Friday opens.
    assert US_DENVER.next_opening(denver(2026, 11, 25, 18, 0)) == denver(2026, 11, 27, 8, 0)


def test_next_opening_inside_hours_is_the_instant_itself():
    assert US_DENVER.next_opening(denver(2026, 11, 20, 9, 15)) == denver(2026, 11, 20, 9, 15)


def test_extra_closure_dates_close_the_day():
    spec = CalendarSpec(time_zone="America/Denver", weekly_hours=WEEKDAYS_8_17,
                        closures=frozenset({dt.date(2026, 11, 20)}))
    assert not spec.is_open(denver(2026, 11, 20, 10, 0))


def test_opening_hours_keep_wall_clock_across_the_dst_change():
    # 2026-03-09 is the Monday after the spring change: 08:00 MDT is 14:00 UTC, not 15:00.
    assert US_DENVER.next_opening(denver(2026, 3, 7, 12, 0)) == dt.datetime(2026, 3, 9, 14, 0, tzinfo=dt.UTC)


def test_buenos_aires_calendar_uses_argentine_holidays():
    spec = CalendarSpec(time_zone="America/Argentina/Buenos_Aires",
                        weekly_hours={d: [["09:00", "18:00"]] for d in ("mon", "tue", "wed", "thu", "fri")},
                        holiday_country="AR")
    ba = ZoneInfo("America/Argentina/Buenos_Aires")
    assert spec.is_open(dt.datetime(2026, 11, 24, 10, 0, tzinfo=ba))
    assert not spec.is_open(dt.datetime(2026, 11, 23, 10, 0, tzinfo=ba))  # Soberanía Nacional


def test_naive_instants_are_refused():
    with pytest.raises(ValueError):
        US_DENVER.is_open(dt.datetime(2026, 11, 20, 10, 0))


@pytest.mark.parametrize(
    ("hours", "problem"),
    [
        ({"mon": [["08:00", "17:00"]]}, None),
        ({"mon": [["00:00", "24:00"]]}, None),
        ({"mon": [["17:00", "08:00"]]}, "is not before"),
        ({"mon": [["08:00", "12:00"], ["11:00", "13:00"]]}, "overlap"),
        ({"mon": [["8am", "5pm"]]}, "HH:MM"),
        ({"funday": []}, "Unknown weekdays"),
        ([], "object keyed by weekday"),
    ],
)
def test_weekly_hours_validation_names_the_problem(hours, problem):
    problems = validate_weekly_hours(hours)
    if problem is None:
        assert problems == []
    else:
        assert any(problem in p for p in problems), problems


def test_unknown_holiday_country_is_reported():
    assert validate_holiday_region("US") == []
    assert validate_holiday_region("XX")


def test_availability_now_reads_state_hours_and_lapse():
    during = denver(2026, 11, 20, 10, 0)
    state = availability_now(state="in_office", until=None, calendar=US_DENVER, now=during)
    assert state.code == "in_office"
    evening = denver(2026, 11, 20, 19, 0)
    after = availability_now(state="in_office", until=None, calendar=US_DENVER, now=evening)
    assert after.code == "after_hours"
    assert after.until == denver(2026, 11, 23, 8, 0)
    out = availability_now(state="out_of_office", until=denver(2026, 11, 20, 12, 0), calendar=US_DENVER,
                           now=during)
    assert out.code == "out_of_office"
    lapsed = availability_now(state="out_of_office", until=denver(2026, 11, 20, 9, 0), calendar=US_DENVER,
                              now=during)
    assert lapsed.code == "in_office"


@pytest.mark.parametrize(
    ("a", "b", "overlap"),
    [
        ((dt.date(2025, 1, 1), None), (dt.date(2026, 1, 1), None), True),
        ((dt.date(2025, 1, 1), dt.date(2025, 12, 31)), (dt.date(2026, 1, 1), None), False),
        ((dt.date(2025, 1, 1), dt.date(2026, 1, 1)), (dt.date(2026, 1, 1), None), True),
        ((dt.date(2026, 1, 1), None), (dt.date(2025, 1, 1), dt.date(2025, 6, 1)), False),
    ],
)
def test_periods_overlap_treats_dates_as_inclusive_and_open_ends_as_forever(a, b, overlap):
    assert periods_overlap(*a, *b) is overlap
