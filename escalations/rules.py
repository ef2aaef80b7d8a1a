"""Pure rules for escalations: no ORM, no clock, no I/O. ``now`` is always a parameter."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import dateformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

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

# Channels and categories whose acknowledgement must name a follow-up date.
FOLLOW_UP_CHANNELS = frozenset({"email"})
FOLLOW_UP_CATEGORIES = frozenset({"complaint", "postmortem"})
# Calls and meetings are answered by scheduling them.
SCHEDULED_CHANNELS = frozenset({"conference_call", "meeting"})
# Contacts that cannot wait for the morning: outside the assignee's hours they go to the duty
# manager (or the 24x7 Technical Service Center).
AFTER_HOURS_CATEGORIES = frozenset({"repair", "outage"})
AFTER_HOURS_ROLES = ("duty-manager", "technical-service-center")
MAX_LEVEL = 2

# The sub-topics by which the seeds split a category between the teams.
TOPICS = {
    "ica_question": ("new_ica", "signed_ica"),
    "project_coordination": ("new_oc_system", "grooming"),
}

SERVICE_MANAGER = "service-manager"
SALES_EXECUTIVE = "sales-executive"

# A status as a sentence names it ("an item that is waiting on customer").
_STATUS_WORDS = {
    NEW: pgettext_lazy("an item that is …", "new"),
    ACKNOWLEDGED: pgettext_lazy("an item that is …", "acknowledged"),
    IN_PROGRESS: pgettext_lazy("an item that is …", "in progress"),
    WAITING: pgettext_lazy("an item that is …", "waiting on customer"),
    RESOLVED: pgettext_lazy("an item that is …", "resolved"),
    CANCELLED: pgettext_lazy("an item that is …", "cancelled"),
}


def status_words(status: str) -> str:
    """The status in words, lower case, in the active language: 'waiting on customer'."""
    return str(_STATUS_WORDS.get(status, status.replace("_", " ")))


# --- Dates in words -----------------------------------------------------------------------------


class _DateWords(dateformat.DateFormat):
    """Django's date format (month and day names in the active language), with the zone's
    abbreviation as the instant itself has it: Django leaves it out for a wall-clock time that
    occurs twice (the hour repeated at the end of summer time)."""

    def T(self):
        if isinstance(self.data, dt.datetime) and self.data.tzinfo is not None:
            return self.data.tzname() or ""
        return super().T()


def date_words(value: dt.date | dt.datetime, fmt: str) -> str:
    """``value`` (a local date or instant) written with the Django date format ``fmt``."""
    return _DateWords(value).format(fmt)


def day_words(day: dt.date) -> str:
    """'Friday 4 December', in the active language."""
    # Translators: a day in words inside a sentence, as a Django date format (l: the weekday, j: the
    # day of the month, F: the month): “Friday 4 December”. Escape literal letters: "l j \d\e F".
    return date_words(day, _("l j F"))


def short_time_words(local: dt.datetime) -> str:
    """'Fri 04 Dec 14:30 MST' (a local instant), in the active language: the staff's notices."""
    # Translators: a day and time in short words, as a Django date format (D: the weekday, d: the day
    # of the month, M: the month, both abbreviated; H:i: the 24-hour time; T: the time zone):
    # “Fri 04 Dec 14:30 MST”.
    return date_words(local, _("D d M H:i T"))


# --- Routing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RouteRow:
    company_id: int | None
    category: str
    topic: str  # "" = any
    roles: tuple[str, ...]


def pick_route(rows: list[RouteRow], *, company_id, category: str, topic: str = "") -> tuple[str, ...]:
    """The roles that answer ``category`` (and ``topic``), most preferred first: a company's own
    row beats the carrier's, a topic match beats "any". Every route ends with the service manager
    and then the sales executive, so an item always finds someone on a staffed account."""
    best, best_score = None, None
    for row in rows:
        if row.company_id not in (None, company_id) or row.category != category:
            continue
        if row.topic not in ("", topic):
            continue
        score = (row.company_id is not None, row.topic != "")
        if best_score is None or score > best_score:
            best, best_score = row, score
    roles = list(best.roles) if best else [SERVICE_MANAGER]
    for fallback in (SERVICE_MANAGER, SALES_EXECUTIVE):
        if fallback not in roles:
            roles.append(fallback)
    return tuple(roles)


