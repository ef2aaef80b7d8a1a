"""The weekly digest a director receives on Monday: the group's overdue items now and last
week's compliance."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import (
    Exists,
    OuterRef,
)

from teams.models import Person

from . import rules
from .compliance import ComplianceReport, compliance_report
from .selectors import ReviewScope, overdue_list

DIGEST_OVERDUE_LIMIT = 50


def digest_recipients():
    """Directors who get the weekly digest: active, signing in (their user opens the links and
    scopes what they see), with an email address and at least one active report."""
    has_reports = Exists(Person.objects.filter(reports_to=OuterRef("pk"), is_active=True))
    return (
        Person.objects.filter(has_reports, is_active=True, user__isnull=False, user__is_active=True)
        .exclude(email="")
        .select_related("calendar", "user")
        .order_by("pk")
    )


@dataclass
class Digest:
    scope: ReviewScope
    zone: ZoneInfo
    now: dt.datetime
    overdue: list
    overdue_count: int
    last_week: ComplianceReport

    @property
    def more_overdue(self) -> int:
        return self.overdue_count - len(self.overdue)


def digest_for(scope: ReviewScope, *, now: dt.datetime) -> Digest:
    """What the Monday digest says: the group's overdue items now and last week's compliance
    (the ISO week before this one on the director's clock)."""
    zone = scope.digest_zone
    overdue = overdue_list(scope, now=now)
    listed = list(overdue[:DIGEST_OVERDUE_LIMIT])
    count = len(listed) if len(listed) < DIGEST_OVERDUE_LIMIT else overdue.count()
    week = rules.previous_week(now.astimezone(zone).date())
    report = compliance_report(scope, period=week, now=now, group_bys=("person",), trend=False, zone=zone)
    return Digest(scope=scope, zone=zone, now=now, overdue=listed, overdue_count=count, last_week=report)
