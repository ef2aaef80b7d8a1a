"""Reads for post-mortems. Every selector starts from ``PostMortem.objects.visible_to(user)``;
customers never receive the draft: only published versions."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Count, F, Min, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from escalations.models import Escalation
from escalations.rules import WAITING
from teams.scoping import directs, staff_person

from . import rules
from .models import Note, PostMortem, PreventiveAction, Status, Version


def postmortem_list(*, user, status: str = "", query: str = "", company=None, overdue: bool = False):
    rows = PostMortem.objects.visible_to(user).select_related("account", "company", "manager", "tracking")
    if company is not None:
        rows = rows.filter(company=company)
    if status == "open":
        rows = rows.open()
    elif status:
        rows = rows.filter(status=status)
    if overdue:
        # The tracking item knows: its clock stops while waiting on the customer, and it is
        # closed once published (a correction is not late work).
        rows = rows.filter(tracking__in=Escalation.objects.overdue())
    query = query.strip()
    if query:
        rows = rows.filter(
            Q(ticket_number__icontains=query) | Q(circuit_id__icontains=query)
            | Q(account__number__icontains=query) | Q(company__name__icontains=query)
        )
    return rows.order_by("-requested_at", "-pk")


def postmortem_get(*, user, pk) -> PostMortem:
    """One post-mortem with notes, actions and versions prefetched (customers: no internal notes)."""
    # People by name on the page (``person_name``): their staff profile comes with them.
    notes = Note.objects.select_related("author__staff_profile").order_by("at", "pk")
    if staff_person(user) is None:
        notes = notes.filter(internal=False)
    return get_object_or_404(
        PostMortem.objects.visible_to(user)
        .select_related(
            "account", "company", "manager__reports_to", "manager__calendar", "tracking", "requested_by__staff_profile"
        )
        .prefetch_related(
            Prefetch("notes", queryset=notes),
            Prefetch("actions", queryset=PreventiveAction.objects.select_related("owner").order_by("due_on", "pk")),
            Prefetch(
                "versions", queryset=Version.objects.select_related("published_by__staff_profile").order_by("-number")
            ),
        ),
        pk=pk,
    )


def version_get(*, postmortem: PostMortem, number: int | None = None) -> Version:
    """A published version (the latest by default) of a post-mortem the user already sees;
    404 when nothing is published — a draft is never shown to anyone through this."""
    versions = list(postmortem.versions.all())
    if number is None:
        if not versions:
            raise Http404(_("Nothing is published yet."))
        return versions[0]
    return get_object_or_404(Version.objects.filter(postmortem=postmortem), number=number)


def open_for_people(person_ids):
    """Open post-mortems of a group of managers (the director's review), due first."""
    return (
        PostMortem.objects.open()
        .filter(manager_id__in=person_ids)
        .select_related("account", "company", "manager", "tracking")
        # Not yet accepted (no due date) after the dated ones, on SQLite as on PostgreSQL.
        .order_by(F("due_on").asc(nulls_last=True), "requested_at")
    )


def postmortem_home_counts(*, user) -> dict:
    """For the home page, in one query: the caller's open post-mortems (they are the manager) with
    the nearest due date (None while none is accepted), and the post-mortems of the people they
    direct (two levels down) that wait in review."""
    person = staff_person(user)
    if person is None:
        return {"mine": 0, "next_due": None, "to_review": 0}
    mine = Q(manager=person)
    to_review = (
        Q(status=Status.IN_REVIEW)
        & (Q(manager__reports_to=person) | Q(manager__reports_to__reports_to=person))
        & ~Q(manager=person)
    )
    rows = PostMortem.objects.visible_to(user).open().filter(mine | to_review)
    return rows.aggregate(
        mine=Count("pk", filter=mine), next_due=Min("due_on", filter=mine), to_review=Count("pk", filter=to_review)
    )


def published_action_ids(postmortem: PostMortem) -> set[int]:
    """Ids of the preventive actions in the latest published version (versions prefetched)."""
    versions = list(postmortem.versions.all())
    return {entry["id"] for entry in versions[0].actions} if versions else set()


def preventive_action_get(*, user, postmortem: PostMortem, pk) -> PreventiveAction:
    """One of the post-mortem's preventive actions. Customers follow those of the published version
    only: another one (a correction's draft, or any before publication) is a 404 for them."""
    actions = postmortem.actions.all()
    if staff_person(user) is None:
        actions = actions.filter(pk__in=published_action_ids(postmortem))
    return get_object_or_404(actions, pk=pk)


IN_PROGRESS = (Status.ACCEPTED, Status.IN_PREPARATION, Status.IN_REVIEW)


# --- Permissions ------------------------------------------------------------------------------------


def can_work(user, postmortem: PostMortem) -> bool:
    """The assigned manager, their director (or the director above) and carrier admins."""
    person = staff_person(user)
    if person is None:
        return False
    return person.is_carrier_admin or person.pk == postmortem.manager_id or directs(person, postmortem.manager)


def can_review(user, postmortem: PostMortem) -> bool:
    person = staff_person(user)
    return person is not None and person.pk != postmortem.manager_id and can_work(user, postmortem)


def postmortem_allowed_actions(*, user, postmortem: PostMortem) -> frozenset[str]:
    """The actions ``user`` may take on ``postmortem`` now (see ``rules.allowed_actions``).
    Select the manager's ``reports_to`` and the tracking item with the row."""
    tracking = postmortem.tracking
    return rules.allowed_actions(
        status=postmortem.status, is_open=postmortem.is_open, tracking_open=tracking.is_open,
        waiting=tracking.status == WAITING, can_work=can_work(user, postmortem),
        can_review=can_review(user, postmortem), review_required=settings.POSTMORTEM_DIRECTOR_REVIEW,
    )
