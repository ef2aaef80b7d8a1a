"""Business-time arithmetic on ``CalendarSpec``: hand-worked examples and properties.

Every expected value below was worked out by hand on a paper calendar; the comments show the
working. Instants are compared in UTC so that a DST change cannot hide behind wall-clock
comparison of two datetimes sharing a tzinfo.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accountteam.calendar import CalendarSpec

DENVER = ZoneInfo("America/Denver")
BUENOS_AIRES = ZoneInfo("America/Argentina/Buenos_Aires")
WORKDAYS = ("mon", "tue", "wed", "thu", "fri")

US_DENVER = CalendarSpec(
    time_zone="America/Denver", weekly_hours={d: [["08:00", "17:00"]] for d in WORKDAYS}, holiday_country="US"
)
AR_BUENOS_AIRES = CalendarSpec(
    time_zone="America/Argentina/Buenos_Aires",
    weekly_hours={d: [["09:00", "18:00"]] for d in WORKDAYS},
    holiday_country="AR",
)
LUNCH_GAP = CalendarSpec(
    time_zone="America/Denver",
    weekly_hours={d: [["08:00", "12:00"], ["13:00", "17:00"]] for d in WORKDAYS},
    holiday_country="US",
)
ALWAYS_OPEN = CalendarSpec(
    time_zone="America/Denver",
    weekly_hours={d: [["00:00", "24:00"]] for d in (*WORKDAYS, "sat", "sun")},
)
# Friday 2026-11-20 closed for an office move.
WITH_CLOSURE = CalendarSpec(
    time_zone="America/Denver",
    weekly_hours={d: [["08:00", "17:00"]] for d in WORKDAYS},
    holiday_country="US",
    closures=frozenset({dt.date(2026, 11, 20)}),
)
# Different hours per weekday, to exercise the clamping of add_business_days.
UNEVEN = CalendarSpec(
    time_zone="America/Denver",
    weekly_hours={
        "mon": [["08:00", "17:00"]],
        "tue": [["08:00", "12:00"], ["13:00", "17:00"]],
        "wed": [["10:00", "17:00"]],
        "thu": [["08:00", "17:00"]],
        "fri": [["08:00", "12:00"]],
    },
)
NEVER_OPEN = CalendarSpec(time_zone="America/Denver", weekly_hours={d: [] for d in (*WORKDAYS, "sat", "sun")})

MIN = dt.timedelta(minutes=1)
HOUR = dt.timedelta(hours=1)


def denver(*args, fold=0):
    return dt.datetime(*args, tzinfo=DENVER, fold=fold)


def ba(*args):
    return dt.datetime(*args, tzinfo=BUENOS_AIRES)


def utc(instant):
    return instant.astimezone(dt.UTC)


# --- add_business_time -----------------------------------------------------------------------

# The November 2026 weeks used below: Mon 16 .. Fri 20, Sat 21, Sun 22, Mon 23 .. Wed 25,
# Thu 26 Thanksgiving, Fri 27, Mon 30. Denver is on MST (UTC-7) throughout.
ADD_TIME_CASES = [
    # calendar, received, duration, deadline
    pytest.param(US_DENVER, denver(2026, 11, 20, 16, 0), HOUR, denver(2026, 11, 20, 17, 0),
                 id="fri-1600+1h-ends-at-close-not-monday"),
    pytest.param(US_DENVER, denver(2026, 11, 20, 16, 30), 30 * MIN, denver(2026, 11, 20, 17, 0),
                 id="fri-1630+30m-is-fri-close"),
    pytest.param(US_DENVER, denver(2026, 11, 20, 16, 45), 30 * MIN, denver(2026, 11, 23, 8, 15),
                 id="fri-1645+30m-rolls-to-monday"),
    pytest.param(US_DENVER, denver(2026, 11, 17, 19, 0), 15 * MIN, denver(2026, 11, 18, 8, 15),
                 id="after-hours-tue-1900+15m"),
    pytest.param(US_DENVER, denver(2026, 11, 17, 6, 0), 15 * MIN, denver(2026, 11, 17, 8, 15),
                 id="before-opening-tue-0600+15m"),
    pytest.param(US_DENVER, denver(2026, 11, 21, 11, 0), 30 * MIN, denver(2026, 11, 23, 8, 30),
                 id="weekend-sat-1100+30m"),
    pytest.param(US_DENVER, denver(2026, 11, 22, 23, 59), 4 * HOUR, denver(2026, 11, 23, 12, 0),
                 id="weekend-sun-2359+4h"),
    # Wed 16:00-17:00 is 1 h, Thanksgiving is skipped, Fri 08:00 + 3 h.
    pytest.param(US_DENVER, denver(2026, 11, 25, 16, 0), 4 * HOUR, denver(2026, 11, 27, 11, 0),
                 id="holiday-in-the-middle"),
    pytest.param(US_DENVER, denver(2026, 11, 26, 10, 0), HOUR, denver(2026, 11, 27, 9, 0),
                 id="received-on-thanksgiving"),
    pytest.param(US_DENVER, denver(2026, 11, 17, 10, 0), 15 * MIN, denver(2026, 11, 17, 10, 15),
                 id="pager-15m"),
    pytest.param(US_DENVER, denver(2026, 11, 17, 10, 0), 30 * MIN, denver(2026, 11, 17, 10, 30),
                 id="pager-30m"),
    pytest.param(US_DENVER, denver(2026, 11, 17, 16, 50), 15 * MIN, denver(2026, 11, 18, 8, 5),
                 id="pager-15m-across-close"),
    # 14:00-17:00 is 3 h, then Wed 08:00 + 1 h (4 h) or + 5 h (8 h).
    pytest.param(US_DENVER, denver(2026, 11, 17, 14, 0), 4 * HOUR, denver(2026, 11, 18, 9, 0),
                 id="voicemail-4h"),
    pytest.param(US_DENVER, denver(2026, 11, 17, 14, 0), 8 * HOUR, denver(2026, 11, 18, 13, 0),
                 id="voicemail-8h"),
    pytest.param(US_DENVER, denver(2026, 11, 17, 8, 0), 9 * HOUR, denver(2026, 11, 17, 17, 0),
                 id="a-whole-day-ends-at-its-close"),
    # Mon 09:00: 8 + 9 (Tue) + 9 (Wed) + 9 (Thu) + 9 (Fri) = 44 h, Mon 23 08:00 + 4 h.
    pytest.param(US_DENVER, denver(2026, 11, 16, 9, 0), 48 * HOUR, denver(2026, 11, 23, 12, 0),
                 id="billing-48h"),
    # Mon 23 09:00: 8 + 9 + 9 (Wed) + 9 (Fri 27) + 9 (Mon 30) = 44 h, Tue Dec 1 08:00 + 4 h.
    pytest.param(US_DENVER, denver(2026, 11, 23, 9, 0), 48 * HOUR, denver(2026, 12, 1, 12, 0),
                 id="billing-48h-over-thanksgiving"),
    pytest.param(US_DENVER, denver(2026, 11, 21, 11, 0), dt.timedelta(0), denver(2026, 11, 23, 8, 0),
                 id="zero-on-saturday-is-next-opening"),
    pytest.param(US_DENVER, denver(2026, 11, 17, 10, 7), dt.timedelta(0), denver(2026, 11, 17, 10, 7),
                 id="zero-in-hours-is-the-instant"),
    pytest.param(US_DENVER, dt.datetime(2026, 11, 17, 17, 0, tzinfo=dt.UTC), HOUR,
                 denver(2026, 11, 17, 11, 0), id="utc-input-10:00-denver"),
    # Spring change on Sun 2026-03-08: Friday is MST (UTC-7), Monday MDT (UTC-6).
    pytest.param(US_DENVER, denver(2026, 3, 6, 16, 0), 2 * HOUR,
                 dt.datetime(2026, 3, 9, 15, 0, tzinfo=dt.UTC),
                 id="dst-spring-fri-1600+2h-is-mon-0900-mdt"),
    pytest.param(US_DENVER, denver(2026, 3, 7, 12, 0), 9 * HOUR, denver(2026, 3, 9, 17, 0),
                 id="dst-spring-monday-is-still-9h"),
    # Autumn change on Sun 2026-11-01: Friday is MDT (UTC-6), Monday MST (UTC-7).
    pytest.param(US_DENVER, denver(2026, 10, 30, 16, 0), 2 * HOUR,
                 dt.datetime(2026, 11, 2, 16, 0, tzinfo=dt.UTC),
                 id="dst-autumn-fri-1600+2h-is-mon-0900-mst"),
    # Buenos Aires: Fri 2026-11-20 17:00 + 1 h reaches the close; Mon 23 is a holiday.
    pytest.param(AR_BUENOS_AIRES, ba(2026, 11, 20, 17, 0), 2 * HOUR, ba(2026, 11, 24, 10, 0),
                 id="buenos-aires-over-soberania-nacional"),
    pytest.param(AR_BUENOS_AIRES, ba(2026, 11, 20, 17, 0), HOUR, ba(2026, 11, 20, 18, 0),
                 id="buenos-aires-ends-at-close"),
    pytest.param(AR_BUENOS_AIRES, denver(2026, 11, 20, 14, 0), HOUR, ba(2026, 11, 24, 10, 0),
                 id="buenos-aires-from-a-denver-instant"),  # 14:00 MST is 18:00 in Buenos Aires
    # 24x7: plain elapsed-time addition, including across DST (wall clock jumps by an hour).
    pytest.param(ALWAYS_OPEN, denver(2026, 11, 21, 22, 0), 5 * HOUR, denver(2026, 11, 22, 3, 0),
                 id="24x7-plain-addition"),
    pytest.param(ALWAYS_OPEN, denver(2026, 3, 7, 23, 0), 4 * HOUR, denver(2026, 3, 8, 4, 0),
                 id="24x7-dst-spring"),
    pytest.param(ALWAYS_OPEN, denver(2026, 10, 31, 23, 0), 4 * HOUR, denver(2026, 11, 1, 2, 0),
                 id="24x7-dst-autumn"),
    pytest.param(ALWAYS_OPEN, denver(2026, 11, 1, 0, 30), HOUR, denver(2026, 11, 1, 1, 30, fold=0),
                 id="24x7-into-first-repeated-hour"),
    pytest.param(ALWAYS_OPEN, denver(2026, 11, 1, 0, 30), 2 * HOUR, denver(2026, 11, 1, 1, 30, fold=1),
                 id="24x7-into-second-repeated-hour"),
    pytest.param(ALWAYS_OPEN, denver(2026, 11, 20, 23, 0), 0 * HOUR, denver(2026, 11, 20, 23, 0),
                 id="24x7-zero"),
    # Closure on Fri 20: Thu 16:00-17:00 is 1 h, then Mon 23 08:00 + 1 h.
    pytest.param(WITH_CLOSURE, denver(2026, 11, 19, 16, 0), 2 * HOUR, denver(2026, 11, 23, 9, 0),
                 id="closure-day-skipped"),
    pytest.param(WITH_CLOSURE, denver(2026, 11, 20, 10, 0), 15 * MIN, denver(2026, 11, 23, 8, 15),
                 id="received-on-closure-day"),
    pytest.param(LUNCH_GAP, denver(2026, 11, 17, 11, 0), HOUR, denver(2026, 11, 17, 12, 0),
                 id="lunch-ends-at-lunch-close"),
    pytest.param(LUNCH_GAP, denver(2026, 11, 17, 11, 30), HOUR, denver(2026, 11, 17, 13, 30),
                 id="lunch-skipped"),
    pytest.param(LUNCH_GAP, denver(2026, 11, 17, 12, 15), 15 * MIN, denver(2026, 11, 17, 13, 15),
                 id="received-during-lunch"),
    pytest.param(LUNCH_GAP, denver(2026, 11, 17, 16, 30), HOUR, denver(2026, 11, 18, 8, 30),
                 id="lunch-calendar-overnight"),
    # Tue 14:00: 3 h, then Wed 4 h + 1 h = 8 h.
    pytest.param(LUNCH_GAP, denver(2026, 11, 17, 14, 0), 8 * HOUR, denver(2026, 11, 18, 14, 0),
                 id="lunch-voicemail-8h"),
]


@pytest.mark.parametrize(("calendar", "received", "duration", "deadline"), ADD_TIME_CASES)
def test_add_business_time_hand_worked(calendar, received, duration, deadline):
    result = calendar.add_business_time(received, duration)
    assert utc(result) == utc(deadline)
    assert result.tzinfo is calendar.zone
    assert result.utcoffset() == deadline.astimezone(calendar.zone).utcoffset()


def test_buenos_aires_example_really_has_an_argentine_holiday_on_2026_11_23():
    argentina = holidays.country_holidays("AR", years=2026)
    assert dt.date(2026, 11, 23) in argentina
    assert dt.date(2026, 11, 20) not in argentina
    assert dt.date(2026, 11, 24) not in argentina


# --- add_business_days -----------------------------------------------------------------------

ADD_DAYS_CASES = [
    pytest.param(US_DENVER, denver(2026, 11, 16, 10, 0), 1, denver(2026, 11, 17, 10, 0), id="mon-1000+1"),
    pytest.param(US_DENVER, denver(2026, 11, 20, 15, 0), 1, denver(2026, 11, 23, 15, 0), id="fri-1500+1"),
    pytest.param(US_DENVER, denver(2026, 11, 21, 11, 0), 1, denver(2026, 11, 24, 8, 0),
                 id="sat-1100+1-clock-starts-monday"),
    pytest.param(US_DENVER, denver(2026, 11, 25, 10, 0), 1, denver(2026, 11, 27, 10, 0),
                 id="wed-before-thanksgiving+1"),
    pytest.param(US_DENVER, denver(2026, 11, 17, 19, 0), 1, denver(2026, 11, 19, 8, 0),
                 id="after-hours-tue+1-is-thu-opening"),
    pytest.param(US_DENVER, denver(2026, 11, 21, 11, 0), 0, denver(2026, 11, 23, 8, 0), id="zero-days"),
    pytest.param(US_DENVER, denver(2026, 11, 17, 16, 59), 0, denver(2026, 11, 17, 16, 59),
                 id="zero-in-hours"),
    # 17 18 19 20 23 24 25 (26 Thanksgiving) 27 30, then Dec 1 is the tenth.
    pytest.param(US_DENVER, denver(2026, 11, 16, 10, 0), 10, denver(2026, 12, 1, 10, 0),
                 id="post-mortem-10-days"),
    pytest.param(US_DENVER, denver(2026, 11, 16, 10, 0), 2, denver(2026, 11, 18, 10, 0),
                 id="post-mortem-2-days"),
    # Same wall clock across the changes, so a different UTC hour.
    pytest.param(US_DENVER, denver(2026, 3, 6, 10, 0), 1, dt.datetime(2026, 3, 9, 16, 0, tzinfo=dt.UTC),
                 id="dst-spring-keeps-wall-clock"),
    pytest.param(US_DENVER, denver(2026, 10, 30, 10, 0), 1, dt.datetime(2026, 11, 2, 17, 0, tzinfo=dt.UTC),
                 id="dst-autumn-keeps-wall-clock"),
    pytest.param(AR_BUENOS_AIRES, ba(2026, 11, 20, 10, 0), 1, ba(2026, 11, 24, 10, 0),
                 id="buenos-aires-over-holiday"),
    pytest.param(WITH_CLOSURE, denver(2026, 11, 19, 11, 0), 1, denver(2026, 11, 23, 11, 0),
                 id="closure-day-is-not-a-business-day"),
    pytest.param(UNEVEN, denver(2026, 11, 16, 10, 0), 1, denver(2026, 11, 17, 10, 0),
                 id="uneven-inside-hours"),
    pytest.param(UNEVEN, denver(2026, 11, 16, 12, 0), 1, denver(2026, 11, 17, 13, 0),
                 id="uneven-at-a-lunch-close-goes-to-next-opening"),
    pytest.param(UNEVEN, denver(2026, 11, 16, 12, 30), 1, denver(2026, 11, 17, 13, 0),
                 id="uneven-lunch-gap-goes-to-next-opening"),
    pytest.param(UNEVEN, denver(2026, 11, 17, 9, 0), 1, denver(2026, 11, 18, 10, 0),
                 id="uneven-before-first-opening"),
    pytest.param(UNEVEN, denver(2026, 11, 19, 15, 0), 1, denver(2026, 11, 20, 12, 0),
                 id="uneven-after-last-close"),
    pytest.param(UNEVEN, denver(2026, 11, 20, 9, 0), 1, denver(2026, 11, 23, 9, 0), id="uneven-weekend"),
    pytest.param(ALWAYS_OPEN, denver(2026, 11, 21, 23, 30), 1, denver(2026, 11, 22, 23, 30),
                 id="24x7-next-day"),
    # 02:30 does not exist on 2026-03-08; like opening hours it moves forward by the gap.
    pytest.param(ALWAYS_OPEN, denver(2026, 3, 7, 2, 30), 1, denver(2026, 3, 8, 3, 30),
                 id="24x7-into-dst-gap"),
]


@pytest.mark.parametrize(("calendar", "received", "days", "deadline"), ADD_DAYS_CASES)
def test_add_business_days_hand_worked(calendar, received, days, deadline):
    result = calendar.add_business_days(received, days)
    assert utc(result) == utc(deadline)
    assert result.tzinfo is calendar.zone


# --- business_time_between -------------------------------------------------------------------

BETWEEN_CASES = [
    pytest.param(US_DENVER, denver(2026, 11, 17, 9, 0), denver(2026, 11, 17, 12, 0), 3 * HOUR, id="same-day"),
    pytest.param(US_DENVER, denver(2026, 11, 20, 16, 0), denver(2026, 11, 23, 9, 0), 2 * HOUR,
                 id="over-weekend"),
    pytest.param(US_DENVER, denver(2026, 11, 17, 18, 0), denver(2026, 11, 18, 7, 0), dt.timedelta(0),
                 id="overnight-is-zero"),
    pytest.param(US_DENVER, denver(2026, 11, 16, 0, 0), denver(2026, 11, 23, 0, 0), 45 * HOUR,
                 id="whole-week"),
    pytest.param(US_DENVER, denver(2026, 11, 23, 0, 0), denver(2026, 11, 30, 0, 0), 36 * HOUR,
                 id="thanksgiving-week"),
    pytest.param(US_DENVER, denver(2026, 11, 17, 12, 0), denver(2026, 11, 17, 9, 0), dt.timedelta(0),
                 id="reversed-is-zero"),
    pytest.param(US_DENVER, denver(2026, 11, 17, 12, 0), denver(2026, 11, 17, 12, 0), dt.timedelta(0),
                 id="empty-is-zero"),
    pytest.param(US_DENVER, denver(2026, 11, 17, 16, 0), dt.datetime(2026, 11, 18, 16, 0, tzinfo=dt.UTC),
                 2 * HOUR, id="mixed-zones"),  # to Wed 09:00 MST
    # Fri 6 and Mon 9 March: 9 h each, although Monday's hours are 1 h earlier in UTC.
    pytest.param(US_DENVER, denver(2026, 3, 6, 0, 0), denver(2026, 3, 10, 0, 0), 18 * HOUR, id="dst-spring"),
    pytest.param(US_DENVER, denver(2026, 3, 6, 16, 0), denver(2026, 3, 9, 9, 0), 2 * HOUR,
                 id="dst-spring-fri-1600-to-mon-0900"),
    pytest.param(US_DENVER, denver(2026, 3, 2, 0, 0), denver(2026, 3, 16, 0, 0), 90 * HOUR,
                 id="dst-spring-two-weeks"),
    pytest.param(US_DENVER, denver(2026, 10, 30, 0, 0), denver(2026, 11, 3, 0, 0), 18 * HOUR,
                 id="dst-autumn"),
    pytest.param(ALWAYS_OPEN, denver(2026, 3, 8, 0, 0), denver(2026, 3, 9, 0, 0), 23 * HOUR,
                 id="24x7-spring-day-is-23h"),
    pytest.param(ALWAYS_OPEN, denver(2026, 11, 1, 0, 0), denver(2026, 11, 2, 0, 0), 25 * HOUR,
                 id="24x7-autumn-day-is-25h"),
    pytest.param(ALWAYS_OPEN, denver(2026, 11, 20, 22, 0), denver(2026, 11, 21, 3, 0), 5 * HOUR,
                 id="24x7-across-midnight"),
    pytest.param(AR_BUENOS_AIRES, ba(2026, 11, 23, 0, 0), ba(2026, 11, 28, 0, 0), 36 * HOUR,
                 id="buenos-aires-holiday-week"),
    pytest.param(WITH_CLOSURE, denver(2026, 11, 16, 0, 0), denver(2026, 11, 23, 0, 0), 36 * HOUR,
                 id="closure-week"),
    pytest.param(LUNCH_GAP, denver(2026, 11, 17, 0, 0), denver(2026, 11, 18, 0, 0), 8 * HOUR, id="lunch-day"),
    pytest.param(LUNCH_GAP, denver(2026, 11, 17, 11, 30), denver(2026, 11, 17, 13, 30), HOUR, id="lunch-gap"),
]


@pytest.mark.parametrize(("calendar", "start", "end", "expected"), BETWEEN_CASES)
def test_business_time_between_hand_worked(calendar, start, end, expected):
    assert calendar.business_time_between(start, end) == expected


# --- opening and close of business -----------------------------------------------------------


@pytest.mark.parametrize(
    ("calendar", "day", "opening", "close"),
    [
        pytest.param(US_DENVER, dt.date(2026, 11, 20), denver(2026, 11, 20, 8, 0),
                     denver(2026, 11, 20, 17, 0), id="friday"),
        pytest.param(US_DENVER, dt.date(2026, 11, 21), None, None, id="saturday"),
        pytest.param(US_DENVER, dt.date(2026, 11, 26), None, None, id="thanksgiving"),
        pytest.param(WITH_CLOSURE, dt.date(2026, 11, 20), None, None, id="closure"),
        pytest.param(LUNCH_GAP, dt.date(2026, 11, 17), denver(2026, 11, 17, 8, 0),
                     denver(2026, 11, 17, 17, 0), id="lunch-gap"),
        pytest.param(ALWAYS_OPEN, dt.date(2026, 11, 1), denver(2026, 11, 1, 0, 0), denver(2026, 11, 2, 0, 0),
                     id="24x7-closes-at-next-midnight"),
        pytest.param(US_DENVER, dt.date(2026, 3, 9), dt.datetime(2026, 3, 9, 14, 0, tzinfo=dt.UTC),
                     dt.datetime(2026, 3, 9, 23, 0, tzinfo=dt.UTC), id="after-spring-change"),
    ],
)
def test_opening_and_close_of_business(calendar, day, opening, close):
    assert calendar.opening_of_business(day) == opening
    assert calendar.close_of_business(day) == close
    if close is not None:
        assert calendar.close_of_business(day).tzinfo is calendar.zone


def test_close_of_business_wants_a_date_not_a_datetime():
    with pytest.raises(TypeError):
        US_DENVER.close_of_business(denver(2026, 11, 20, 10, 0))


# --- refusals --------------------------------------------------------------------------------

NAIVE = dt.datetime(2026, 11, 17, 10, 0)


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda: US_DENVER.add_business_time(NAIVE, HOUR), id="add_business_time"),
        pytest.param(lambda: US_DENVER.add_business_days(NAIVE, 1), id="add_business_days"),
        pytest.param(lambda: US_DENVER.business_time_between(NAIVE, denver(2026, 11, 18, 0, 0)),
                     id="between-start"),
        pytest.param(lambda: US_DENVER.business_time_between(denver(2026, 11, 16, 0, 0), NAIVE),
                     id="between-end"),
        pytest.param(lambda: US_DENVER.next_opening(NAIVE), id="next_opening"),
        pytest.param(lambda: US_DENVER.add_business_time(denver(2026, 11, 17, 10, 0), -MIN),
                     id="negative-duration"),
        pytest.param(lambda: US_DENVER.add_business_days(denver(2026, 11, 17, 10, 0), -1),
                     id="negative-days"),
    ],
)
def test_naive_instants_and_negative_amounts_are_refused(call):
    with pytest.raises(ValueError):
        call()


def test_a_calendar_that_never_opens_does_not_loop_forever():
    instant = denver(2026, 11, 17, 10, 0)
    assert NEVER_OPEN.next_opening(instant) is None
    assert not NEVER_OPEN.is_open(instant)
    with pytest.raises(ValueError, match="calendar has no business hours within"):
        NEVER_OPEN.add_business_time(instant, HOUR)
    with pytest.raises(ValueError, match="calendar has no business hours within"):
        NEVER_OPEN.add_business_time(instant, dt.timedelta(0))
    with pytest.raises(ValueError, match="calendar has no business hours within"):
        NEVER_OPEN.add_business_days(instant, 1)
    assert NEVER_OPEN.business_time_between(instant, instant + dt.timedelta(days=30)) == dt.timedelta(0)
    assert NEVER_OPEN.close_of_business(dt.date(2026, 11, 17)) is None


def test_a_calendar_that_stops_opening_raises_after_the_horizon():
    # Open on one date only (as if every other date were a closure): the clock starts, then
    # runs out of business hours with time still to consume.
    only_monday = CalendarSpec(time_zone="America/Denver", weekly_hours={"mon": [["08:00", "17:00"]]})
    instant = denver(2026, 11, 16, 16, 0)
    assert only_monday.add_business_time(instant, 2 * HOUR) == denver(2026, 11, 23, 9, 0)
    with pytest.raises(ValueError, match="calendar has no business hours within 5 days"):
        only_monday.add_business_time(instant, 2 * HOUR, horizon_days=5)
    with pytest.raises(ValueError, match="calendar has no business hours within 5 days"):
        only_monday.add_business_days(instant, 1, horizon_days=5)


def test_long_durations_stay_fast():
    # A year of business hours (about 250 days' worth) walks day by day, not minute by minute.
    result = US_DENVER.add_business_time(denver(2026, 1, 5, 8, 0), 2000 * HOUR)
    assert US_DENVER.business_time_between(denver(2026, 1, 5, 8, 0), result) == 2000 * HOUR


# --- fixes to the existing calendar code -----------------------------------------------------


def test_holiday_name_on_a_fresh_calendar_loads_the_year():
    # The holiday object fills years lazily; an empty one used to read as "no holiday".
    fresh = CalendarSpec(time_zone="America/Denver", holiday_country="US")
    assert fresh.holiday_name(dt.date(2026, 11, 26)) == "Thanksgiving Day"


def test_the_repeated_autumn_hour_is_compared_in_real_time():
    # Open 00:00-01:30 on Sundays. On 2026-11-01 01:30 comes first in MDT (07:30 UTC); 01:15 in
    # the repeated hour (MST, 08:15 UTC) is after that close, though its wall clock is earlier.
    night = CalendarSpec(time_zone="America/Denver", weekly_hours={"sun": [["00:00", "01:30"]]})
    second_0115 = denver(2026, 11, 1, 1, 15, fold=1)
    assert not night.is_open(second_0115)
    assert utc(night.next_opening(second_0115)) == utc(denver(2026, 11, 8, 0, 0))
    assert night.is_open(denver(2026, 11, 1, 1, 15, fold=0))


def test_hours_in_a_dst_gap_never_give_empty_or_overlapping_intervals():
    # On 2026-03-08 02:00-03:00 does not exist; 02:30 moves forward by the gap to 03:30 MDT.
    overlapping = CalendarSpec(time_zone="America/Denver",
                               weekly_hours={"sun": [["01:00", "02:30"], ["03:00", "04:00"]]})
    sunday = overlapping.intervals_on(dt.date(2026, 3, 8))
    assert [(utc(s), utc(e)) for s, e in sunday] == [
        (dt.datetime(2026, 3, 8, 8, 0, tzinfo=dt.UTC), dt.datetime(2026, 3, 8, 9, 30, tzinfo=dt.UTC)),
        (dt.datetime(2026, 3, 8, 9, 30, tzinfo=dt.UTC), dt.datetime(2026, 3, 8, 10, 0, tzinfo=dt.UTC)),
    ]
    assert overlapping.business_time_between(denver(2026, 3, 8, 0, 0), denver(2026, 3, 9, 0, 0)) == 2 * HOUR
    # 02:30-03:15 becomes 03:30-03:15 MDT on the change day: no interval at all, rather than a
    # reversed one that next_opening used to offer as an opening at 03:30.
    reversed_ = CalendarSpec(time_zone="America/Denver", weekly_hours={"sun": [["02:30", "03:15"]]})
    assert reversed_.intervals_on(dt.date(2026, 3, 8)) == []
    assert reversed_.next_opening(denver(2026, 3, 8, 3, 0)) == denver(2026, 3, 15, 2, 30)
    a_week_later = [(denver(2026, 3, 15, 2, 30), denver(2026, 3, 15, 3, 15))]
    assert reversed_.intervals_on(dt.date(2026, 3, 15)) == a_week_later


# --- properties ------------------------------------------------------------------------------

PROPERTY_CALENDARS = [
    pytest.param(US_DENVER, id="denver"),
    pytest.param(AR_BUENOS_AIRES, id="buenos-aires"),
    pytest.param(LUNCH_GAP, id="lunch-gap"),
]
FIRST = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
LAST = dt.datetime(2027, 12, 31, 23, 59, tzinfo=dt.UTC)
SPAN_SECONDS = int((LAST - FIRST).total_seconds())
# Dates where bugs would hide: DST changes in Denver, US and Argentine holidays, year ends.
ANCHORS = [
    dt.datetime(2025, 3, 9, 9, 0, tzinfo=dt.UTC), dt.datetime(2025, 11, 2, 8, 0, tzinfo=dt.UTC),
    dt.datetime(2026, 3, 8, 9, 0, tzinfo=dt.UTC), dt.datetime(2026, 11, 1, 8, 0, tzinfo=dt.UTC),
    dt.datetime(2027, 3, 14, 9, 0, tzinfo=dt.UTC), dt.datetime(2027, 11, 7, 8, 0, tzinfo=dt.UTC),
    dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC), dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC),
    dt.datetime(2025, 12, 25, 12, 0, tzinfo=dt.UTC), dt.datetime(2026, 12, 31, 12, 0, tzinfo=dt.UTC),
]
PROPERTY_SETTINGS = settings(max_examples=200, deadline=None)


def _instants():
    """Aware instants over 2025-2027, biased towards DST changes, holidays and whole quarters.

    They are drawn in UTC and each test moves them into its calendar's zone: that way every
    real instant can be drawn, both passes through a repeated hour included, and none that a
    DST gap skips (and one strategy object serves every calendar, which keeps the tests fast).
    """
    anywhere = st.integers(0, SPAN_SECONDS).map(lambda s: FIRST + dt.timedelta(seconds=s))
    near_anchor = st.builds(
        lambda anchor, minutes: anchor + dt.timedelta(minutes=minutes),
        st.sampled_from(ANCHORS),
        st.integers(-4 * 24 * 60, 4 * 24 * 60),
    )
    # Whole quarter hours hit openings and closes exactly.
    on_the_quarter = st.integers(0, SPAN_SECONDS // 900).map(lambda q: FIRST + dt.timedelta(minutes=15 * q))
    return st.one_of(anywhere, near_anchor, on_the_quarter)


instants = _instants()
durations = st.integers(0, 60 * 60).map(lambda minutes: dt.timedelta(minutes=minutes))
# Gaps between the instants of the additivity property: up to 45 days, in seconds or quarters.
gaps = st.one_of(
    st.integers(0, 45 * 86400).map(lambda s: dt.timedelta(seconds=s)),
    st.integers(0, 45 * 96).map(lambda q: dt.timedelta(minutes=15 * q)),
)


def at_or_inside_hours(calendar, instant):
    """Inside an opening interval, or exactly at one's close."""
    moment = utc(instant)
    local_day = instant.astimezone(calendar.zone).date()
    return any(
        utc(start) <= moment <= utc(end)
        for day in (local_day - dt.timedelta(days=1), local_day)
        for start, end in calendar.intervals_on(day)
    )


