"""The pure escalation rules: policy choice, life cycle, follow-ups, the sweep's schedule and
response deadlines in business time.

Deadlines are worked out by hand on the Denver office calendar (Mon–Fri 08:00–17:00 MST, US
holidays). January 2026: Fri 9, Mon 12, Tue 13, Wed 14, Thu 15, Fri 16, Mon 19 is Martin
Luther King Jr. Day (closed), Tue 20.
"""

import datetime as dt

import pytest

from accountteam.calendar import CalendarSpec
from escalations import rules
from escalations.policies import GUIDELINES
from escalations.rules import DeadlineState, Interval, PolicyRow, TransitionError
from tests.escalations.factories import DENVER_OFFICE, denver, utc

# The demo's Argentina calendar: Mon–Fri 09:00–18:00 in Buenos Aires (UTC−3, no DST).
BUENOS_AIRES = CalendarSpec(
    time_zone="America/Argentina/Buenos_Aires",
    weekly_hours={d: [["09:00", "18:00"]] for d in ("mon", "tue", "wed", "thu", "fri")} | {"sat": [], "sun": []},
    holiday_country="AR",
)

MIN = dt.timedelta(minutes=1)
HOUR = dt.timedelta(hours=1)


def carrier_rows() -> list[PolicyRow]:
    """The seeded carrier guidelines as pure rows."""
    return [
        PolicyRow(
            None,
            channel,
            category,
            availability,
            # As seeded: a range warns at its lower bound, a single number at 75% of it.
            Interval(mode, target, due, unit, policy_id=i, warn_percent=None if target else 75),
        )
        for i, (channel, category, availability, mode, target, due, unit, _words) in enumerate(GUIDELINES)
    ]


def guideline(channel, category="repair", availability="in_office", company_id=1) -> Interval:
    row = rules.pick_policy(
        carrier_rows(), company_id=company_id, channel=channel, category=category, availability=availability
    )
    assert row is not None
    return row.interval


def row(company_id=None, channel="", category="", availability="", name="") -> PolicyRow:
    """A row whose interval's unit carries a name, so the pick can be told apart."""
    return PolicyRow(company_id, channel, category, availability, Interval("interval", None, 1, name or "hours"))


def picked(rows, *, company_id=7, channel="pager", category="repair", availability="in_office") -> str | None:
    best = rules.pick_policy(rows, company_id=company_id, channel=channel, category=category, availability=availability)
    return best.interval.unit if best else None


# --- pick_policy ----------------------------------------------------------------------------------


def test_company_override_beats_the_carrier_row_of_the_same_scope():
    rows = [row(None, "pager", name="carrier"), row(7, "pager", name="company")]
    assert picked(rows) == "company"


def test_company_override_beats_even_a_more_specific_carrier_row():
    rows = [row(None, "pager", "repair", "in_office", name="carrier-exact"), row(7, name="company-any")]
    assert picked(rows) == "company-any"


def test_another_companys_override_is_never_picked():
    rows = [row(None, "pager", name="carrier"), row(8, "pager", "repair", "in_office", name="other-company")]
    assert picked(rows) == "carrier"


def test_category_match_beats_any_category_even_with_a_channel_match():
    rows = [row(None, "email", name="email-any"), row(None, "", "complaint", name="complaint-any-channel")]
    assert picked(rows, channel="email", category="complaint") == "complaint-any-channel"


def test_channel_match_beats_any_channel():
    rows = [row(None, name="anything"), row(None, "pager", name="pager")]
    assert picked(rows) == "pager"


def test_availability_match_beats_either():
    rows = [row(None, "pager", name="either"), row(None, "pager", availability="out_of_office", name="ooo")]
    assert picked(rows, availability="out_of_office") == "ooo"
    assert picked(rows, availability="in_office") == "either"


def test_rows_for_another_channel_category_or_availability_do_not_match():
    rows = [row(None, "email"), row(None, "", "billing"), row(None, "pager", availability="out_of_office")]
    assert picked(rows, channel="pager", category="repair", availability="in_office") is None


