"""Reads for regular reviews. Every selector starts from a ``visible_to(user)`` queryset, so a
company, plan item, occurrence or action item out of the caller's reach is a 404."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, Count, IntegerField, Prefetch, Q, Value, When
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from teams.models import Assignment, Company, Person
from teams.scoping import directs, staff_person

from .models import ActionItem, Occurrence, PlanItem

WEEK = dt.timedelta(days=7)


# --- Owners ---------------------------------------------------------------------------------------


def owner_for(*, company_id: int, role_id: int) -> Person | None:
    """Who owns a plan item: the person holding the role, current today, on the company's first
    active account (by number) that has the role filled."""
    row = (
        Assignment.objects.current()
        .filter(account__company_id=company_id, account__is_active=True, role_id=role_id, person__is_active=True)
        .select_related("person__calendar", "person__reports_to")
        .order_by("account__number", "start_date", "pk")
        .first()
    )
    return row.person if row else None


def owners_for(pairs: set[tuple[int, int]]) -> dict[tuple[int, int], Person]:
    """``owner_for`` for many (company id, role id) pairs in one query (the hourly beat)."""
    if not pairs:
        return {}
    companies = {c for c, _r in pairs}
    roles = {r for _c, r in pairs}
    rows = (
        Assignment.objects.current()
        .filter(account__company_id__in=companies, account__is_active=True, role_id__in=roles,
                person__is_active=True)
        .select_related("person__calendar", "person__reports_to", "account")
        .prefetch_related("person__calendar__closures")
        .order_by("account__number", "start_date", "pk")
    )
    owners: dict[tuple[int, int], Person] = {}
    for row in rows:
        owners.setdefault((row.account.company_id, row.role_id), row.person)
    return owners


# --- Permissions ------------------------------------------------------------------------------------


def can_set_plan(user, owner: Person | None) -> bool:
    """Carrier admins, and the owner's director (or the director's director). Select
    ``owner__reports_to``: then this does not query beyond the caller's profile."""
    person = staff_person(user)
    if person is None:
        return False
    return person.is_carrier_admin or (owner is not None and directs(person, owner))


def may_set_some_plan(user) -> bool:
    """Before reading a body: carrier admins and directors (people with reports) may set plans."""
    person = staff_person(user)
    if person is None:
        return False
    return person.is_carrier_admin or Person.objects.filter(reports_to=person).exists()


def can_hold(user, occurrence: Occurrence) -> bool:
    """The owner, their director(s) or a carrier admin record a held review (while it is open:
    the service's conflict otherwise)."""
    person = staff_person(user)
    if person is None:
        return False
    return person.pk == occurrence.owner_id or can_set_plan(user, occurrence.owner)


def can_mark_done(user, action: ActionItem) -> bool:
    """The action's owner, the review's owner, their director(s) or a carrier admin."""
    person = staff_person(user)
    if person is None:
        return False
    owner = action.occurrence.owner
    return person.pk in (action.owner_id, action.occurrence.owner_id) or can_set_plan(user, owner)


# --- Companies and plans ----------------------------------------------------------------------------


def company_get(*, user, company_id) -> Company:
    return get_object_or_404(Company.objects.visible_to(user), pk=company_id)


def _open_occurrences():
    return Occurrence.objects.open().select_related("owner__reports_to", "owner__calendar")


def plan_item_list(*, user, company: Company | None = None):
    """Plan items ``user`` may see, each with its open occurrence prefetched (``open_now``)."""
    rows = (
        PlanItem.objects.visible_to(user)
        .select_related("company", "owner_role")
        .prefetch_related(Prefetch("occurrences", queryset=_open_occurrences(), to_attr="open_now"))
    )
    if company is not None:
        rows = rows.filter(company=company)
    return rows.order_by("company__name", "cadence_months", "kind", "pk")


def plan_item_get(*, user, pk) -> PlanItem:
    return get_object_or_404(plan_item_list(user=user), pk=pk)


def held_list(*, user, company: Company):
    """The company's held reviews, latest first, with their action items."""
    return (
        Occurrence.objects.visible_to(user)
        .filter(plan_item__company=company, status=Occurrence.Status.HELD)
        .select_related("plan_item", "meeting__account", "owner")
        .prefetch_related(Prefetch("action_items", queryset=ActionItem.objects.select_related("owner")))
        .order_by("-held_at", "-pk")
    )