@pytest.mark.parametrize("calendar", PROPERTY_CALENDARS)
@PROPERTY_SETTINGS
@given(instant=instants, duration=durations)
def test_property_business_time_added_is_business_time_measured(calendar, instant, duration):
    received = instant.astimezone(calendar.zone)
    result = calendar.add_business_time(received, duration)
    clock_start = calendar.next_opening(received)
    assert calendar.business_time_between(clock_start, result) == duration
    # Closed time counts zero, so measuring from the contact itself gives the same.
    assert calendar.business_time_between(received, result) == duration


@pytest.mark.parametrize("calendar", PROPERTY_CALENDARS)
@PROPERTY_SETTINGS
@given(instant=instants, duration=durations)
def test_property_deadlines_fall_in_business_hours(calendar, instant, duration):
    received = instant.astimezone(calendar.zone)
    result = calendar.add_business_time(received, duration)
    assert result.tzinfo is calendar.zone
    assert utc(result) >= utc(received)
    if duration:
        # start < result <= end for some interval: strictly after an opening, at most its close.
        moment = utc(result)
        local_day = result.date()
        assert any(
            utc(start) < moment <= utc(end)
            for day in (local_day - dt.timedelta(days=1), local_day)
            for start, end in calendar.intervals_on(day)
        )
    else:
        assert calendar.is_open(result)
        assert utc(result) == utc(calendar.next_opening(received))