@pytest.mark.parametrize(
    ("channel", "category", "availability", "expected"),
    [
        ("pager", "repair", "in_office", ("interval", 15, 30, "minutes")),
        ("pager", "outage", "out_of_office", ("interval", 4, 8, "hours")),
        ("voicemail", "repair", "in_office", ("interval", None, 4, "hours")),
        ("voicemail", "repair", "out_of_office", ("interval", None, 8, "hours")),
        ("email", "repair", "in_office", ("interval", None, 1, "days")),
        ("email", "billing", "out_of_office", ("interval", None, 2, "days")),
        ("conference_call", "repair", "in_office", ("scheduled", None, 1, "days")),
        ("meeting", "expedite", "out_of_office", ("scheduled", None, 1, "days")),
        ("email", "complaint", "in_office", ("manager_sets", None, 1, "days")),
        ("pager", "complaint", "in_office", ("manager_sets", None, 1, "days")),
    ],
)
def test_seeded_guidelines_pick_the_published_interval(channel, category, availability, expected):
    interval = guideline(channel, category, availability)
    assert (interval.mode, interval.target, interval.due, interval.unit) == expected


# --- next_status ----------------------------------------------------------------------------------

STATUSES = ["new", "acknowledged", "in_progress", "waiting_on_customer", "resolved", "cancelled"]
ACTIONS = ["acknowledge", "respond", "wait", "resume", "resolve", "cancel", "escalate", "reassign"]

ALLOWED = {
    ("new", "acknowledge"): "acknowledged",
    ("new", "respond"): "in_progress",
    ("new", "wait"): "waiting_on_customer",
    ("new", "resolve"): "resolved",
    ("new", "cancel"): "cancelled",
    ("new", "escalate"): "new",
    ("new", "reassign"): "new",
    ("acknowledged", "respond"): "in_progress",
    ("acknowledged", "wait"): "waiting_on_customer",
    ("acknowledged", "resolve"): "resolved",
    ("acknowledged", "cancel"): "cancelled",
    ("acknowledged", "escalate"): "acknowledged",
    ("acknowledged", "reassign"): "acknowledged",
    ("in_progress", "respond"): "in_progress",
    ("in_progress", "wait"): "waiting_on_customer",
    ("in_progress", "resolve"): "resolved",
    ("in_progress", "cancel"): "cancelled",
    ("in_progress", "escalate"): "in_progress",
    ("in_progress", "reassign"): "in_progress",
    ("waiting_on_customer", "resume"): "acknowledged",  # the status before the wait (below)
    ("waiting_on_customer", "resolve"): "resolved",
    ("waiting_on_customer", "cancel"): "cancelled",
    ("waiting_on_customer", "escalate"): "waiting_on_customer",
    ("waiting_on_customer", "reassign"): "waiting_on_customer",
}
DISALLOWED = [(s, a) for s in STATUSES for a in ACTIONS if (s, a) not in ALLOWED]
WORDS = {
    "acknowledge": "acknowledged",
    "respond": "responded to",
    "wait": "put to waiting on the customer",
    "resume": "resumed",
    "resolve": "resolved",
    "cancel": "cancelled",
    "escalate": "escalated",
    "reassign": "reassigned",
}


@pytest.mark.parametrize(("status", "action"), list(ALLOWED))
def test_allowed_action_gives_the_next_status(status, action):
    assert rules.next_status(status, action, status_before_wait="acknowledged") == ALLOWED[status, action]


@pytest.mark.parametrize(("status", "action"), DISALLOWED)
def test_disallowed_action_raises_transition_error_naming_status_and_action(status, action):
    with pytest.raises(TransitionError) as raised:
        rules.next_status(status, action, status_before_wait="acknowledged")
    assert str(raised.value) == f"An item that is {status.replace('_', ' ')} cannot be {WORDS[action]}."


