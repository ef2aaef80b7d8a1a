"""Reads for the home page: what needs the person now, from the apps below (each count is the
selector of the app that owns the rows; nothing here queries a model itself)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from accountteam.clock import carrier_today
from escalations import rules as escalation_rules
from escalations import selectors as escalation_selectors
from handoffs.selectors import handoff_home_counts
from postmortems.selectors import postmortem_home_counts
from reviews import selectors as review_selectors

# The customer's home lists this many open items, the most urgent first.
CUSTOMER_ITEMS = 10


@dataclass(frozen=True)
class GroupSummary:
    """A director's group (or every group, for a carrier admin) and what waits for them."""

    overdue: int
    at_risk: int
    escalated: int  # the queue's items at the director's level
    to_review: int  # post-mortems of their reports in review
    handoffs_ready: int  # handoffs they started that look ready to complete
    every_group: bool

    @property
    def anything(self) -> bool:
        return any((self.overdue, self.at_risk, self.escalated, self.to_review, self.handoffs_ready))


@dataclass(frozen=True)
class StaffSummary:
    overdue: int
    at_risk: int
    waiting: int
    due_today: int
    closes_at: dt.datetime | None  # the end of the person's business day today (None: closed today)
    handoffs: int
    postmortems: int
    postmortem_next_due: dt.date | None
    group: GroupSummary | None

    @property
    def anything(self) -> bool:
        mine = (self.overdue, self.at_risk, self.waiting, self.due_today, self.handoffs, self.postmortems)
        return any(mine) or (self.group is not None and self.group.anything)


def end_of_business_day(person, now: dt.datetime) -> tuple[dt.datetime, dt.datetime | None]:
    """The bound of "due today" on the person's calendar: the last close of their local date, or
    (closed today) the next local midnight; and the close itself, None on a closed day."""
    spec = person.calendar_spec
    today = timezone.localdate(now, spec.zone)
    closes_at = spec.close_of_business(today)
    if closes_at is not None:
        return closes_at, closes_at
    midnight = dt.datetime.combine(today + dt.timedelta(days=1), dt.time(0), tzinfo=spec.zone)
    return midnight, None


def _group_summary(*, user, now: dt.datetime, escalated: int, to_review: int, handoffs_ready: int):
    """The review's own figures for the group the dashboard opens on; None for anyone who does not
    review (no active report, not a carrier admin)."""
    try:
        scope = review_selectors.review_scope(user=user)
    except PermissionDenied:
        return None
    rows = review_selectors.attention_by_person(scope, now=now)
    return GroupSummary(
        overdue=sum(r["overdue"] for r in rows),
        at_risk=sum(r["at_risk"] for r in rows),
        escalated=escalated,
        to_review=to_review,
        handoffs_ready=handoffs_ready,
        every_group=scope.director is None,
    )


def staff_summary(*, user, person, now: dt.datetime | None = None) -> StaffSummary:
    """What needs a staff member now: their queue's tab counts and what is due before they close
    today, the handoffs they take part in, the post-mortems they write; for a director (or a
    carrier admin) also their group's overdue and at-risk items and what waits for them."""
    now = now or timezone.now()
    counts = escalation_selectors.queue_counts(user=user, now=now)
    due_before, closes_at = end_of_business_day(person, now)
    due = escalation_selectors.queue_due_counts(user=user, due_before=due_before, now=now)
    handoffs = handoff_home_counts(user=user, today=carrier_today(now))
    postmortems = postmortem_home_counts(user=user)
    group = _group_summary(
        user=user,
        now=now,
        escalated=due["escalated"],
        to_review=postmortems["to_review"],
        handoffs_ready=handoffs["ready"],
    )
    return StaffSummary(
        overdue=counts[escalation_rules.OVERDUE_STATE],
        at_risk=counts[escalation_rules.AT_RISK],
        waiting=counts[escalation_rules.PAUSED],
        due_today=due["due_today"],
        closes_at=closes_at,
        handoffs=handoffs["open"],
        postmortems=postmortems["mine"],
        postmortem_next_due=postmortems["next_due"],
        group=group,
    )


def customer_open_items(*, user, company, now: dt.datetime | None = None) -> list:
    """The open items of ``company`` the user may see, the most urgent first (overdue, then by next
    deadline: the escalation list's order), at most ``CUSTOMER_ITEMS``, meeting joined."""
    items = escalation_selectors.escalation_list(
        user=user, filters={"company": company, "status": sorted(escalation_rules.OPEN)}
    )
    return list(escalation_selectors.escalation_list_order(items, now=now)[:CUSTOMER_ITEMS])
