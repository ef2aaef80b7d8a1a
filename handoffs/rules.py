"""Pure rules for handoffs: no ORM, no clock, no I/O."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from accountteam.calendar import CalendarSpec
from accountteam.errors import StateConflict


class HandoffConflict(StateConflict):
    """A handoff action the handoff's state does not allow (the API answers 409).

    ``blockers`` lists what stands in the way, e.g. the open items still naming the
    outgoing person or the checklist items not done.
    """

    def __init__(self, message: str, blockers: list[dict] | None = None):
        super().__init__(message)
        self.blockers = blockers or []

    def extra(self) -> dict:
        """The 409's body beside the reason: every blocker, and the open items apart."""
        if not self.blockers:
            return {}
        return {"blockers": self.blockers, "open_items": [b for b in self.blockers if b["kind"] == "open_item"]}


def is_business_day(day: dt.date, calendar: CalendarSpec) -> bool:
    return bool(calendar.intervals_on(day))


def reminder_date(effective_date: dt.date, business_days: int, calendar: CalendarSpec) -> dt.date:
    """The date ``business_days`` business days before ``effective_date`` on ``calendar``.

    From that date on, a checklist item still open reminds its owner. With 0 it is the
    effective date itself. Closed days (weekends, holidays, closures) are skipped.
    """
    day = effective_date
    left = business_days
    for _step in range(400):
        if left <= 0:
            return day
        day -= dt.timedelta(days=1)
        if is_business_day(day, calendar):
            left -= 1
    return day


def switch_date(effective_date: dt.date, today: dt.date) -> dt.date:
    """The incoming person's first day: the effective date, or today when completed late."""
    return max(effective_date, today)


@dataclass(frozen=True)
class Progress:
    done: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 100

    @property
    def complete(self) -> bool:
        return self.done == self.total


def completion_blockers(
    *, today: dt.date, effective_date: dt.date, open_items: list[dict], unchecked: list[dict], confirmed: bool
) -> list[dict]:
    """Everything that stops a handoff from completing (empty when it can complete)."""
    blockers = []
    if today < effective_date:
        blockers.append({
            "kind": "effective_date",
            "detail": _("The handoff completes on %(date)s.") % {"date": effective_date.isoformat()},
        })
    blockers += [{"kind": "open_item", **item} for item in open_items]
    blockers += [{"kind": "checklist", **item} for item in unchecked]
    if not confirmed:
        blockers.append({"kind": "confirmation", "detail": _("The incoming person has not confirmed yet.")})
    return blockers