def test_every_status_and_action_pair_is_either_allowed_or_disallowed():
    assert len(ALLOWED) + len(DISALLOWED) == len(STATUSES) * len(ACTIONS) == 48
    assert len(DISALLOWED) == 24


def test_transition_error_message_reads_naturally():
    with pytest.raises(TransitionError, match=r"^An item that is waiting on customer cannot be acknowledged\.$"):
        rules.next_status("waiting_on_customer", "acknowledge")
    with pytest.raises(TransitionError, match=r"^An item that is resolved cannot be resolved\.$"):
        rules.next_status("resolved", "resolve")


@pytest.mark.parametrize(
    ("before", "after"), [("new", "new"), ("acknowledged", "acknowledged"), ("in_progress", "in_progress")]
)
def test_resume_returns_to_the_status_before_the_wait(before, after):
    assert rules.next_status("waiting_on_customer", "resume", status_before_wait=before) == after


def test_resume_without_a_recorded_status_goes_to_in_progress():
    assert rules.next_status("waiting_on_customer", "resume", status_before_wait="") == "in_progress"


# --- validate_follow_up ---------------------------------------------------------------------------

TODAY = dt.date(2026, 1, 13)


def test_email_acknowledgement_needs_a_follow_up_date():
    problem = rules.validate_follow_up(channel="email", category="repair", follow_up_on=None, today=TODAY)
    assert problem is not None and "must name the date" in problem


def test_complaint_acknowledgement_needs_its_target_date_on_any_channel():
    problem = rules.validate_follow_up(channel="pager", category="complaint", follow_up_on=None, today=TODAY)
    assert problem is not None and "target date" in problem


@pytest.mark.parametrize(
    ("day", "offered"),
    [
        (dt.date(2026, 1, 10), "The next open day is Monday 12 January."),  # a Saturday
        (dt.date(2026, 1, 19), "The next open day is Tuesday 20 January."),  # MLK day
        (dt.date(2026, 1, 17), "The next open day is Tuesday 20 January."),  # Saturday before MLK day
    ],
)
def test_follow_up_on_a_closed_day_is_refused_offering_the_next_open_day(day, offered):
    problem = rules.validate_follow_up(
        channel="email", category="repair", follow_up_on=day, today=dt.date(2026, 1, 9), calendar=DENVER_OFFICE
    )
    assert problem is not None and "is not a working day" in problem and problem.endswith(offered)


def test_follow_up_on_an_open_day_is_accepted():
    assert (
        rules.validate_follow_up(
            channel="email", category="repair", follow_up_on=dt.date(2026, 1, 20), today=TODAY, calendar=DENVER_OFFICE
        )
        is None
    )


def test_follow_up_date_in_the_past_is_refused():
    problem = rules.validate_follow_up(
        channel="email", category="repair", follow_up_on=TODAY - dt.timedelta(days=1), today=TODAY
    )
    assert problem == "The follow-up date is in the past."


def test_follow_up_date_in_the_past_is_refused_even_where_none_is_required():
    problem = rules.validate_follow_up(
        channel="pager", category="repair", follow_up_on=TODAY - dt.timedelta(days=1), today=TODAY
    )
    assert problem == "The follow-up date is in the past."


def test_pager_acknowledgement_may_omit_the_follow_up_date():
    assert rules.validate_follow_up(channel="pager", category="repair", follow_up_on=None, today=TODAY) is None


@pytest.mark.parametrize("day", [TODAY, TODAY + dt.timedelta(days=3)])
def test_follow_up_date_today_or_later_is_accepted(day):
    assert rules.validate_follow_up(channel="email", category="complaint", follow_up_on=day, today=TODAY) is None


def test_next_open_day_skips_weekends_and_holidays():
    assert rules.next_open_day(DENVER_OFFICE, dt.date(2026, 1, 17)) == dt.date(2026, 1, 20)
    assert rules.next_open_day(DENVER_OFFICE, dt.date(2026, 1, 14)) == dt.date(2026, 1, 14)


