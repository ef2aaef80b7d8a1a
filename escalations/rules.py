"""Pure rules for escalations: no ORM, no clock, no I/O. ``now`` is always a parameter."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from accountteam.calendar import CalendarSpec
from accountteam.errors import StateConflict

NEW = "new"
ACKNOWLEDGED = "acknowledged"
IN_PROGRESS = "in_progress"
WAITING = "waiting_on_customer"
RESOLVED = "resolved"
CANCELLED = "cancelled"
CLOSED = frozenset({RESOLVED, CANCELLED})
OPEN = frozenset({NEW, ACKNOWLEDGED, IN_PROGRESS, WAITING})

SALES_CATEGORIES = frozenset({"ica_question", "bfr_sr", "project_coordination"})
# Channels and categories whose acknowledgement must name a follow-up date.
FOLLOW_UP_CHANNELS = frozenset({"email"})
FOLLOW_UP_CATEGORIES = frozenset({"complaint", "postmortem"})
MAX_LEVEL = 2


def team_for_category(category: str) -> str:
    """Which team answers a category: sales matters go to the sales executive, the rest to the
    service manager."""
    return "sales" if category in SALES_CATEGORIES else "service"


def follow_up_required(channel: str, category: str) -> bool:
    return channel in FOLLOW_UP_CHANNELS or category in FOLLOW_UP_CATEGORIES


# --- Policies ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Interval:
    mode: str  # interval | scheduled | manager_sets
    target: int | None
    due: int | None
    unit: str  # minutes | hours | days
    policy_id: int | None = None


@dataclass(frozen=True)
class PolicyRow:
    company_id: int | None
    channel: str  # "" = any
    category: str  # "" = any
    availability: str  # "" = any
    interval: Interval


def pick_policy(rows: list[PolicyRow], *, company_id, channel, category, availability) -> PolicyRow | None:
    """The most specific row that matches: a company's own row beats the carrier's; then a
    category match beats "any", then a channel match, then an availability match."""
    best, best_score = None, None
    for row in rows:
        if row.company_id not in (None, company_id):
            continue
        if row.channel not in ("", channel) or row.category not in ("", category):
            continue
        if row.availability not in ("", availability):
            continue
        score = (row.company_id is not None, row.category != "", row.channel != "", row.availability != "")
        if best_score is None or score > best_score:
            best, best_score = row, score
    return best


def _add(calendar: CalendarSpec, start: dt.datetime, amount: int, unit: str) -> dt.datetime:
    if unit == "days":
        return calendar.add_business_days(start, amount)
    minutes = amount * 60 if unit == "hours" else amount
    return calendar.add_business_time(start, dt.timedelta(minutes=minutes))


@dataclass(frozen=True)
class Deadlines:
    target_at: dt.datetime | None
    due_at: dt.datetime | None
    auto_escalate_at: dt.datetime | None


def response_deadlines(
    *,
    received_at: dt.datetime,
    interval: Interval,
    calendar: CalendarSpec,
    grace: dt.timedelta | None = None,
) -> Deadlines:
    """Target, due and automatic-escalation instants for a contact received at ``received_at``.

    Business time on the assignee's calendar; a contact received after hours starts its clock
    at the next opening. Without an explicit ``grace`` the item escalates itself after a
    further due interval (measured in business time) has passed unanswered.
    """
    if interval.mode != "interval" or interval.due is None:
        return Deadlines(None, None, None)
    target = _add(calendar, received_at, interval.target, interval.unit) if interval.target else None
    due = _add(calendar, received_at, interval.due, interval.unit)
    if grace is None:
        grace = calendar.business_time_between(received_at, due)
    escalate = calendar.add_business_time(due, grace)
    return Deadlines(target, due, escalate)


def follow_up_deadlines(*, day: dt.date, calendar: CalendarSpec) -> tuple[dt.datetime, dt.datetime]:
    """A follow-up promised for ``day``: a reminder at that day's opening, due at its close.

    On a day the calendar is closed, both fall at the end of the day in the calendar's zone.
    """
    due = calendar.close_of_business(day)
    if due is None:
        end = dt.datetime.combine(day, dt.time(23, 59), tzinfo=calendar.zone)
        return end, end
    return calendar.opening_of_business(day), due


def shift(calendar: CalendarSpec, instant: dt.datetime | None, paused: dt.timedelta) -> dt.datetime | None:
    """Move a deadline out by business time spent waiting on the customer."""
    if instant is None or paused <= dt.timedelta(0):
        return instant
    return calendar.add_business_time(instant, paused)


# --- Life cycle -----------------------------------------------------------------------------


class TransitionError(StateConflict):
    """An action that the item's status does not allow (the API answers 409)."""


TRANSITIONS = {
    "acknowledge": ({NEW}, ACKNOWLEDGED),
    "respond": ({NEW, ACKNOWLEDGED, IN_PROGRESS}, IN_PROGRESS),
    "wait": ({NEW, ACKNOWLEDGED, IN_PROGRESS}, WAITING),
    "resume": ({WAITING}, None),  # back to the status before the wait
    "resolve": (OPEN, RESOLVED),
    "cancel": (OPEN, CANCELLED),
    "escalate": (OPEN, None),  # status unchanged
    "reassign": (OPEN, None),
}

