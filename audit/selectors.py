"""Reads of the audit trail (``accountteam.models.AuditEvent``), scoped by ``teams.scoping``:
carrier admins read all of it, a company's user managers the events of the companies whose users
they manage (not the carrier's internal ones), anyone else nothing: a 404, as for something that
does not exist."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from accountteam.models import AuditEvent
from teams.models import Company, Membership
from teams.scoping import audit_company_ids, staff_person


def audit_readable_companies(*, user) -> list[int] | None:
    """The companies whose events ``user`` reads (None: every event); ``Http404`` for a user who
    may read none (a customer without the manage-users right, carrier staff other than admins)."""
    if not hasattr(user, "_audit_companies"):
        # Asked by the page's filters and its list alike: one query per request (memoised on the user).
        user._audit_companies = audit_company_ids(user)
    companies = user._audit_companies
    if companies == []:
        raise Http404("No audit trail for you.")
    return companies


def _start_of(day: dt.date) -> dt.datetime:
    # A day on the reader's clock (their time zone is the current one).
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def audit_event_list(
    *,
    user,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    action: str = "",
    actor: str = "",
    company_id: int | None = None,
) -> QuerySet[AuditEvent]:
    """The events ``user`` may read, newest first, within the days ``date_from`` to ``date_to``
    (both included, on the reader's clock), of ``action``, by an actor whose name contains
    ``actor``, of ``company_id`` (a company the reader may not read gives nothing). Raises
    ``Http404`` for a user who may read none."""
    companies = audit_readable_companies(user=user)
    rows = AuditEvent.objects.all()
    if companies is not None:
        rows = rows.filter(company_id__in=companies, internal=False)
    if date_from is not None:
        rows = rows.filter(at__gte=_start_of(date_from))
    if date_to is not None:
        rows = rows.filter(at__lt=_start_of(date_to + dt.timedelta(days=1)))
    if action:
        rows = rows.filter(action=action)
    if actor:
        rows = rows.filter(actor_name__icontains=actor)
    if company_id is not None:
        rows = rows.filter(company_id=company_id)
    return rows.order_by("-at", "-id")


def audit_company_choices(*, user) -> list[tuple[int, str]]:
    """The companies the reader may filter on, by name: every company for a carrier admin, the
    ones whose users they manage for a customer user."""
    companies = audit_readable_companies(user=user)
    rows = Company.objects.order_by("name")
    if companies is not None:
        rows = rows.filter(pk__in=companies)
    return list(rows.values_list("pk", "name"))


# --- What the trail's writer asks (registered in AuditConfig.ready) --------------------------------


def actor_company(user, request=None) -> tuple[int, str] | None:
    """The customer company ``user`` acts for: the request's active company when it is theirs, else
    their default one (else the first by name); None for carrier staff and users of no company."""
    if staff_person(user) is not None:
        return None
    membership = getattr(request, "membership", None) if request is not None else None
    if membership is not None and membership.user_id == user.pk:
        return membership.company_id, membership.company.name
    membership = (
        Membership.objects.filter(user=user).select_related("company").order_by("-is_default", "company__name").first()
    )
    return (membership.company_id, membership.company.name) if membership is not None else None


def actor_name(user) -> str:
    """A user as colleagues know them (``teams.scoping.display_name``), read off the staff profile
    ``actor_company`` has just looked up (memoised on the user) rather than with a query of its own."""
    person = staff_person(user)
    return person.name if person is not None else (user.get_full_name() or user.get_username())


def company_name(company_id: int) -> str:
    return Company.objects.filter(pk=company_id).values_list("name", flat=True).first() or ""