# --- follow_up_deadlines and shift ----------------------------------------------------------------


def test_follow_up_is_reminded_at_the_days_opening_and_due_at_its_close():
    target, due = rules.follow_up_deadlines(day=dt.date(2026, 1, 14), calendar=DENVER_OFFICE)
    assert utc(target) == utc(denver(2026, 1, 14, 8, 0))
    assert utc(due) == utc(denver(2026, 1, 14, 17, 0))


def test_follow_up_on_a_closed_day_falls_at_the_end_of_that_day():
    target, due = rules.follow_up_deadlines(day=dt.date(2026, 1, 19), calendar=DENVER_OFFICE)  # MLK day
    assert utc(target) == utc(due) == utc(denver(2026, 1, 19, 23, 59))


def test_shift_moves_a_deadline_out_by_business_time():
    # Fri 16:30 + 1 h: 30 min on Friday, 30 min on Monday.
    shifted = rules.shift(DENVER_OFFICE, denver(2026, 1, 9, 16, 30), HOUR)
    assert utc(shifted) == utc(denver(2026, 1, 12, 8, 30))


def test_shift_leaves_missing_deadlines_and_zero_pauses_alone():
    instant = denver(2026, 1, 9, 16, 30)
    assert rules.shift(DENVER_OFFICE, None, HOUR) is None
    assert rules.shift(DENVER_OFFICE, instant, dt.timedelta(0)) is instant


# --- schedule, due_points, next_action_at, next_deadline_at ---------------------------------------

TARGET = denver(2026, 1, 13, 10, 15)
DUE = denver(2026, 1, 13, 10, 30)
ESCALATE = denver(2026, 1, 13, 11, 0)
FOLLOW_UP_TARGET = denver(2026, 1, 15, 8, 0)
FOLLOW_UP_DUE = denver(2026, 1, 15, 17, 0)


def state(**overrides) -> DeadlineState:
    values = dict(
        status="new",
        level=1,
        target_at=TARGET,
        due_at=DUE,
        auto_escalate_at=ESCALATE,
        first_response_at=None,
        follow_up_target_at=None,
        follow_up_due_at=None,
        follow_up_done_at=None,
    )
    return DeadlineState(**(values | overrides))


def answered(**overrides) -> DeadlineState:
    return state(
        **(
            dict(
                status="acknowledged",
                first_response_at=denver(2026, 1, 13, 10, 5),
                follow_up_target_at=FOLLOW_UP_TARGET,
                follow_up_due_at=FOLLOW_UP_DUE,
            )
            | overrides
        )
    )


def test_unanswered_item_is_reminded_at_target_overdue_at_due_and_escalated_after_the_grace():
    assert rules.schedule(state()) == [
        (rules.REMINDER, TARGET),
        (rules.OVERDUE, DUE),
        (rules.AUTO_ESCALATE, ESCALATE),
    ]


def test_unanswered_item_at_level_2_is_not_escalated_again():
    assert rules.schedule(state(level=2)) == [(rules.REMINDER, TARGET), (rules.OVERDUE, DUE)]


def test_unanswered_item_without_a_target_has_no_reminder():
    assert rules.schedule(state(target_at=None)) == [(rules.OVERDUE, DUE), (rules.AUTO_ESCALATE, ESCALATE)]


def test_item_without_deadlines_has_nothing_scheduled():
    assert rules.schedule(state(target_at=None, due_at=None, auto_escalate_at=None)) == []
    assert rules.next_deadline_at(state(target_at=None, due_at=None, auto_escalate_at=None)) is None


@pytest.mark.parametrize(
    ("now", "due_kinds", "next_action"),
    [
        (denver(2026, 1, 13, 10, 0), [], TARGET),
        (TARGET, [rules.REMINDER], DUE),
        (denver(2026, 1, 13, 10, 20), [rules.REMINDER], DUE),
        (DUE, [rules.REMINDER, rules.OVERDUE], ESCALATE),
        (ESCALATE, [rules.REMINDER, rules.OVERDUE, rules.AUTO_ESCALATE], None),
    ],
)
def test_unanswered_item_points_fall_due_one_after_another(now, due_kinds, next_action):
    assert [kind for kind, _at in rules.due_points(state(), now)] == due_kinds
    assert rules.next_action_at(state(), now) == next_action
    assert rules.next_deadline_at(state()) == DUE


