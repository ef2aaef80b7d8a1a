"""Who may see what: the one place that answers it.

Every ``visible_to(user)`` queryset of every app starts from these functions, so "not
yours" and "does not exist" are the same 404 everywhere. Staff see the accounts they hold
(a director also those of their reports and their reports' reports; a carrier admin all);
customer users see the accounts their memberships reach (every account of the company, or the
ones a membership is limited to), and each right (view team, raise and follow escalations,
request post-mortems, manage users) applies to those accounts only.
"""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from accountteam.clock import carrier_today


def _model(name: str):
    # The models' querysets call this module, so it reaches them through the app registry
    # rather than importing teams.models (which imports this module).
    return apps.get_model("teams", name)


def staff_person(user):
    """The carrier staff profile of ``user``, or None for customer users (memoised on the user)."""
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_staff_person_cache"):
        user._staff_person_cache = _model("Person").objects.filter(user=user, is_active=True).first()
    return user._staff_person_cache


def directs(person, other) -> bool:
    """Is ``person`` ``other``'s director, or that director's director? (The two levels a
    director's view of accounts reaches: see ``visible_account_ids``.) Select ``reports_to``
    with ``other``: then this does not query."""
    director = other.reports_to
    return director is not None and (director.pk == person.pk or director.reports_to_id == person.pk)


def not_ended(prefix: str = "") -> Q:
    """Assignments (or rows reached through ``prefix``) that have not ended by today."""
    today = carrier_today()
    return Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": today})


def out_of_office(now) -> Q:
    """People out of the office at ``now``: an out-of-office state that has begun and whose
    ``until`` has not passed (``Person.is_out_of_office`` in the database)."""
    return (
        Q(availability="out_of_office")
        & (Q(availability_from__isnull=True) | Q(availability_from__lte=now))
        & (Q(availability_until__isnull=True) | Q(availability_until__gt=now))
    )


def covered_people(person, now=None):
    """The people ``person`` backs up who are out of the office now (an out-of-office state that
    has begun and whose ``until`` has not passed): their work is ``person``'s while they are away,
    and only then."""
    now = now or timezone.now()
    return _model("Person").objects.filter(out_of_office(now), backup=person)


def visible_account_ids(user):
    """Ids of the accounts ``user`` may see, as a subquery (or None for "all")."""
    person = staff_person(user)
    if person is not None:
        if person.is_carrier_admin:
            return None
        # A person sees the accounts they hold; a director also those of their reports
        # (and of their reports' reports).
        people = _model("Person").objects.filter(
            Q(pk=person.pk) | Q(reports_to=person) | Q(reports_to__reports_to=person)
        ).values("pk")
        return _model("Assignment").objects.filter(not_ended(), person__in=people).values("account_id")
    return member_account_ids(user)


def member_account_ids(user, right: str | None = None):
    """Ids of the accounts a customer ``user``'s memberships reach (with ``right``, one of
    ``CompanyRights.PERMISSION_FIELDS``), as a subquery: every account of a company whose
    membership covers all accounts, and the chosen accounts of a limited one."""
    mine = _model("Membership").objects.filter(user=user, **({right: True} if right else {}))
    return _model("Account").objects.filter(
        Q(company__in=mine.filter(all_accounts=True).values("company_id"))
        | Q(pk__in=mine.filter(all_accounts=False).values("accounts"))
    ).values("pk")


def reaches(account_id: int, company_id: int, prefix: str = "") -> Q:
    """Memberships (or rows reached through ``prefix``, e.g. ``"memberships__"`` from users; use it
    in one ``filter()`` with the other conditions on the same membership) whose rights apply to the
    account: of its company, and all accounts or limited to include it."""
    return Q(**{f"{prefix}company_id": company_id}) & (
        Q(**{f"{prefix}all_accounts": True}) | Q(**{f"{prefix}accounts": account_id})
    )


def member_may(user, account, right: str) -> bool:
    """Does a customer ``user`` hold ``right`` on ``account``?"""
    return _model("Membership").objects.filter(
        reaches(account.pk, account.company_id), user=user, **{right: True}
    ).exists()


def team_visible_account_ids(user):
    """Like ``visible_account_ids`` but for team data: customers need the "view team" right."""
    if staff_person(user) is not None:
        return visible_account_ids(user)
    return member_account_ids(user, "can_view_team")


def can_view_team(user, company) -> bool:
    """May ``user`` see the team (people, channels, assignments) of some of ``company``'s
    accounts? (``can_view_account_team`` for one account.)"""
    if staff_person(user) is not None:
        return True
    return _model("Membership").objects.filter(user=user, company=company, can_view_team=True).exists()


def can_view_account_team(user, account) -> bool:
    """May ``user`` see the team of ``account``?"""
    return staff_person(user) is not None or member_may(user, account, "can_view_team")


def whole_company_member(user, company, right: str | None = None) -> bool:
    """Does a customer ``user`` hold ``right`` on every account of ``company`` (what reads of the
    company as a whole need: its service package and report)?"""
    rights = {right: True} if right else {}
    return _model("Membership").objects.filter(user=user, company=company, all_accounts=True, **rights).exists()


def display_name(user, *, nobody: str = gettext_lazy("Portal")) -> str:
    """A user as colleagues know them: the staff member's name, else the user's full name,
    else the username; ``nobody`` for no user (the portal itself acted). Select
    ``…__staff_profile`` with the row: then this does not query."""
    if user is None:
        return str(nobody)  # translated now, in the language of the request
    try:
        return user.staff_profile.name
    except ObjectDoesNotExist:
        return user.get_full_name() or user.get_username()


def audit_company_ids(user) -> list[int] | None:
    """The companies whose audit trail ``user`` may read: None for all of it (a carrier admin, who
    also reads the carrier's own events); the companies whose users they manage on every account
    (the manage-users right, not limited to some accounts) for a customer user, their events that
    are not the carrier's internal ones; none (``[]``) for other carrier staff and anyone not
    signed in."""
    if not getattr(user, "is_authenticated", False):
        return []
    person = staff_person(user)
    if person is not None:
        return None if person.is_carrier_admin else []
    return list(
        _model("Membership").objects.filter(user=user, can_manage_users=True, all_accounts=True)
        .order_by("company_id").values_list("company_id", flat=True)
    )
