"""Reads for the service report: a company's figures for a period, each table one query (the
compliance tables are the director's, over the company's items)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.shortcuts import get_object_or_404

from escalations.models import Escalation, Event
from postmortems.models import PostMortem, PreventiveAction, Version
from reviews import compliance
from reviews.rules import Period
from service import rules as service_rules
from service import selectors as service_selectors
from service.models import TimeEntry
from teams.models import Company
from teams.scoping import staff_person
from touchpoints import selectors as touchpoint_selectors

from .models import PublishedReport, ServiceCredit

GROUP_BYS = ("channel", "category")


@dataclass
class ServiceReport:
    company: Company
    period: Period
    zone: ZoneInfo
    compliance: compliance.ComplianceReport
    open_items: int
    overdue_items: int
    escalated: int
    postmortems: list = field(default_factory=list)
    actions_open: int = 0
    actions_overdue: int = 0
    actions_done: int = 0
    credits: list = field(default_factory=list)
    hours: list = field(default_factory=list)  # [(activity name, hours)]
    package_hours: float | None = None
    reviews: list = field(default_factory=list)
    published: PublishedReport | None = None

    @property
    def hours_used(self) -> float:
        return round(sum(h for _name, h in self.hours), 2)


def company_get(*, user, pk) -> Company:
    """A company ``user`` may see (404 otherwise)."""
    return get_object_or_404(Company.objects.visible_to(user), pk=pk)


def published_get(*, user, company: Company, period: Period) -> PublishedReport | None:
    return PublishedReport.objects.visible_to(user).filter(company=company, first=period.first,
                                                             last=period.last).first()


def may_read(user, company: Company, period: Period) -> bool:
    """Staff read any period of a company they serve; the company's users a published one."""
    return staff_person(user) is not None or published_get(user=user, company=company, period=period) is not None


def report_for(*, user, company: Company, period: Period, zone: ZoneInfo, now: dt.datetime) -> ServiceReport:
    """The company's report for ``period`` as ``user`` may read it (the caller has checked
    ``may_read``): items received in the period, in ``zone``'s local days."""
    start, end = period.bounds(zone)
    items = Escalation.objects.visible_to(user).filter(company=company)
    received = items.filter(received_at__gte=start, received_at__lt=end)
    figures = compliance.items_compliance(received, period=period, zone=zone, now=now, group_bys=GROUP_BYS)
    counts = {"open": items.open().count(), "overdue": items.overdue(now).count()}
    escalated = Event.objects.filter(
        escalation__in=items, kind=Event.Kind.ESCALATED, at__gte=start, at__lt=end
    ).count()
    first_versions = Version.objects.filter(postmortem=OuterRef("pk"), number=1, published_at__gte=start,
                                            published_at__lt=end)
    postmortems = list(
        PostMortem.objects.visible_to(user).filter(account__company=company).filter(Exists(first_versions))
        .select_related("account").order_by("ticket_number")
    )
    actions = PreventiveAction.objects.filter(postmortem__in=[p.pk for p in postmortems]).aggregate(
        open=Count("pk", filter=Q(state=PreventiveAction.State.OPEN)),
        overdue=Count("pk", filter=Q(state=PreventiveAction.State.OPEN, due_on__lt=now.astimezone(zone).date())),
        done=Count("pk", filter=Q(state=PreventiveAction.State.DONE)),
    )
    credits = list(
        ServiceCredit.objects.visible_to(user).filter(company=company, requested_at__gte=start, requested_at__lt=end)
        .select_related("escalation")
    )
    report = ServiceReport(
        company=company, period=period, zone=zone, compliance=figures, open_items=counts["open"],
        overdue_items=counts["overdue"], escalated=escalated, postmortems=postmortems,
        actions_open=actions["open"], actions_overdue=actions["overdue"], actions_done=actions["done"],
        credits=credits, published=published_get(user=user, company=company, period=period),
    )
    report.reviews = [
        {"label": o.plan_item.get_kind_display(), "held_on": o.held_at.astimezone(zone).date()}
        for o in touchpoint_selectors.held_list(user=user, company=company).filter(held_at__gte=start, held_at__lt=end)
    ]
    _add_hours(report)
    return report


def _add_hours(report: ServiceReport) -> None:
    """The package's hours used in the period, by activity (one query), and the package's hours
    for the months the period touches."""
    period = report.period
    sums = (
        TimeEntry.objects.filter(company=report.company, date__range=(period.first, period.last))
        .values("activity_id").annotate(hours=Sum("hours")).order_by("-hours")
    )
    names = {a.pk: a.name for a in service_selectors.activity_list()}
    report.hours = [(names.get(row["activity_id"], "?"), float(row["hours"])) for row in sums]
    months = sorted({(d.year, d.month) for d in (period.first, period.last)})
    months = (months[-1][0] - months[0][0]) * 12 + months[-1][1] - months[0][1] + 1
    package = service_rules.package_for_month(service_selectors.company_packages(report.company),
                                              period.first.replace(day=1))
    report.package_hours = float(package.hours_per_month) * months if package else None


def published_list(*, user, company: Company | None = None):
    reports = PublishedReport.objects.visible_to(user).select_related("company", "published_by")
    return reports.filter(company=company) if company is not None else reports


def credit_list(*, user, company: Company | None = None, status: str = ""):
    credits = ServiceCredit.objects.visible_to(user).select_related("company", "escalation", "requested_by")
    if company is not None:
        credits = credits.filter(company=company)
    return credits.filter(status=status) if status else credits
