"""Reads for the service package and its hours. Packages start from
``ServicePackage.objects.visible_to(user)``, time entries from ``TimeEntry.objects.visible_to(user)``
and usage from ``usage_companies(user)``: a company out of scope is a 404 like a missing one.

Usage figures are aggregates (a sum per activity, per company or per month): one query each.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum
from django.db.models.functions import TruncMonth
from django.shortcuts import get_object_or_404

from teams.models import Assignment, Company, Person
from teams.scoping import staff_person

from . import rules
from .models import Activity, ServicePackage, TimeEntry, usage_companies

# The account's service people, warned as the month's hours run out (with their directors).
SERVICE_ROLE_CODES = ("service-manager", "client-support-manager")
# Who sets a company's package up, besides carrier admins: its Service Director.
PACKAGE_ROLE_CODE = "service-director"


# --- Catalogue and packages ---------------------------------------------------------------------------


def activity_list(*, active_only: bool = False):
    rows = Activity.objects.order_by("sort_order", "code")
    return rows.filter(is_active=True) if active_only else rows


def activity_choices(activities) -> list[tuple[str, list[tuple[int, str]]]]:
    """Activities as grouped choices (the groups in the catalogue's order)."""
    groups: dict[str, list[tuple[int, str]]] = {}
    labels = dict(Activity.Group.choices)
    for activity in activities:
        groups.setdefault(activity.group, []).append((activity.pk, activity.name))
    return [(labels.get(group, group), rows) for group, rows in groups.items()]


def package_list(*, user, company: Company | None = None, current_on: dt.date | None = None):
    rows = ServicePackage.objects.visible_to(user).select_related("company").prefetch_related("activities")
    if company is not None:
        rows = rows.filter(company=company)
    if current_on is not None:
        rows = rows.running_on(current_on)
    return rows.order_by("company__name", "-start_date", "pk")


def package_get(*, user, pk) -> ServicePackage:
    return get_object_or_404(
        ServicePackage.objects.visible_to(user).select_related("company").prefetch_related("activities"), pk=pk
    )


def company_packages(company: Company) -> list[ServicePackage]:
    """Every package of ``company``, latest first, with its activities (two queries)."""
    return list(company.service_packages.prefetch_related("activities").order_by("-start_date"))


def can_manage_packages(user, company: Company) -> bool:
    """Carrier admins, and whoever holds the Service Director role on one of the company's
    accounts now."""
    person = staff_person(user)
    if person is None:
        return False
    if person.is_carrier_admin:
        return True
    return Assignment.objects.current().filter(
        person=person, role__code=PACKAGE_ROLE_CODE, account__company=company
    ).exists()


def may_manage_some_package(user) -> bool:
    """Whether ``user`` may set up any package at all (checked before a request body is read)."""
    person = staff_person(user)
    if person is None:
        return False
    return person.is_carrier_admin or Assignment.objects.current().filter(
        person=person, role__code=PACKAGE_ROLE_CODE
    ).exists()


def managed_company_ids(user, companies) -> set[int]:
    """Which of ``companies`` ``user`` may set packages up for (one query; all for an admin)."""
    person = staff_person(user)
    if person is None:
        return set()
    ids = {c.pk for c in companies}
    if person.is_carrier_admin:
        return ids
    return set(
        Assignment.objects.current()
        .filter(person=person, role__code=PACKAGE_ROLE_CODE, account__company_id__in=ids)
        .values_list("account__company_id", flat=True)
    )


# --- Time entries ----------------------------------------------------------------------------------------


def time_entry_list(
    *, user, person: Person | None = None, company: Company | None = None, activity: Activity | None = None,
    date_from: dt.date | None = None, date_to: dt.date | None = None,
):
    rows = TimeEntry.objects.visible_to(user).select_related("person", "company", "activity")
    if person is not None:
        rows = rows.filter(person=person)
    if company is not None:
        rows = rows.filter(company=company)
    if activity is not None:
        rows = rows.filter(activity=activity)
    if date_from is not None:
        rows = rows.filter(date__gte=date_from)
    if date_to is not None:
        rows = rows.filter(date__lte=date_to)
    return rows.order_by("-date", "-pk")


def time_entry_get(*, user, pk) -> TimeEntry:
    return get_object_or_404(
        TimeEntry.objects.visible_to(user).select_related(
            "person", "company", "activity", "escalation", "meeting", "postmortem"
        ),
        pk=pk,
    )


def time_sheet(*, user, monday: dt.date) -> list[TimeEntry]:
    """The caller's own entries of the week starting ``monday``, with what the page shows of them."""
    person = staff_person(user)
    if person is None:
        return []
    return list(
        TimeEntry.objects.filter(person=person, date__range=(monday, monday + dt.timedelta(days=6)))
        .select_related("company", "activity", "escalation", "meeting", "postmortem")
        .order_by("date", "pk")
    )


def loggable_companies(user):
    """The companies ``user`` may log time for: those they serve (carrier admins: every one)."""
    return Company.objects.visible_to(user).order_by("name")


# --- Usage ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActivityUsage:
    activity: Activity
    hours: Decimal
    in_package: bool


@dataclass(frozen=True)
class MonthUsage:
    """A company's month: its package, the hours used and (on the detail) by activity."""

    company: Company
    month: dt.date  # its first day
    package: ServicePackage | None
    used: Decimal
    by_activity: list[ActivityUsage] = field(default_factory=list)

    @property
    def included(self) -> Decimal | None:
        return self.package.hours_per_month if self.package else None

    @property
    def percent(self) -> int | None:
        return rules.percent_used(self.used, self.included)

    @property
    def state(self) -> str:
        return rules.usage_state(self.used, self.included)

    @property
    def over_by(self) -> Decimal:
        return max(self.used - self.included, rules.ZERO) if self.included else rules.ZERO

    @property
    def left(self) -> Decimal:
        return max(self.included - self.used, rules.ZERO) if self.included else rules.ZERO

    @property
    def month_key(self) -> str:
        return rules.month_key(self.month)


def usage_company_get(*, user, pk) -> Company:
    """A company whose usage ``user`` may read; 404 otherwise."""
    return get_object_or_404(usage_companies(user), pk=pk)


def hours_used(*, company: Company, month: dt.date) -> Decimal:
    """The hours logged for ``company`` in ``month`` (one query)."""
    total = TimeEntry.objects.filter(
        company=company, date__range=(month, rules.month_end(month))
    ).aggregate(hours=Sum("hours"))["hours"]
    return total or rules.ZERO


def month_usage(*, company: Company, month: dt.date, packages: list[ServicePackage] | None = None) -> MonthUsage:
    """``company``'s ``month`` by activity: the package's activities (none used too) and any other
    activity time was logged on. Queries: the packages (two, unless given), one sum per activity, and
    the catalogue."""
    packages = company_packages(company) if packages is None else packages
    package = rules.package_for_month(packages, month)
    sums = dict(
        TimeEntry.objects.filter(company=company, date__range=(month, rules.month_end(month)))
        .values_list("activity_id")
        .annotate(hours=Sum("hours"))
        .values_list("activity_id", "hours")
    )
    covered = {a.pk for a in package.activities.all()} if package else set()
    rows = [
        ActivityUsage(activity=a, hours=sums.get(a.pk, rules.ZERO), in_package=a.pk in covered)
        for a in activity_list()
        if a.pk in covered or a.pk in sums
    ]
    return MonthUsage(company=company, month=month, package=package, used=sum(sums.values(), rules.ZERO),
                      by_activity=rows)


def hours_by_activity(*, company: Company, first: dt.date, last: dt.date) -> list[tuple[Activity, Decimal]]:
    """The hours logged for ``company`` from ``first`` to ``last`` (inclusive) per activity, in the
    catalogue's order, activities without time left out (two queries): for reports over any period."""
    sums = dict(
        TimeEntry.objects.filter(company=company, date__range=(first, last))
        .values_list("activity_id")
        .annotate(hours=Sum("hours"))
        .values_list("activity_id", "hours")
    )
    return [(a, sums[a.pk]) for a in activity_list() if a.pk in sums]


def usage_history(*, company: Company, month: dt.date, months: int = 12,
                  packages: list[ServicePackage] | None = None) -> list[MonthUsage]:
    """The ``months`` months up to ``month`` (latest first), totals only: one query for the sums."""
    packages = company_packages(company) if packages is None else packages
    span = rules.months_before(month, months)
    sums = {
        row["month"].date() if isinstance(row["month"], dt.datetime) else row["month"]: row["hours"]
        for row in TimeEntry.objects.filter(company=company, date__range=(span[-1], rules.month_end(span[0])))
        .annotate(month=TruncMonth("date"))
        .values("month")
        .annotate(hours=Sum("hours"))
        .values("month", "hours")
    }
    return [
        MonthUsage(company=company, month=m, package=rules.package_for_month(packages, m),
                   used=sums.get(m, rules.ZERO))
        for m in span
    ]


def usage_list(*, user, month: dt.date) -> list[MonthUsage]:
    """Every company the staff member serves with its month's hours (three queries): those with a
    package first, the fullest first."""
    companies = list(usage_companies(user).order_by("name"))
    ids = [c.pk for c in companies]
    packages: dict[int, list[ServicePackage]] = {}
    for package in ServicePackage.objects.filter(company_id__in=ids).overlapping(month, rules.month_end(month)):
        packages.setdefault(package.company_id, []).append(package)
    sums = dict(
        TimeEntry.objects.filter(company_id__in=ids, date__range=(month, rules.month_end(month)))
        .values_list("company_id")
        .annotate(hours=Sum("hours"))
        .values_list("company_id", "hours")
    )
    rows = [
        MonthUsage(company=c, month=month, package=rules.package_for_month(packages.get(c.pk, []), month),
                   used=sums.get(c.pk, rules.ZERO))
        for c in companies
    ]
    return sorted(rows, key=lambda u: (u.package is None, -(u.percent or 0), u.company.name))


def service_people(*, company: Company, on: dt.date) -> list[Person]:
    """Who is warned about ``company``'s hours: the people holding a service-manager or
    client-support-manager role on its accounts on ``on``, and their directors (one query)."""
    people = list(
        Person.objects.filter(
            is_active=True,
            pk__in=Assignment.objects.current(on)
            .filter(account__company=company, role__code__in=SERVICE_ROLE_CODES)
            .values("person_id"),
        )
        .select_related("reports_to")
        .order_by("pk")
    )
    directors = [p.reports_to for p in people if p.reports_to is not None and p.reports_to.is_active]
    return list({p.pk: p for p in [*people, *directors]}.values())