def test_answered_item_with_a_follow_up_is_reminded_at_its_opening_and_overdue_at_its_close():
    assert rules.schedule(answered()) == [
        (rules.FOLLOW_UP_REMINDER, FOLLOW_UP_TARGET),
        (rules.FOLLOW_UP_OVERDUE, FOLLOW_UP_DUE),
    ]
    assert rules.next_deadline_at(answered()) == FOLLOW_UP_DUE


def test_answered_item_no_longer_has_response_points():
    # The response deadlines passed long ago but the item was answered in time.
    later = denver(2026, 1, 14, 9, 0)
    assert rules.due_points(answered(), later) == []
    assert rules.next_action_at(answered(), later) == FOLLOW_UP_TARGET
    assert [k for k, _ in rules.due_points(answered(), FOLLOW_UP_DUE)] == [
        rules.FOLLOW_UP_REMINDER,
        rules.FOLLOW_UP_OVERDUE,
    ]
    assert rules.next_action_at(answered(), FOLLOW_UP_DUE) is None


def test_follow_up_on_a_closed_day_has_only_the_overdue_point():
    end = denver(2026, 1, 19, 23, 59)
    assert rules.schedule(answered(follow_up_target_at=end, follow_up_due_at=end)) == [(rules.FOLLOW_UP_OVERDUE, end)]


def test_answered_item_without_a_follow_up_has_nothing_left():
    done = answered(follow_up_target_at=None, follow_up_due_at=None)
    assert rules.schedule(done) == []
    assert rules.next_deadline_at(done) is None


def test_follow_up_done_leaves_nothing_scheduled():
    done = answered(status="in_progress", follow_up_done_at=denver(2026, 1, 14, 9, 0))
    assert rules.schedule(done) == []
    assert rules.next_deadline_at(done) is None
    assert rules.next_action_at(done, denver(2026, 1, 13, 0, 0)) is None


@pytest.mark.parametrize("status", ["waiting_on_customer", "resolved", "cancelled"])
def test_waiting_and_closed_items_have_nothing_scheduled(status):
    for s in (state(status=status), answered(status=status)):
        assert rules.schedule(s) == []
        assert rules.due_points(s, ESCALATE + HOUR) == []
        assert rules.next_action_at(s, TARGET - HOUR) is None


@pytest.mark.parametrize("status", ["resolved", "cancelled"])
def test_closed_items_have_no_deadline(status):
    assert rules.next_deadline_at(state(status=status)) is None
    assert rules.next_deadline_at(answered(status=status)) is None


# --- response_deadlines --------------------------------------------------------------------------


def deadlines(received, interval, grace=None):
    result = rules.response_deadlines(received_at=received, interval=interval, calendar=DENVER_OFFICE, grace=grace)
    return tuple(utc(x) if x else None for x in (result.target_at, result.due_at, result.auto_escalate_at))


def expect(*instants):
    return tuple(utc(x) if x else None for x in instants)


def test_pager_in_office_received_friday_evening_runs_into_monday_morning():
    # Fri 16:50: 10 min until close. Target 15 min → Mon 08:05; due 30 min → Mon 08:20;
    # grace = 30 business minutes again → Mon 08:50.
    assert deadlines(denver(2026, 1, 9, 16, 50), guideline("pager")) == expect(
        denver(2026, 1, 12, 8, 5), denver(2026, 1, 12, 8, 20), denver(2026, 1, 12, 8, 50)
    )


