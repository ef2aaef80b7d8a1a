"""Reads for account teams. Every selector starts from a ``visible_to(user)`` queryset."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import F, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from accountteam.clock import carrier_today
from accountteam.models import UserSettings
from accountteam.notifications import MutableNotices, mutable_notices_for

from .models import Account, Assignment, Company, Membership, Person, Role
from .rules import AvailabilityNow, availability_now
from .scoping import can_view_account_team, member_account_ids, staff_person

DUTY_MANAGER = "duty-manager"


def account_list(*, user, query: str = "", company: Company | None = None):
    """Accounts ``user`` may see, optionally narrowed by company and a free-text query.

    The query matches company name, account number or name, and the name or email of a
    person currently assigned to the account.
    """
    accounts = Account.objects.visible_to(user).select_related("company")
    if company is not None:
        accounts = accounts.filter(company=company)
    query = query.strip()
    if query:
        # People match only where the user may see the team (staff, or the view-team right).
        people = Assignment.objects.visible_to(user).current().filter(
            Q(person__name__icontains=query) | Q(person__email__icontains=query)
        )
        accounts = accounts.filter(
            Q(company__name__icontains=query)
            | Q(number__icontains=query)
            | Q(name__icontains=query)
            | Q(pk__in=people.values("account_id"))
        )
    return accounts.order_by("company__name", "number")


RAISE_RIGHTS = {
    "can_escalate": gettext_lazy("You do not have the right to raise escalations for this company."),
    "can_request_postmortem": gettext_lazy("You do not have the right to request post-mortems for this company."),
}


def raisable_accounts(*, user, right: str, membership: Membership | None = None, company_only: bool = False):
    """The accounts ``user`` may raise items for: staff, the accounts they serve; customers, the
    accounts their memberships with ``right`` (``can_escalate`` or ``can_request_postmortem``)
    reach. ``company_only``: just the active ``membership``'s company (a page works in one
    company), refused with PermissionDenied when it lacks the right."""
    accounts = Account.objects.visible_to(user).select_related("company")
    if staff_person(user) is not None:
        return accounts
    if company_only:
        if membership is None or not getattr(membership, right):
            raise PermissionDenied(str(RAISE_RIGHTS[right]))
        accounts = accounts.filter(company_id=membership.company_id)
    return accounts.filter(pk__in=member_account_ids(user, right))


def members_reaching(accounts, right: str) -> list[tuple[object, list[Account]]]:
    """(user, the ones of ``accounts`` their membership with ``right`` reaches) for every active
    customer user who holds ``right`` on some of them: whom to tell of something about those
    accounts. One query, and a second only when some membership is limited to chosen accounts."""
    by_company: dict[int, list[Account]] = defaultdict(list)
    for account in accounts:
        by_company[account.company_id].append(account)
    members = list(
        Membership.objects.filter(company_id__in=by_company, user__is_active=True, **{right: True})
        .select_related("user")
        .order_by("user_id", "company_id")
    )
    chosen: dict[int, set[int]] = defaultdict(set)
    limited = [m.pk for m in members if not m.all_accounts]
    if limited:
        for membership_id, account_id in Membership.accounts.through.objects.filter(
            membership_id__in=limited
        ).values_list("membership_id", "account_id"):
            chosen[membership_id].add(account_id)
    theirs: dict[int, tuple[object, list[Account]]] = {}
    for m in members:
        reached = [a for a in by_company[m.company_id] if m.all_accounts or a.pk in chosen[m.pk]]
        if reached:
            theirs.setdefault(m.user_id, (m.user, []))[1].extend(reached)
    return list(theirs.values())


def account_get(*, user, pk) -> Account:
    """One account ``user`` may see; anything else (absent or foreign) is a 404."""
    return get_object_or_404(Account.objects.visible_to(user).select_related("company"), pk=pk)


def team_get(*, user, account: Account, now: dt.datetime | None = None) -> Team:
    """The team of an account ``user`` already sees; customers also need the view-team right."""
    if not can_view_account_team(user, account):
        raise PermissionDenied(gettext("You do not have the right to view this account's team."))
    return account_team(account, now=now, planned=staff_person(user) is not None)


def company_get(*, user, pk) -> Company:
    return get_object_or_404(Company.objects.visible_to(user), pk=pk)


@dataclass
class TeamMember:
    assignment: Assignment
    availability: AvailabilityNow
    # What to contact them for (the categories routed to their role), filled in by the page that
    # composes the team with the routing table (portal), which teams cannot read.
    contact_for: list[str] = field(default_factory=list)

    @property
    def role(self) -> Role:
        return self.assignment.role

    @property
    def person(self) -> Person:
        return self.assignment.person

    @property
    def backup(self) -> Person | None:
        # After hours the duty manager line is the answer; a backup covers an absence.
        return self.person.backup if self.availability.code == "out_of_office" else None


@dataclass
class Team:
    account: Account
    sales: list[TeamMember] = field(default_factory=list)
    service: list[TeamMember] = field(default_factory=list)
    duty_manager: TeamMember | None = None
    changes: list[Assignment] = field(default_factory=list)  # upcoming assignments
    handovers: list = field(default_factory=list)  # changes in progress, from team_changes_register


# Apps above teams announce changes in progress on a team (handoffs registers its open
# handoffs in its AppConfig.ready): teams shows them without importing those apps.
_TEAM_CHANGE_SOURCES: list[Callable[[list[int]], dict[int, list]]] = []


def team_changes_register(source: Callable[[list[int]], dict[int, list]]) -> None:
    """Add a source of team changes: given account ids, it answers {account id: [changes]}.
    Each change has ``person_name``, ``replaces``, ``role_name`` and ``start_date``."""
    if source not in _TEAM_CHANGE_SOURCES:
        _TEAM_CHANGE_SOURCES.append(source)


def _team_changes(account_ids: list[int]) -> dict[int, list]:
    changes: dict[int, list] = defaultdict(list)
    for source in _TEAM_CHANGE_SOURCES:
        for account_id, rows in source(account_ids).items():
            changes[account_id].extend(rows)
    return changes


def _people_prefetch():
    return (
        Assignment.objects.select_related(
            "role", "person__calendar", "person__backup", "person__backup__calendar"
        ).prefetch_related("person__calendar__closures", "person__backup__calendar__closures")
    )


def teams_for_accounts(accounts, *, now: dt.datetime | None = None, planned: bool = False) -> list[Team]:
    """The current teams of ``accounts`` in a fixed number of queries. Out of office shows once
    it has begun; ``planned``: also an absence planned ahead (the staff's view)."""
    now = now or timezone.now()
    today = carrier_today(now)
    accounts = list(accounts)
    rows = _people_prefetch().filter(
        Q(end_date__isnull=True) | Q(end_date__gte=today), account__in=accounts
    ).order_by("role__sort_order", "person__name")
    by_account: dict[int, list[Assignment]] = defaultdict(list)
    for row in rows:
        by_account[row.account_id].append(row)

    specs: dict[int, object] = {}

    def member(row: Assignment) -> TeamMember:
        calendar = row.person.calendar
        if calendar.pk not in specs:
            specs[calendar.pk] = calendar.spec()
        state = availability_now(
            state=row.person.availability,
            until=row.person.availability_until,
            calendar=specs[calendar.pk],
            now=now,
            starts=row.person.availability_from,
        )
        if not planned:
            state = replace(state, planned_from=None, planned_until=None)
        return TeamMember(row, state)

    handovers = _team_changes([a.pk for a in accounts])
    teams = []
    for account in accounts:
        team = Team(account=account, handovers=handovers.get(account.pk, []))
        for row in by_account[account.pk]:
            if row.start_date > today:
                team.changes.append(row)
                continue
            entry = member(row)
            if row.role.code == DUTY_MANAGER:
                team.duty_manager = entry
            elif row.role.team == Role.Team.SALES:
                team.sales.append(entry)
            else:
                team.service.append(entry)
        teams.append(team)
    return teams


def account_team(account: Account, *, now: dt.datetime | None = None, planned: bool = False) -> Team:
    return teams_for_accounts([account], now=now, planned=planned)[0]


def person_availability(*, person: Person, now: dt.datetime | None = None) -> AvailabilityNow:
    """``person``'s availability now, with an absence planned ahead (for the person themselves
    and the staff)."""
    return availability_now(
        state=person.availability,
        until=person.availability_until,
        calendar=person.calendar_spec,
        now=now or timezone.now(),
        starts=person.availability_from,
    )


@dataclass(frozen=True)
class Absence:
    """A colleague's out of office that names ``person`` their backup: under way (``begun``), or
    planned ahead."""

    person: Person
    starts: dt.datetime | None
    until: dt.datetime | None
    begun: bool


def absences_backed_up(*, person: Person, now: dt.datetime | None = None) -> list[Absence]:
    """The absences of the people ``person`` backs up that have not ended, soonest end first:
    their work comes to ``person``'s queue while they are away (``scoping.covered_people``)."""
    now = now or timezone.now()
    rows = Person.objects.filter(
        Q(availability_until__isnull=True) | Q(availability_until__gt=now),
        backup=person, availability=Person.Availability.OUT_OF_OFFICE,
    ).order_by(F("availability_from").asc(nulls_first=True), "name")
    return [
        Absence(p, p.availability_from, p.availability_until, begun=p.is_out_of_office(now)) for p in rows
    ]


def person_list(*, user):
    return Person.objects.visible_to(user).select_related("calendar", "backup", "reports_to")


def assignment_list(*, user):
    return Assignment.objects.visible_to(user).select_related("account__company", "role", "person")


def role_list():
    return Role.objects.all()


def user_can_manage_company_users(*, user, company: Company) -> bool:
    """Carrier staff who can see the company, or its members with the manage-users right."""
    if staff_person(user) is not None:
        return Company.objects.visible_to(user).filter(pk=company.pk).exists()
    return Membership.objects.filter(user=user, company=company, can_manage_users=True).exists()


# --- A user's own settings ------------------------------------------------------------------------


@dataclass(frozen=True)
class MySettings:
    """A user's settings as the settings page and ``GET me/settings/`` show them."""

    time_zone: str  # empty: the default (a staff member's calendar zone, else the portal's)
    language: str  # one of settings.LANGUAGES; empty: the browser's until the user chooses
    notify_by_email: bool
    notify_in_app: bool
    muted_notices: list[str]  # the kinds offered that the user muted, in the order offered
    notice_groups: list[MutableNotices]  # what the user may mute (none for staff)

    @property
    def notice_kinds(self) -> list[dict[str, str]]:
        return [{"kind": kind, "label": label} for group in self.notice_groups for kind, label in group.kinds.items()]


def user_settings_get(*, user) -> MySettings:
    """``user``'s own settings, the defaults when they never saved any: reading stores nothing.
    Muted kinds of groups no longer offered to them stay stored but are not shown."""
    prefs = UserSettings.objects.filter(user=user).first() or UserSettings(user=user)
    groups = mutable_notices_for(user)
    muted = set(prefs.muted_notices or [])
    return MySettings(
        time_zone=prefs.time_zone,
        language=prefs.language,
        notify_by_email=prefs.notify_by_email,
        notify_in_app=prefs.notify_in_app,
        muted_notices=[kind for group in groups for kind in group.kinds if kind in muted],
        notice_groups=groups,
    )



def user_can_set_company_two_factor(*, user, company: Company) -> bool:
    """May ``user`` decide whether ``company``'s users must have two-factor sign-in? Those who may
    manage all its users: carrier staff who can see it, members with the manage-users right on all
    its accounts."""
    if staff_person(user) is not None:
        return user_can_manage_company_users(user=user, company=company)
    return Membership.objects.filter(user=user, company=company, can_manage_users=True, all_accounts=True).exists()


# --- Single sign-on ----------------------------------------------------------------------------------


def staff_users_with_email(*, email: str) -> list:
    """The active users with an active staff profile who have ``email`` (their user's address, one of
    their allauth addresses, or their staff directory address), at most two: single sign-on signs in
    the one, and refuses when there is none or more than one."""
    has_email = Q(email__iexact=email) | Q(staff_profile__email__iexact=email) | Q(emailaddress__email__iexact=email)
    users = get_user_model().objects.filter(has_email, is_active=True, staff_profile__is_active=True)
    return list(users.distinct().order_by("pk")[:2])