def first_held(preference: tuple[str, ...], held: dict[str, object]):
    """The first role in ``preference`` that someone holds (``held``: role code → holder)."""
    for code in preference:
        if code in held:
            return held[code]
    return None


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
    warn_percent: int | None = None  # without a target: the warning point, as a share of the interval


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
    at the next opening. Every mode with a due interval has a clock: a fixed interval to answer,
    a complaint's interval to *set* its target date, a call's or meeting's to *schedule* it.
    Where the policy gives a range, its lower bound is the target (the warning); where it gives
    one number, the warning falls at ``warn_percent`` of the interval in business time. Without
    an explicit ``grace`` the item escalates itself after a further due interval (measured in
    business time) has passed unanswered.
    """
    if interval.due is None:
        return Deadlines(None, None, None)
    due = _add(calendar, received_at, interval.due, interval.unit)
    span = calendar.business_time_between(received_at, due)
    if interval.target:
        target = _add(calendar, received_at, interval.target, interval.unit)
    elif interval.warn_percent:
        target = warning_point(calendar, received_at, due, interval.warn_percent)
    else:
        target = None
    escalate = calendar.add_business_time(due, span if grace is None else grace)
    return Deadlines(target, due, escalate)


def warning_point(calendar: CalendarSpec, start: dt.datetime, due: dt.datetime, percent: int) -> dt.datetime:
    """The instant ``percent`` of the business time from ``start`` to ``due`` has passed (to the
    minute; never before ``start``'s clock starts, never after ``due``)."""
    span = calendar.business_time_between(start, due)
    share = dt.timedelta(minutes=int(span.total_seconds() * percent / 100 // 60))
    return min(calendar.add_business_time(start, share), due)


def carry_over(
    instant: dt.datetime | None, *, now: dt.datetime, old: CalendarSpec, new: CalendarSpec
) -> dt.datetime | None:
    """A deadline moved to another person's calendar: the business time left on the old calendar
    from ``now`` is counted again on the new one. A deadline already passed stays where it is."""
    if instant is None or instant <= now:
        return instant
    return new.add_business_time(now, old.business_time_between(now, instant))


def next_open_day(calendar: CalendarSpec, day: dt.date, *, horizon_days: int = 400) -> dt.date | None:
    """``day`` if the calendar is open on it, else the next day it is (None within the horizon)."""
    for offset in range(horizon_days):
        candidate = day + dt.timedelta(days=offset)
        if calendar.close_of_business(candidate) is not None:
            return candidate
    return None


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

# Why an action is refused, for the item's status in words (``status_words``).
_REFUSALS = {
    # Translators: %(status)s is the item's status in lower case, e.g. “in progress”, “resolved”.
    "acknowledge": gettext_lazy("An item that is %(status)s cannot be acknowledged."),
    "respond": gettext_lazy("An item that is %(status)s cannot be responded to."),
    "wait": gettext_lazy("An item that is %(status)s cannot be put to waiting on the customer."),
    "resume": gettext_lazy("An item that is %(status)s cannot be resumed."),
    "resolve": gettext_lazy("An item that is %(status)s cannot be resolved."),
    "cancel": gettext_lazy("An item that is %(status)s cannot be cancelled."),
    "escalate": gettext_lazy("An item that is %(status)s cannot be escalated."),
    "reassign": gettext_lazy("An item that is %(status)s cannot be reassigned."),
}


def next_status(status: str, action: str, *, status_before_wait: str = "") -> str:
    """The status after ``action``, or TransitionError saying why it is not allowed."""
    allowed, target = TRANSITIONS[action]
    if status not in allowed:
        raise TransitionError(_REFUSALS[action] % {"status": status_words(status)})
    if action == "resume":
        return status_before_wait or IN_PROGRESS
    return target or status


def validate_follow_up(
    *,
    channel: str,
    category: str,
    follow_up_on: dt.date | None,
    today: dt.date,
    calendar: CalendarSpec | None = None,
) -> str | None:
    """Why an acknowledgement's follow-up date is not acceptable (None when it is): missing where
    required, in the past, or on a day the assignee's ``calendar`` is closed (the message offers
    the next open day)."""
    if follow_up_on is None:
        if category == "complaint":
            return _("Set the complaint's target date: the date by which the customer will have an answer.")
        if follow_up_required(channel, category):
            return _(
                "An acknowledgement of written correspondence must name the date by which the customer "
                "will be contacted."
            )
        return None
    if follow_up_on < today:
        return _("The follow-up date is in the past.")
    if calendar is not None and calendar.close_of_business(follow_up_on) is None:
        day = day_words(follow_up_on)
        later = next_open_day(calendar, follow_up_on)
        if later:
            # Translators: both days are in words, e.g. “Saturday 5 December”, “Monday 7 December”.
            return _("%(day)s is not a working day on the assignee's calendar. The next open day is %(next)s.") % {
                "day": day,
                "next": day_words(later),
            }
        # Translators: %(day)s is a day in words, e.g. “Saturday 5 December”.
        return _("%(day)s is not a working day on the assignee's calendar.") % {"day": day}
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
        # Translators: a time span in short words (d: days, h: hours), e.g. “3 d 4 h”.
        text = _("%(days)s d %(hours)s h") % {"days": days, "hours": hours}
    elif hours:
        # Translators: a time span in short words (h: hours, min: minutes), e.g. “2 h 05 min”.
        text = _("%(hours)s h %(minutes)s min") % {"hours": hours, "minutes": f"{minutes:02d}"}
    elif span >= 60:
        # Translators: a time span in short words, e.g. “35 min”.
        text = _("%(minutes)s min") % {"minutes": minutes}
    else:
        text = _("under a minute")
    if seconds > 0:
        # Translators: the time left to a deadline, e.g. “2 h 05 min left”.
        return _("%(time)s left") % {"time": text}
    # Translators: the time past a deadline, e.g. “overdue by 3 d 4 h”.
    return _("overdue by %(time)s") % {"time": text}


# --- Undoing a resolution (the queue's Undo) ----------------------------------------------------

# How long the person who resolved an item may take it back (a slip of the finger in the queue).
UNDO_RESOLVE_WINDOW = dt.timedelta(minutes=10)


def undo_resolve_refusal(
    *,
    status: str,
    resolved_at: dt.datetime | None,
    resolved_by_id,
    actor_id,
    now: dt.datetime,
    tracks_postmortem: bool = False,
) -> str:
    """Why ``actor_id`` may not undo the item's resolution at ``now``, in a sentence; '' when they
    may: only a resolved item, resolved by them less than ``UNDO_RESOLVE_WINDOW`` ago, and not a
    post-mortem's tracking item (publishing or declining the post-mortem resolves it)."""
    if status != RESOLVED or resolved_at is None:
        # Translators: %(status)s is the item's status in lower case, e.g. “in progress”.
        return _("Only a resolved item can have its resolution undone; this one is %(status)s.") % {
            "status": status_words(status)
        }
    if tracks_postmortem:
        return _("A post-mortem's tracking item follows its post-mortem: its resolution cannot be undone here.")
    if resolved_by_id is None or resolved_by_id != actor_id:
        return _("Only the person who resolved the item can undo the resolution.")
    if now - resolved_at >= UNDO_RESOLVE_WINDOW:
        minutes = int(UNDO_RESOLVE_WINDOW.total_seconds() // 60)
        return ngettext(
            "A resolution can be undone within %(minutes)s minute only; this item was resolved longer ago.",
            "A resolution can be undone within %(minutes)s minutes only; this item was resolved longer ago.",
            minutes,
        ) % {"minutes": minutes}
    return ""


def status_before_resolution(*, answered: bool, responded: bool, waiting: bool) -> str:
    """The status an item had when it was resolved, from what its row and timeline still show:
    waiting on the customer (its status before the wait is still stored), else new while
    unanswered, in progress once a response was recorded, acknowledged when it was answered by
    an acknowledgement (or a scheduled meeting) only."""
    if waiting:
        return WAITING
    if not answered:
        return NEW
    return IN_PROGRESS if responded else ACKNOWLEDGED