def test_pager_in_office_in_business_hours_is_15_and_30_minutes():
    assert deadlines(denver(2026, 1, 13, 10, 0), guideline("pager")) == expect(
        denver(2026, 1, 13, 10, 15), denver(2026, 1, 13, 10, 30), denver(2026, 1, 13, 11, 0)
    )


def test_pager_out_of_office_is_4_and_8_business_hours():
    # Fri 16:50: 10 min Friday. Target 4 h → Mon 11:50; due 8 h → Mon 15:50;
    # grace 8 h: 1 h 10 Monday, 6 h 50 Tuesday → Tue 14:50.
    assert deadlines(denver(2026, 1, 9, 16, 50), guideline("pager", availability="out_of_office")) == expect(
        denver(2026, 1, 12, 11, 50), denver(2026, 1, 12, 15, 50), denver(2026, 1, 13, 14, 50)
    )


def test_voicemail_is_returned_within_4_business_hours_with_a_warning_at_3():
    # Tue 15:00: 2 h Tuesday, 2 h Wednesday → Wed 10:00; the warning at 75% (3 h) → Wed 09:00;
    # grace 4 h → Wed 14:00.
    assert deadlines(denver(2026, 1, 13, 15, 0), guideline("voicemail")) == expect(
        denver(2026, 1, 14, 9, 0), denver(2026, 1, 14, 10, 0), denver(2026, 1, 14, 14, 0)
    )


def test_email_is_acknowledged_within_1_business_day():
    # Fri 16:50 → Mon 16:50; the grace is the 9 business hours in between → Tue 16:50. The warning
    # at 75% of 9 h (6 h 45): 10 min on Friday, 6 h 35 from Monday 08:00 → Mon 14:35.
    assert deadlines(denver(2026, 1, 9, 16, 50), guideline("email")) == expect(
        denver(2026, 1, 12, 14, 35), denver(2026, 1, 12, 16, 50), denver(2026, 1, 13, 16, 50)
    )


def test_email_business_day_skips_a_holiday():
    # Fri 16 Jan 10:00; Mon 19 is MLK day → Tue 20 10:00.
    assert deadlines(denver(2026, 1, 16, 10, 0), guideline("email"))[1] == utc(denver(2026, 1, 20, 10, 0))


def test_billing_email_48_business_hours_are_two_business_days():
    # Mon 12 09:00 → Wed 14 09:00 (not 48 hours of nine-hour days, Tue 20 12:00). Between them
    # 18 business hours: the warning at 75% (13 h 30) → Mon 8 h, Tue 5 h 30 → Tue 13:30; the
    # grace of 18 h more → Wed 8 h, Thu 9 h, Fri 1 h → Fri 16 09:00.
    assert deadlines(denver(2026, 1, 12, 9, 0), guideline("email", "billing")) == expect(
        denver(2026, 1, 13, 13, 30), denver(2026, 1, 14, 9, 0), denver(2026, 1, 16, 9, 0)
    )


def test_billing_email_over_a_holiday_skips_it():
    # Fri 16 10:00 → Tue 20 10:00 (Mon 19 is MLK day) → Wed 21 10:00.
    assert deadlines(denver(2026, 1, 16, 10, 0), guideline("email", "billing"))[1] == utc(denver(2026, 1, 21, 10, 0))


@pytest.mark.parametrize(
    ("channel", "category"), [("conference_call", "repair"), ("meeting", "repair"), ("email", "complaint")]
)
def test_scheduling_a_call_and_setting_a_complaints_target_date_are_due_in_one_business_day(channel, category):
    # Tue 13 10:00 → Wed 14 10:00; warned at 75% of 9 h (6 h 45) → Tue 16:45; escalated after
    # 9 business hours more → Thu 15 10:00.
    assert deadlines(denver(2026, 1, 13, 10, 0), guideline(channel, category)) == expect(
        denver(2026, 1, 13, 16, 45), denver(2026, 1, 14, 10, 0), denver(2026, 1, 15, 10, 0)
    )


def test_a_policy_without_a_due_interval_has_no_clock():
    assert deadlines(denver(2026, 1, 13, 10, 0), Interval("manager_sets", None, None, "days")) == (None, None, None)


