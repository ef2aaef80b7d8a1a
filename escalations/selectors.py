"""Reads for escalations. Every selector starts from ``Escalation.objects.visible_to(user)``."""

from __future__ import annotations

from django.db.models import Q
from django.shortcuts import get_object_or_404

from teams.models import staff_person

from .models import Escalation, Event, ResponsePolicy


def escalation_list(*, user, filters: dict | None = None):
    filters = filters or {}
    items = Escalation.objects.visible_to(user).select_related("company", "account", "assignee", "raised_by")
    if filters.get("status"):
        items = items.filter(
            status__in=filters["status"] if isinstance(filters["status"], list) else [filters["status"]]
        )
    for field in ("channel", "category", "company", "assignee", "account", "level"):
        if filters.get(field):
            items = items.filter(**{field: filters[field]})
    if filters.get("overdue"):
        items = items.overdue()
    if filters.get("due_before"):
        items = items.filter(next_deadline_at__lt=filters["due_before"])
    if filters.get("q"):
        q = filters["q"]
        items = items.filter(Q(subject__icontains=q) | Q(account__number__icontains=q) | Q(company__name__icontains=q))
    return items


def escalation_get(*, user, pk) -> Escalation:
    return get_object_or_404(
        Escalation.objects.visible_to(user).select_related(
            "company", "account", "assignee__calendar", "assignee__reports_to", "raised_by"
        ),
        pk=pk,
    )


def timeline(*, user, escalation: Escalation):
    """The item's events; customers do not see internal notes and sweep records."""
    events = Event.objects.filter(escalation=escalation).select_related("actor")
    if staff_person(user) is None:
        events = events.filter(internal=False)
    return events.order_by("at", "pk")


def guidelines_for(company) -> list[ResponsePolicy]:
    """The response guidelines a company's users see: the carrier's rows, with the company's own
    rows replacing those of the same scope."""
    rows = list(ResponsePolicy.objects.filter(Q(company__isnull=True) | Q(company=company)))
    own = {(r.channel, r.category, r.availability) for r in rows if r.company_id}
    return [r for r in rows if r.company_id or (r.channel, r.category, r.availability) not in own]