# --- Occurrences -------------------------------------------------------------------------------------


def occurrence_list(*, user, status: str | None = None, company_id: int | None = None, mine: bool = False):
    rows = Occurrence.objects.visible_to(user).select_related(
        "plan_item__company", "plan_item__owner_role", "owner__reports_to", "meeting__account"
    )
    if status:
        rows = rows.filter(status=status)
    if company_id:
        rows = rows.filter(plan_item__company_id=company_id)
    if mine:
        rows = rows.filter(owner=staff_person(user))
    return rows.order_by("due_on", "pk")


def occurrence_get(*, user, pk) -> Occurrence:
    return get_object_or_404(
        Occurrence.objects.visible_to(user)
        .select_related("plan_item__company", "plan_item__owner_role", "owner__reports_to", "meeting__account",
                        "held_by__staff_profile")
        .prefetch_related(Prefetch("action_items", queryset=ActionItem.objects.select_related("owner"))),
        pk=pk,
    )


def my_due(*, user, now: dt.datetime):
    """The caller's open occurrences, overdue first, then by due date."""
    person = staff_person(user)
    if person is None:
        return Occurrence.objects.none()
    return (
        Occurrence.objects.visible_to(user)
        .open()
        .filter(owner=person)
        .select_related("plan_item__company", "plan_item__owner_role")
        .annotate(late=Case(When(due_at__lt=now, then=Value(0)), default=Value(1), output_field=IntegerField()))
        .order_by("late", "due_at", "pk")
    )


# --- Action items ------------------------------------------------------------------------------------


def action_item_list(*, user, state: str | None = None, mine: bool = False):
    rows = ActionItem.objects.visible_to(user).select_related(
        "owner", "occurrence__plan_item__company", "occurrence__owner__reports_to"
    )
    if state:
        rows = rows.filter(state=state)
    if mine:
        rows = rows.filter(owner=staff_person(user))
    return rows.order_by("due_on", "pk")


def action_item_get(*, user, pk) -> ActionItem:
    return get_object_or_404(action_item_list(user=user), pk=pk)


# --- The queue's line and the director's review ------------------------------------------------------


@dataclass(frozen=True)
class ReviewsDue:
    """The signed-in staff member's occurrences overdue and due within the next seven days."""

    overdue: int
    this_week: int

    @property
    def total(self) -> int:
        return self.overdue + self.this_week

    @property
    def url(self) -> str:
        return reverse("touchpoints_mine")

    @property
    def line(self) -> str:
        """One line for the top of the queue, in the active language."""
        parts = []
        if self.overdue:
            parts.append(ngettext("%(count)s review overdue", "%(count)s reviews overdue", self.overdue)
                         % {"count": self.overdue})
        if self.this_week:
            parts.append(ngettext("%(count)s review due this week", "%(count)s reviews due this week",
                                  self.this_week) % {"count": self.this_week})
        # Translators: %(parts)s: "2 reviews overdue; 1 review due this week" (either may be left out).
        return _("Regular reviews and touch points: %(parts)s.") % {"parts": "; ".join(parts)}


def reviews_due_counts(*, user, now: dt.datetime | None = None) -> ReviewsDue:
    """One query: the caller's open occurrences overdue, and due within the week."""
    now = now or timezone.now()
    person = staff_person(user)
    if person is None:
        return ReviewsDue(0, 0)
    counts = Occurrence.objects.filter(owner=person, status=Occurrence.Status.OPEN, due_at__lt=now + WEEK).aggregate(
        overdue=Count("pk", filter=Q(due_at__lt=now)), this_week=Count("pk", filter=Q(due_at__gte=now))
    )
    return ReviewsDue(counts["overdue"], counts["this_week"])


def overdue_for_people(members, *, user, now: dt.datetime, limit: int = 50):
    """Open occurrences past due whose owner is one of ``members`` (a subquery of person ids; None:
    everyone), longest overdue first: the director's review."""
    rows = Occurrence.objects.visible_to(user).open().filter(due_at__lt=now)
    if members is not None:
        rows = rows.filter(owner__in=members)
    return rows.select_related("plan_item__company", "owner").order_by("due_at", "pk")[:limit]
