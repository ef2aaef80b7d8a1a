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
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import rules
from .customer_notices import local_time

# The reason a reassignment handoff gives the items it moves (``handoffs.services``).
_HANDOFF_REASON = re.compile(r"^Handoff #\d+:")

# Kind → what happened, said of the actor.
_DONE_BY = {
    # Translators: a timeline line; %(actor)s is the name of the person who acted.
    "acknowledged": gettext_lazy("Acknowledged by %(actor)s"),
    "responded": gettext_lazy("Response recorded by %(actor)s"),
    "resolved": gettext_lazy("Resolved by %(actor)s"),
    "cancelled": gettext_lazy("Cancelled by %(actor)s"),
    "reopened": gettext_lazy("Reopened by %(actor)s"),
    "scheduled": gettext_lazy("Scheduled by %(actor)s"),
}


def _day(value) -> str:
    """'Friday 4 December' from a stored ISO date (as is, if it is not one)."""
    try:
        day = dt.date.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return rules.day_words(day)


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
    # Translators: who acted when no person did (the portal itself).
    actor = event.actor_name or _("Portal")
    to, previous = data.get("to") or "", data.get("from") or ""
    if kind == "escalated":
        if not staff:
            # Translators: a timeline line; %(to)s is the name of the person who has the item now.
            return _("Escalated to %(to)s") % {"to": to} if to else _("Escalated")
        if data.get("automatic"):
            return _("Escalated automatically to %(to)s") % {"to": to}
        return _("Escalated to %(to)s by %(actor)s") % {"to": to, "actor": actor}
    if kind == "reassigned":
        if not staff:
            return _("Reassigned to %(to)s") % {"to": to} if to else _("Reassigned")
        if is_handoff_move(event):
            # Translators: a timeline line; %(to)s took the item over from %(previous)s in a handoff.
            return _("%(to)s took over from %(previous)s (handoff by %(actor)s)") % {
                "to": to,
                "previous": previous,
                "actor": actor,
            }
        return _("Reassigned from %(previous)s to %(to)s by %(actor)s") % {
            "previous": previous,
            "to": to,
            "actor": actor,
        }
    if kind == "raised":
        assignee = data.get("assignee") if staff else ""
        if assignee:
            return _("Raised by %(actor)s; assigned to %(assignee)s") % {"actor": actor, "assignee": assignee}
        return _("Raised by %(actor)s") % {"actor": actor}
    if kind == "acknowledged" and data.get("follow_up_on"):
        # Translators: a timeline line; %(day)s is a day in words, e.g. “Friday 4 December”.
        return _("Acknowledged by %(actor)s; follow-up by %(day)s") % {
            "actor": actor,
            "day": _day(data["follow_up_on"]),
        }
    if kind == "waiting":
        return _("%(actor)s stopped the clock to wait on the customer") % {"actor": actor}
    if kind == "scheduled" and data.get("starts_at"):
        when = _when(data["starts_at"])
        if data.get("rescheduled_from"):
            # Translators: a timeline line; %(when)s is a day and time, e.g. “Friday 4 December, 14:30 MST”.
            return _("Moved by %(actor)s to %(when)s") % {"actor": actor, "when": when}
        return _("Scheduled by %(actor)s for %(when)s") % {"actor": actor, "when": when}
    if kind == "resumed" and data.get("undone") == "resolved":
        return _("Resolution undone by %(actor)s; the item is open again") % {"actor": actor}
    if kind == "resumed":
        return _("Resumed by %(actor)s; the clock runs again") % {"actor": actor}
    if kind == "recategorized":
        # Translators: a timeline line (staff only); %(previous)s and %(to)s are categories.
        return _("Category changed from %(previous)s to %(to)s by %(actor)s") % {
            "previous": previous, "to": to, "actor": actor,
        }
    if kind == "comment":
        return _("Comment from %(actor)s") % {"actor": actor}
    if kind == "note":
        return _("Internal note from %(actor)s") % {"actor": actor}
    if kind == "reminder":
        return _("Reminder sent by the portal")
    if kind == "overdue":
        return _("Overdue; the portal told the assignee and their director")
    if kind in _DONE_BY:
        return _DONE_BY[kind] % {"actor": actor}
    return event.get_kind_display() if hasattr(event, "get_kind_display") else kind
