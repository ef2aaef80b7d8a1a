"""Reads for the director's review: who reviews whom, and what needs attention now (the
compliance report is in ``compliance.py``, the weekly digest in ``digest.py``). Every read
starts from ``Escalation.objects.visible_to(user)`` and narrows it to the reviewed group.

A director's **group** is the director, the people who report to them and those people's
reports. The director is part of it because escalating an item (level 2) hands it to the
director: without them, escalated items would drop out of the group's figures.
"""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied
from django.db.models import (
    Case,
    Count,
    Exists,
    OuterRef,
    Q,
    Value,
    When,
)
from django.http import Http404
from django.utils.translation import gettext as _

from escalations import rules as escalation_rules
from escalations.models import Channel, Escalation
from teams.models import Person
from teams.scoping import staff_person
from teams.time_zones import time_zone_for

OVERDUE = "overdue"
AT_RISK = "at_risk"

# --- Who reviews whom ---------------------------------------------------------------------------------


def group_members(director: Person):
    """The director's group as a subquery of person ids (people who left included: their open
    items still need someone)."""
    return Person.objects.filter(
        Q(pk=director.pk) | Q(reports_to=director) | Q(reports_to__reports_to=director)
    ).values("pk")


def director_choices(person: Person) -> list[Person]:
    """The directors (active people with at least one active report) whose group ``person`` may
    review: every one for a carrier admin, else ``person`` and the directors inside their group."""
    has_reports = Exists(Person.objects.filter(reports_to=OuterRef("pk"), is_active=True))
    directors = Person.objects.filter(has_reports, is_active=True)
    if not person.is_carrier_admin:
        directors = directors.filter(pk__in=group_members(person))
    return list(directors.select_related("calendar").order_by("name", "pk"))


class ReviewScope:
    """What a reviewer looks at: one director's group, or every group (carrier admins only)."""

    def __init__(self, *, user, reviewer: Person, director: Person | None, directors: list[Person]):
        self.user = user
        self.reviewer = reviewer
        self.director = director
        self.directors = directors  # the groups the reviewer may pick

    @cached_property
    def zone(self) -> ZoneInfo:
        """The reviewer's own time zone: periods are their local days."""
        return ZoneInfo(time_zone_for(self.user))

    @property
    def digest_zone(self) -> ZoneInfo:
        """The digest's week is the director's (their calendar's zone), whoever looks at it."""
        return ZoneInfo(self.director.calendar.time_zone) if self.director else self.zone

    def members(self):
        return group_members(self.director) if self.director else None

    def query(self) -> dict[str, str]:
        """The query parameter that selects this group again (for links)."""
        if self.director is None or (self.director.pk == self.reviewer.pk and not self.reviewer.is_carrier_admin):
            return {}  # a director's own group is the default
        return {"director": str(self.director.pk)}


def can_review(user) -> bool:
    """Carrier admins and directors (people with at least one active report)."""
    person = staff_person(user)
    if person is None:
        return False
    return person.is_carrier_admin or Person.objects.filter(reports_to=person, is_active=True).exists()


def review_scope(*, user, director: str | int | None = None) -> ReviewScope:
    """The group ``user`` reviews. Directors review their own group (or a director's inside it);
    carrier admins every group, or one they pick. Anyone else: PermissionDenied. A picked
    director outside the reviewer's reach answers 404, like any object that is not yours."""
    person = staff_person(user)
    if person is None:
        raise PermissionDenied(_("The review is for directors and carrier admins."))
    directors = director_choices(person)
    by_id = {d.pk: d for d in directors}
    if not person.is_carrier_admin and person.pk not in by_id:
        raise PermissionDenied(_("The review is for directors (people with reports) and carrier admins."))
    picked = None
    if director not in (None, "", "all"):
        try:
            picked = by_id[int(director)]
        except (KeyError, TypeError, ValueError):
            raise Http404(_("No such director in your reach.")) from None
    elif not person.is_carrier_admin:
        picked = by_id[person.pk]
    return ReviewScope(user=user, reviewer=person, director=picked, directors=directors)


def scope_for_director(director: Person) -> ReviewScope:
    """The director's own view of their group (the weekly digest): as seen by their user."""
    return ReviewScope(user=director.user, reviewer=director, director=director, directors=[director])


def group_items(scope: ReviewScope):
    items = Escalation.objects.visible_to(scope.user)
    if scope.director is not None:
        items = items.filter(assignee__in=scope.members())
    return items


def reassign_choices(scope: ReviewScope) -> list[Person]:
    """Who may take over an item from the dashboard: the group's active members. Every group at
    once (a carrier admin who has not picked one) offers nobody: pick a group to reassign."""
    if scope.director is None:
        return []
    return list(Person.objects.filter(pk__in=scope.members(), is_active=True).order_by("name", "pk"))


# --- Overdue and at risk (the dashboard) ------------------------------------------------------------------


def _overdue(now) -> Q:
    return Q(next_deadline_at__lte=now)


def _at_risk(now) -> Q:
    """Past its target (or the promised follow-up's day has begun), not yet due."""
    return Q(next_deadline_at__gt=now) & (
        Q(first_response_at__isnull=True, target_at__lte=now)
        | Q(first_response_at__isnull=False, follow_up_done_at__isnull=True, follow_up_target_at__lte=now)
    )


def attention_base(scope: ReviewScope, *, now: dt.datetime):
    """Open items whose clock runs (not waiting on the customer) that are overdue or at risk."""
    return group_items(scope).open().exclude(status=escalation_rules.WAITING).filter(_overdue(now) | _at_risk(now))


def attention_list(scope: ReviewScope, *, now: dt.datetime, person_id: int | None = None, channel: str = ""):
    items = attention_base(scope, now=now)
    if person_id:
        items = items.filter(assignee_id=person_id)
    if channel:
        items = items.filter(channel=channel)
    return (
        items.annotate(state=Case(When(_overdue(now), then=Value(OVERDUE)), default=Value(AT_RISK)))
        .select_related("company", "account", "assignee")
        .order_by("next_deadline_at", "pk")
    )


def attention_by_person(scope: ReviewScope, *, now: dt.datetime) -> list[dict]:
    rows = (
        attention_base(scope, now=now)
        .values("assignee_id", "assignee__name")
        .annotate(overdue=Count("pk", filter=_overdue(now)), at_risk=Count("pk", filter=_at_risk(now)))
        .order_by("-overdue", "-at_risk", "assignee__name", "assignee_id")
    )
    return [
        {"key": r["assignee_id"], "label": r["assignee__name"], "overdue": r["overdue"], "at_risk": r["at_risk"]}
        for r in rows
    ]


def attention_by_channel(scope: ReviewScope, *, now: dt.datetime) -> list[dict]:
    rows = (
        attention_base(scope, now=now)
        .values("channel")
        .annotate(overdue=Count("pk", filter=_overdue(now)), at_risk=Count("pk", filter=_at_risk(now)))
        .order_by("-overdue", "-at_risk", "channel")
    )
    labels = dict(Channel.choices)
    return [
        {"key": r["channel"], "label": labels.get(r["channel"], r["channel"]), **_pick(r, "overdue", "at_risk")}
        for r in rows
    ]


def _pick(row: dict, *names) -> dict:
    return {n: row[n] for n in names}


def overdue_list(scope: ReviewScope, *, now: dt.datetime):
    """The group's overdue items, longest overdue first (the API and the digest)."""
    return (
        group_items(scope)
        .overdue(now)
        .select_related("company", "account", "assignee")
        .order_by("next_deadline_at", "pk")
    )
