"""The demo's service package for `seed_demo`: Front Range Fiber's "Managed Service Gold" (20 hours
a month, most activities), set up by its Service Director, and a handful of time entries this
month by Dana Whitfield and Marcus Oyelaran, one of them on a demo escalation. Idempotent: the
package is made once, and an entry whose note is already logged this month is left alone."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from accountteam.clock import carrier_today
from escalations.models import Escalation
from service import rules, services
from service.catalogue import seed_activities
from service.models import Activity, ServicePackage, TimeEntry
from teams.models import Company

PACKAGE = "Managed Service Gold"
NOT_IN_GOLD = {"data-center-tours", "service-development-plan"}
ESCALATION = "DS3 to Boulder CO bouncing since 07:40"

# username, days ago (kept within this month), activity code, hours, note, on the demo escalation
ENTRIES = [
    ("service.manager", 9, "touch-point-calls", "1", "Monthly touch-point call with the NOC lead.", False),
    ("service.manager", 7, "service-reviews", "2", "Prepared and held the monthly service review.", False),
    ("service.manager", 6, "sla-reporting", "1.25", "SLA report for last month, sent with the review.", False),
    ("service.director", 4, "executive-reviews", "1.5", "Executive review with Front Range's CTO.", False),
    ("service.manager", 1, "billing-enquiries", "0.75", "Explained the new invoice layout to accounts payable.",
     False),
    ("service.manager", 0, "escalation-management", "1.5", "Chased the repair centre on the DS3 to Boulder.",
     True),
]


@transaction.atomic
def seed_demo_service() -> int:
    """Returns the number of time entries added."""
    seed_activities(Activity)
    company = Company.objects.filter(name="Front Range Fiber").first()
    users = {u.username: u for u in get_user_model().objects.filter(username__in={"service.manager",
                                                                                  "service.director"})}
    if company is None or len(users) < 2:
        return 0
    today = carrier_today()
    if not ServicePackage.objects.filter(company=company).exists():
        services.package_create(
            actor=users["service.director"], company=company, name=PACKAGE, hours_per_month=Decimal("20"),
            activities=list(Activity.objects.filter(is_active=True).exclude(code__in=NOT_IN_GOLD)),
            start_date=dt.date(2024, 1, 1),
        )
    first = rules.month_start(today)
    logged = set(TimeEntry.objects.filter(company=company, date__gte=first).values_list("note", flat=True))
    activities = {a.code: a for a in Activity.objects.all()}
    escalation = Escalation.objects.filter(company=company, subject=ESCALATION).first()
    added = 0
    for username, ago, code, hours, note, on_escalation in ENTRIES:
        if note in logged:
            continue
        services.time_entry_create(
            actor=users[username], company=company, activity=activities[code],
            date=max(first, today - dt.timedelta(days=ago)), hours=Decimal(hours), note=note,
            escalation=escalation if on_escalation else None,
        )
        added += 1
    return added
