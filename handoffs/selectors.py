"""Reads for handoffs. Every selector starts from ``Handoff.objects.visible_to(user)``."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.shortcuts import get_object_or_404

from dossiers.models import Meeting
from teams.models import Person
from teams.scoping import directs, staff_person

from .models import ChecklistItem, Handoff, HandoffAccount, HandoffEvent
from .rules import Progress


def handoff_list(*, user, status: str | None = Handoff.Status.OPEN, query: str = ""):
    """Handoffs ``user`` may see, with checklist progress (``items_done`` of ``items_total``)."""
    rows = (
        Handoff.objects.visible_to(user)
        .select_related("role", "outgoing", "incoming", "director")
        .annotate(
            items_total=Count("accounts__items"),
            items_done=Count("accounts__items", filter=Q(accounts__items__done_at__isnull=False)),
            account_count=Count("accounts", distinct=True),
        )
    )
    if status:
        rows = rows.filter(status=status)
    query = query.strip()
    if query:
        # Matched through a subquery: a join here would multiply the counts annotated above.
        by_account = HandoffAccount.objects.filter(
            Q(account__number__icontains=query) | Q(account__company__name__icontains=query)
        ).values("handoff_id")
        rows = rows.filter(
            Q(outgoing__name__icontains=query) | Q(incoming__name__icontains=query) | Q(pk__in=by_account)
        )
    return rows.order_by("effective_date", "pk")


def handoff_get(*, user, pk, lock: bool = False) -> Handoff:
    """One handoff with its accounts and checklists prefetched; absent or not yours is a 404."""
    items = ChecklistItem.objects.select_related("done_by__staff_profile", "meeting").order_by("sort_order", "pk")
    accounts = HandoffAccount.objects.select_related("account__company", "ending", "starting").prefetch_related(
        Prefetch("items", queryset=items)
    )
    return get_object_or_404(
        Handoff.objects.visible_to(user)
        .select_related(
            "role", "outgoing__reports_to", "incoming", "director", "started_by__staff_profile",
            "confirmed_by__staff_profile",
        )
        .prefetch_related(
            Prefetch("accounts", queryset=accounts),
            # People by name on the page (``person_name``): their staff profile comes with them.
            Prefetch("events", queryset=HandoffEvent.objects.select_related("actor__staff_profile")),
        ),
        pk=pk,
    )


def item_get(*, handoff: Handoff, item_id) -> ChecklistItem:
    return get_object_or_404(ChecklistItem.objects.select_related("handoff_account"), pk=item_id,
                             handoff_account__handoff=handoff)


def evidence_meetings(handoff: Handoff) -> dict[int, list[Meeting]]:
    """The meetings of the handoff's accounts, by account, latest first: the evidence a checklist
    item may point to. Whoever sees the handoff works on these accounts, so the handoff is the scope."""
    meetings = defaultdict(list)
    for meeting in Meeting.objects.filter(account__handoffs__handoff=handoff).order_by("-starts_at"):
        meetings[meeting.account_id].append(meeting)
    return meetings


def progress(items) -> Progress:
    items = list(items)
    return Progress(done=sum(1 for i in items if i.done_at is not None), total=len(items))


@dataclass(frozen=True)
class TeamChange:
    """What a customer's team page says while a handoff is in progress."""

    account_id: int
    role_name: str
    person_name: str
    replaces: str
    start_date: dt.date


def team_changes(account_ids) -> dict[int, list[TeamChange]]:
    """Open handoffs on these accounts, as the customer may read them (names and date only)."""
    rows = (
        HandoffAccount.objects.filter(account_id__in=account_ids, handoff__status=Handoff.Status.OPEN)
        .select_related("handoff__role", "handoff__incoming", "handoff__outgoing")
        .order_by("handoff__effective_date")
    )
    changes: dict[int, list[TeamChange]] = {}
    for row in rows:
        h = row.handoff
        changes.setdefault(row.account_id, []).append(
            TeamChange(row.account_id, h.role.name, h.incoming.name, h.outgoing.name, h.effective_date)
        )
    return changes


def handoff_home_counts(*, user, today: dt.date) -> dict[str, int]:
    """For the home page, in one query: open handoffs the caller gives, receives or started, and
    those they started that look ready to complete (confirmed, the effective date reached, every
    checklist item done). Completing checks the open work again; this count does not."""
    person = staff_person(user)
    if person is None:
        return {"open": 0, "ready": 0}
    unchecked = ChecklistItem.objects.filter(handoff_account__handoff=OuterRef("pk"), done_at__isnull=True)
    rows = (
        Handoff.objects.visible_to(user)
        .open()
        .filter(Q(outgoing=person) | Q(incoming=person) | Q(started_by=user))
        .annotate(unchecked=Exists(unchecked))
    )
    return rows.aggregate(
        open=Count("pk"),
        ready=Count(
            "pk",
            filter=Q(started_by=user, confirmed_at__isnull=False, effective_date__lte=today, unchecked=False),
        ),
    )


# --- Permissions ----------------------------------------------------------------------------------


def can_manage(user, outgoing: Person) -> bool:
    """Carrier admins, and the outgoing person's director (or the director's director)."""
    person = staff_person(user)
    if person is None:
        return False
    return person.is_carrier_admin or directs(person, outgoing)


def can_act_as(user, handoff: Handoff, owner: str) -> bool:
    person = staff_person(user)
    if person is None:
        return False
    return person.pk == handoff.owner_person(owner).pk or can_manage(user, handoff.outgoing)
