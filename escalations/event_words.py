"""What each timeline event says, in a sentence: who acted and what changed.

"Luis Ortega took over from Dana Whitfield (handoff by Marcus Oyelaran)", "Escalated to Marcus
Oyelaran by Dana Whitfield", "Escalated automatically to Marcus Oyelaran", "Reassigned from Dana
Whitfield to Luis Ortega by Marcus Oyelaran". People go by the name stored on the event
(``actor_name`` is ``teams.scoping.display_name`` of the actor, ``from`` and ``to`` the people's
names), never by a username.

A customer's line is built from the event as ``selectors.timeline`` redacts it for them: who has
the item now, never who had it, how it was moved or why (the reason is the staff's unless they
shared it, and then it is the comment the customer reads, not this line). No query, no clock;
times read in the request's zone.
"""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone

from .customer_notices import local_time

# The reason a reassignment handoff gives the items it moves (``handoffs.services``).
_HANDOFF_REASON = re.compile(r"^Handoff #\d+:")

# Kind → what happened, said of the actor: "<did> by <actor>".
_DONE_BY = {
    "acknowledged": "Acknowledged",
    "responded": "Response recorded",
    "resolved": "Resolved",
    "cancelled": "Cancelled",
    "reopened": "Reopened",
    "scheduled": "Scheduled",
}


def _day(value) -> str:
    """'Friday 4 December' from a stored ISO date (as is, if it is not one)."""
    try:
        day = dt.date.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return f"{day:%A} {day.day} {day:%B}"


def _when(value) -> str:
    """'Friday 4 December, 14:30 MST' in the reader's zone (the request's active one)."""
    try:
        instant = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return local_time(instant, timezone.get_current_timezone())


def is_handoff_move(event) -> bool:
    """Was this reassignment a handoff's transfer of the open work (rather than one person
    reassigning one item)?"""
    data = event.data or {}
    return bool(data.get("handoff")) or bool(_HANDOFF_REASON.match(event.comment or ""))


def event_line(event, *, staff: bool) -> str:
    """The event in one sentence for the timeline; ``staff`` reads who had the item and how it
    moved, a customer who has it now."""
    data = event.data or {}
    kind = event.kind
    actor = event.actor_name or "Portal"
    to, previous = data.get("to") or "", data.get("from") or ""
    if kind == "escalated":
        if not staff:
            return f"Escalated to {to}" if to else "Escalated"
        if data.get("automatic"):
            return f"Escalated automatically to {to}"
        return f"Escalated to {to} by {actor}"
    if kind == "reassigned":
        if not staff:
            return f"Reassigned to {to}" if to else "Reassigned"
        if is_handoff_move(event):
            return f"{to} took over from {previous} (handoff by {actor})"
        return f"Reassigned from {previous} to {to} by {actor}"
    if kind == "raised":
        assignee = data.get("assignee") if staff else ""
        return f"Raised by {actor}" + (f"; assigned to {assignee}" if assignee else "")
    if kind == "acknowledged" and data.get("follow_up_on"):
        return f"Acknowledged by {actor}; follow-up by {_day(data['follow_up_on'])}"
    if kind == "waiting":
        return f"{actor} stopped the clock to wait on the customer"
    if kind == "scheduled" and data.get("starts_at"):
        when = _when(data["starts_at"])
        if data.get("rescheduled_from"):
            return f"Moved by {actor} to {when}"
        return f"Scheduled by {actor} for {when}"
    if kind == "resumed" and data.get("undone") == "resolved":
        return f"Resolution undone by {actor}; the item is open again"
    if kind == "resumed":
        return f"Resumed by {actor}; the clock runs again"
    if kind == "comment":
        return f"Comment from {actor}"
    if kind == "note":
        return f"Internal note from {actor}"
    if kind == "reminder":
        return "Reminder sent by the portal"
    if kind == "overdue":
        return "Overdue; the portal told the assignee and their director"
    if kind in _DONE_BY:
        return f"{_DONE_BY[kind]} by {actor}"
    return event.get_kind_display() if hasattr(event, "get_kind_display") else kind
