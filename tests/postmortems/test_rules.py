"""Pure rules of post-mortems: the due date on the manager's calendar, the eligibility flag, the
event's validation, the state machine, what publishing needs, and durations in words.

No database and no clock: every instant is passed in. The calendar is the Denver office
(Mon–Fri 08:00–17:00 Mountain time, US holidays).
"""

import datetime as dt
from dataclasses import replace

import pytest

from postmortems.models import Status
from postmortems.rules import (
    DEFAULT_BUSINESS_DAYS,
    TRANSITIONS,
    PostMortemConflict,
    below_threshold,
    due_date,
    format_duration,
    missing_sections,
    next_status,
    validate_event,
)
from tests.escalations.factories import DENVER_OFFICE, denver

D = dt.date
HOUR = dt.timedelta(hours=1)

# --- The due date ----------------------------------------------------------------------------------


def test_default_policy_is_two_five_and_ten_business_days():
    assert DEFAULT_BUSINESS_DAYS == {"low": 2, "medium": 5, "high": 10}


@pytest.mark.parametrize(
    ("accepted_at", "days", "due"),
    [
        # Monday 2 March 2026 in business hours: plain weekdays, the weekend skipped.
        (denver(2026, 3, 2, 10, 0), 2, D(2026, 3, 4)),
        (denver(2026, 3, 2, 10, 0), 5, D(2026, 3, 9)),
        (denver(2026, 3, 2, 10, 0), 10, D(2026, 3, 16)),
        # Friday 6 March: the weekend does not count.
        (denver(2026, 3, 6, 10, 0), 2, D(2026, 3, 10)),
        (denver(2026, 3, 6, 10, 0), 5, D(2026, 3, 13)),
        (denver(2026, 3, 6, 10, 0), 10, D(2026, 3, 20)),
        # Friday at 16:59 is still Friday; at 17:00 the clock starts on Monday.
        (denver(2026, 3, 6, 16, 59), 2, D(2026, 3, 10)),
        (denver(2026, 3, 6, 17, 0), 2, D(2026, 3, 11)),
        # Accepted after hours or over the weekend: the clock starts at the next opening.
        (denver(2026, 3, 2, 18, 30), 2, D(2026, 3, 5)),
        (denver(2026, 3, 2, 6, 0), 2, D(2026, 3, 4)),
        (denver(2026, 3, 7, 11, 0), 2, D(2026, 3, 11)),
        # Thanksgiving (Thursday 26 November 2026) is not a business day.
        (denver(2026, 11, 24, 10, 0), 2, D(2026, 11, 27)),
        (denver(2026, 11, 25, 10, 0), 2, D(2026, 11, 30)),
        (denver(2026, 11, 25, 10, 0), 5, D(2026, 12, 3)),
        (denver(2026, 11, 25, 10, 0), 10, D(2026, 12, 10)),
        # Martin Luther King Jr. Day (Monday 19 January 2026).
        (denver(2026, 1, 13, 10, 0), 2, D(2026, 1, 15)),
        (denver(2026, 1, 13, 10, 0), 5, D(2026, 1, 21)),
        (denver(2026, 1, 13, 10, 0), 10, D(2026, 1, 28)),
    ],
)
def test_due_date_counts_business_days_on_the_managers_calendar(accepted_at, days, due):
    assert due_date(accepted_at=accepted_at, business_days=days, calendar=DENVER_OFFICE) == due


def test_due_date_skips_a_closure_date_of_the_calendar():
    office_move = replace(DENVER_OFFICE, closures=frozenset({D(2026, 3, 3)}))

    assert due_date(accepted_at=denver(2026, 3, 2, 10, 0), business_days=2, calendar=office_move) == D(2026, 3, 5)


def test_due_date_reads_an_instant_in_another_zone_on_the_managers_clock():
    # Tuesday 01:30 UTC is Monday 18:30 in Denver: after hours there, so the clock starts Tuesday.
    accepted_at = dt.datetime(2026, 3, 3, 1, 30, tzinfo=dt.UTC)

    assert due_date(accepted_at=accepted_at, business_days=2, calendar=DENVER_OFFICE) == D(2026, 3, 5)


def test_due_date_follows_a_calendar_without_holidays():
    no_holidays = replace(DENVER_OFFICE, holiday_country="")

    assert due_date(accepted_at=denver(2026, 11, 25, 10, 0), business_days=2, calendar=no_holidays) == D(2026, 11, 27)


# --- Eligibility ---------------------------------------------------------------------------------

START = denver(2026, 1, 12, 20, 0)


@pytest.mark.parametrize(
    ("duration", "flagged"),
    [
        (dt.timedelta(minutes=20), True),
        (8 * HOUR - dt.timedelta(seconds=1), True),
        (8 * HOUR, False),  # exactly the threshold is not below it
        (8 * HOUR + dt.timedelta(minutes=1), False),
        (dt.timedelta(days=3), False),
    ],
)
def test_events_shorter_than_the_threshold_are_flagged(duration, flagged):
    assert below_threshold(START, START + duration, 8) is flagged


def test_threshold_may_be_a_fraction_of_an_hour():
    assert below_threshold(START, START + dt.timedelta(minutes=29), 0.5)
    assert not below_threshold(START, START + dt.timedelta(minutes=30), 0.5)


# --- The event -------------------------------------------------------------------------------------

NOW = denver(2026, 1, 13, 10, 0)