def test_a_policy_without_a_warning_share_has_no_target():
    assert deadlines(denver(2026, 1, 13, 15, 0), Interval("interval", None, 4, "hours"))[0] is None


@pytest.mark.parametrize(
    ("received", "percent", "warned"),
    [
        (denver(2026, 1, 13, 15, 0), 50, denver(2026, 1, 13, 17, 0)),  # 2 h of 4: the close
        (denver(2026, 1, 13, 15, 0), 90, denver(2026, 1, 14, 9, 36)),  # 3 h 36 of 4
        (denver(2026, 1, 16, 16, 0), 75, denver(2026, 1, 20, 10, 0)),  # across MLK day
    ],
)
def test_the_warning_share_is_configurable_in_business_time(received, percent, warned):
    assert deadlines(received, Interval("interval", None, 4, "hours", warn_percent=percent))[0] == utc(warned)


# --- carry_over ----------------------------------------------------------------------------------


def test_time_left_is_carried_over_to_a_calendar_in_another_zone():
    # Denver Tue 13 15:00 with 4 business hours left (2 h Tuesday, 2 h to Wed 10:00) → Buenos Aires
    # (09–18, UTC−3): 15:00 MST is 19:00 there, closed; the clock runs from Wed 09:00 → Wed 13:00
    # ART (16:00 UTC).
    now = denver(2026, 1, 13, 15, 0)
    moved = rules.carry_over(denver(2026, 1, 14, 10, 0), now=now, old=DENVER_OFFICE, new=BUENOS_AIRES)
    assert utc(moved) == dt.datetime(2026, 1, 14, 16, 0, tzinfo=dt.UTC)


def test_a_deadline_already_passed_is_not_moved():
    now = denver(2026, 1, 14, 12, 0)
    passed = denver(2026, 1, 14, 10, 0)
    assert rules.carry_over(passed, now=now, old=DENVER_OFFICE, new=BUENOS_AIRES) == passed
    assert rules.carry_over(None, now=now, old=DENVER_OFFICE, new=BUENOS_AIRES) is None


def test_carrying_over_to_the_same_calendar_keeps_the_deadline():
    due = denver(2026, 1, 20, 10, 0)
    assert utc(rules.carry_over(due, now=denver(2026, 1, 16, 9, 0), old=DENVER_OFFICE, new=DENVER_OFFICE)) == utc(due)


def test_contact_received_after_hours_starts_at_the_next_opening():
    # Tue 19:30 → the clock starts Wed 08:00.
    assert deadlines(denver(2026, 1, 13, 19, 30), guideline("pager")) == expect(
        denver(2026, 1, 14, 8, 15), denver(2026, 1, 14, 8, 30), denver(2026, 1, 14, 9, 0)
    )


def test_email_received_on_a_saturday_is_due_one_business_day_after_monday_opening():
    # Sat 10 → clock Mon 12 08:00 → Tue 13 08:00; warned after 6 h 45 → Mon 14:45; grace: the 9 h
    # of Monday → Tue 17:00.
    assert deadlines(denver(2026, 1, 10, 10, 0), guideline("email")) == expect(
        denver(2026, 1, 12, 14, 45), denver(2026, 1, 13, 8, 0), denver(2026, 1, 13, 17, 0)
    )


def test_default_grace_is_the_due_interval_again():
    received = denver(2026, 1, 13, 16, 0)
    interval = guideline("voicemail")
    _t, due, escalate = deadlines(received, interval)
    assert DENVER_OFFICE.business_time_between(received, due) == 4 * HOUR
    assert DENVER_OFFICE.business_time_between(due, escalate) == 4 * HOUR


def test_explicit_grace_replaces_the_default():
    assert deadlines(denver(2026, 1, 13, 10, 0), guideline("pager"), grace=2 * HOUR)[2] == utc(
        denver(2026, 1, 13, 12, 30)
    )