@pytest.mark.parametrize("calendar", PROPERTY_CALENDARS)
@PROPERTY_SETTINGS
@given(pair=st.lists(instants, min_size=2, max_size=2).map(sorted), duration=durations)
def test_property_later_contacts_never_get_earlier_deadlines(calendar, pair, duration):
    first, second = (instant.astimezone(calendar.zone) for instant in pair)
    earlier, later = calendar.add_business_time(first, duration), calendar.add_business_time(second, duration)
    assert utc(earlier) <= utc(later)


@pytest.mark.parametrize("calendar", PROPERTY_CALENDARS)
@PROPERTY_SETTINGS
@given(instant=instants, pair=st.lists(durations, min_size=2, max_size=2).map(sorted))
def test_property_longer_durations_never_give_earlier_deadlines(calendar, instant, pair):
    received = instant.astimezone(calendar.zone)
    shorter, longer = (calendar.add_business_time(received, duration) for duration in pair)
    assert utc(shorter) <= utc(longer)


@pytest.mark.parametrize("calendar", [*PROPERTY_CALENDARS, pytest.param(UNEVEN, id="uneven")])
@PROPERTY_SETTINGS
@given(pair=st.lists(instants, min_size=2, max_size=2).map(sorted), days=st.integers(0, 15))
def test_property_business_days_land_in_hours_and_are_monotonic(calendar, pair, days):
    first, second = (instant.astimezone(calendar.zone) for instant in pair)
    early, late = calendar.add_business_days(first, days), calendar.add_business_days(second, days)
    for result in (early, late):
        assert result.tzinfo is calendar.zone
        assert at_or_inside_hours(calendar, result)
    assert utc(early) <= utc(late)
    clock_start = calendar.next_opening(first)
    assert utc(early) >= utc(clock_start)
    if days:
        # Strictly later business days than the one the clock started on.
        assert early.date() > clock_start.astimezone(calendar.zone).date()


@pytest.mark.parametrize("calendar", PROPERTY_CALENDARS)
@PROPERTY_SETTINGS
@given(instant=instants, gap_ab=gaps, gap_bc=gaps)
def test_property_business_time_between_is_additive(calendar, instant, gap_ab, gap_bc):
    a = instant.astimezone(calendar.zone)
    b = (utc(a) + gap_ab).astimezone(calendar.zone)
    c = (utc(b) + gap_bc).astimezone(calendar.zone)
    between = calendar.business_time_between
    assert between(a, b) + between(b, c) == between(a, c)
    assert between(a, c) <= utc(c) - utc(a)
    assert between(c, a) == dt.timedelta(0)


@PROPERTY_SETTINGS
@given(instant=instants, duration=durations)
def test_property_24x7_is_plain_addition(instant, duration):
    received = instant.astimezone(DENVER)
    result = ALWAYS_OPEN.add_business_time(received, duration)
    assert utc(result) == utc(received) + duration
    assert ALWAYS_OPEN.business_time_between(received, result) == duration