_ACTION_WORDS = {
    "acknowledge": "acknowledged",
    "respond": "responded to",
    "wait": "put to waiting on the customer",
    "resume": "resumed",
    "resolve": "resolved",
    "cancel": "cancelled",
    "escalate": "escalated",
    "reassign": "reassigned",
}


def next_status(status: str, action: str, *, status_before_wait: str = "") -> str:
    """The status after ``action``, or TransitionError saying why it is not allowed."""
    allowed, target = TRANSITIONS[action]
    if status not in allowed:
        label = status.replace("_", " ")
        raise TransitionError(f"An item that is {label} cannot be {_ACTION_WORDS[action]}.")
    if action == "resume":
        return status_before_wait or IN_PROGRESS
    return target or status


def validate_follow_up(*, channel: str, category: str, follow_up_on: dt.date | None, today: dt.date) -> str | None:
    """Why an acknowledgement's follow-up date is not acceptable (None when it is)."""
    if follow_up_on is None:
        if follow_up_required(channel, category):
            return (
                "An acknowledgement of written correspondence must name the date by which the customer "
                "will be contacted."
            )
        return None
    if follow_up_on < today:
        return "The follow-up date is in the past."
    return None


# --- Deadlines over time (what the sweep does) --------------------------------------------------


@dataclass(frozen=True)
class DeadlineState:
    status: str
    level: int
    target_at: dt.datetime | None
    due_at: dt.datetime | None
    auto_escalate_at: dt.datetime | None
    first_response_at: dt.datetime | None
    follow_up_target_at: dt.datetime | None
    follow_up_due_at: dt.datetime | None
    follow_up_done_at: dt.datetime | None


REMINDER = "reminder"
OVERDUE = "overdue"
AUTO_ESCALATE = "auto_escalate"
FOLLOW_UP_REMINDER = "follow_up_reminder"
FOLLOW_UP_OVERDUE = "follow_up_overdue"


def schedule(state: DeadlineState) -> list[tuple[str, dt.datetime]]:
    """Every point in time at which the sweep has something to do for this item.

    Nothing while the clock is stopped (waiting on the customer) or the item is closed.
    Unanswered: remind at target, overdue at due, escalate to the director after the grace.
    Answered with a follow-up promised: remind at that day's opening, overdue at its close.
    """
    if state.status in CLOSED or state.status == WAITING:
        return []
    points = []
    if state.first_response_at is None:
        if state.target_at:
            points.append((REMINDER, state.target_at))
        if state.due_at:
            points.append((OVERDUE, state.due_at))
        if state.auto_escalate_at and state.level < MAX_LEVEL:
            points.append((AUTO_ESCALATE, state.auto_escalate_at))
    elif state.follow_up_due_at and state.follow_up_done_at is None:
        if state.follow_up_target_at and state.follow_up_target_at < state.follow_up_due_at:
            points.append((FOLLOW_UP_REMINDER, state.follow_up_target_at))
        points.append((FOLLOW_UP_OVERDUE, state.follow_up_due_at))
    return sorted(points, key=lambda p: p[1])


def due_points(state: DeadlineState, now: dt.datetime) -> list[tuple[str, dt.datetime]]:
    return [p for p in schedule(state) if p[1] <= now]


def next_action_at(state: DeadlineState, now: dt.datetime) -> dt.datetime | None:
    later = [at for _kind, at in schedule(state) if at > now]
    return min(later) if later else None


def next_deadline_at(state: DeadlineState) -> dt.datetime | None:
    """The deadline the item is working towards: the response, then the promised follow-up."""
    if state.status in CLOSED:
        return None
    if state.first_response_at is None:
        return state.due_at
    if state.follow_up_due_at and state.follow_up_done_at is None:
        return state.follow_up_due_at
    return None


# --- The queue ------------------------------------------------------------------------------

ON_TRACK = "on_track"
AT_RISK = "at_risk"  # past its target (or a follow-up's day has begun), not yet due
OVERDUE_STATE = "overdue"
PAUSED = "paused"  # waiting on the customer: the clock is stopped
QUEUE_STATES = (ON_TRACK, AT_RISK, OVERDUE_STATE, PAUSED)


def time_left_words(deadline: dt.datetime | None, now: dt.datetime) -> str:
    """'2 h 05 min left', 'overdue by 3 d 4 h', or '' without a deadline (wall-clock time)."""
    if deadline is None:
        return ""
    seconds = int((deadline - now).total_seconds())
    span = abs(seconds)
    days, rest = divmod(span, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        text = f"{days} d {hours} h"
    elif hours:
        text = f"{hours} h {minutes:02d} min"
    elif span >= 60:
        text = f"{minutes} min"
    else:
        text = "under a minute"
    return f"{text} left" if seconds > 0 else f"overdue by {text}"