def test_a_past_event_that_ends_after_it_starts_is_valid():
    assert validate_event(start=NOW - 10 * HOUR, end=NOW - HOUR, now=NOW) == {}


def test_an_event_may_end_up_to_five_minutes_after_now():
    assert validate_event(start=NOW - HOUR, end=NOW + dt.timedelta(minutes=5), now=NOW) == {}


@pytest.mark.parametrize(
    ("start", "end", "fields"),
    [
        (NOW - HOUR, NOW - HOUR, {"event_end"}),
        (NOW - HOUR, NOW - 2 * HOUR, {"event_end"}),
        (NOW + HOUR, NOW + 2 * HOUR, {"event_start", "event_end"}),
        (NOW - HOUR, NOW + dt.timedelta(minutes=6), {"event_end"}),
    ],
)
def test_an_invalid_event_names_the_fields_at_fault(start, end, fields):
    assert set(validate_event(start=start, end=end, now=NOW)) == fields


def test_an_event_ending_in_the_future_asks_to_wait_for_the_restoration():
    errors = validate_event(start=NOW - HOUR, end=NOW + HOUR, now=NOW)

    assert "once service is restored" in errors["event_end"]


# --- Transitions ---------------------------------------------------------------------------------

ALLOWED = [
    ("accept", Status.REQUESTED, Status.ACCEPTED),
    ("decline", Status.REQUESTED, Status.DECLINED),
    ("edit", Status.ACCEPTED, Status.IN_PREPARATION),
    ("edit", Status.IN_PREPARATION, Status.IN_PREPARATION),
    ("submit_for_review", Status.ACCEPTED, Status.IN_REVIEW),
    ("submit_for_review", Status.IN_PREPARATION, Status.IN_REVIEW),
    ("return_to_preparation", Status.IN_REVIEW, Status.IN_PREPARATION),
    ("publish", Status.ACCEPTED, Status.PUBLISHED),
    ("publish", Status.IN_PREPARATION, Status.PUBLISHED),
    ("publish", Status.IN_REVIEW, Status.PUBLISHED),
    ("correct", Status.PUBLISHED, Status.IN_PREPARATION),
]
ALLOWED_PAIRS = {(action, current) for action, current, _ in ALLOWED}
REFUSED = [
    (action, current) for action in TRANSITIONS for current in Status.values if (action, current) not in ALLOWED_PAIRS
]


def test_every_action_is_listed_once():
    assert {action for action, _, _ in ALLOWED} == set(TRANSITIONS)
    assert len(ALLOWED) + len(REFUSED) == len(TRANSITIONS) * len(Status.values)


@pytest.mark.parametrize(("action", "current", "target"), ALLOWED)
def test_allowed_transition_gives_the_next_status(action, current, target):
    assert next_status(current, action) == target


@pytest.mark.parametrize(("action", "current"), REFUSED)
def test_refused_transition_says_the_current_state(action, current):
    with pytest.raises(PostMortemConflict) as refused:
        next_status(current, action)

    label = dict(Status.choices)[current].lower()
    assert str(refused.value) == f"Not possible while the post-mortem is {label}."


def test_with_director_review_publishing_is_only_possible_from_review():
    assert next_status(Status.IN_REVIEW, "publish", review_required=True) == Status.PUBLISHED
    for current in (Status.ACCEPTED, Status.IN_PREPARATION, Status.PUBLISHED, Status.REQUESTED):
        with pytest.raises(PostMortemConflict, match="reviewed by the service director first"):
            next_status(current, "publish", review_required=True)


@pytest.mark.parametrize(("action", "current", "target"), [a for a in ALLOWED if a[0] != "publish"])
def test_director_review_changes_no_other_transition(action, current, target):
    assert next_status(current, action, review_required=True) == target


# --- What publishing needs --------------------------------------------------------------------------

COMPLETE = {"summary": "Down 10 h", "root_cause": "Fibre cut", "restoration": "Spliced", "recommendations": ""}


def test_a_complete_draft_with_an_action_misses_nothing():
    assert missing_sections(sections=COMPLETE, actions=1) == []


def test_recommendations_are_optional():
    assert missing_sections(sections=COMPLETE | {"recommendations": "   "}, actions=2) == []


def test_missing_sections_are_named_in_the_documents_order():
    assert missing_sections(sections={}, actions=0) == [
        "event summary",
        "root cause",
        "how service was restored",
        "at least one preventive action",
    ]


def test_a_section_of_blanks_is_missing():
    sections = COMPLETE | {"root_cause": " \n\t "}

    assert missing_sections(sections=sections, actions=1) == ["root cause"]


def test_no_preventive_action_is_missing():
    assert missing_sections(sections=COMPLETE, actions=0) == ["at least one preventive action"]


# --- Durations ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("delta", "words"),
    [
        (dt.timedelta(0), "0 min"),
        (dt.timedelta(seconds=59), "0 min"),
        (dt.timedelta(minutes=45), "45 min"),
        (dt.timedelta(hours=1), "1 h 00 min"),
        (dt.timedelta(hours=8), "8 h 00 min"),
        (dt.timedelta(hours=10, minutes=5), "10 h 05 min"),
        (dt.timedelta(days=1), "1 d 0 h 00 min"),
        (dt.timedelta(days=2, hours=3, minutes=7, seconds=30), "2 d 3 h 07 min"),
    ],
)
def test_format_duration_in_days_hours_and_minutes(delta, words):
    assert format_duration(delta) == words
