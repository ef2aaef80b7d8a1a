"""Demo service report: Front Range Fiber's last month, published by the service manager, with a
service credit requested, approved by the service director and applied. Idempotent."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from escalations.models import Escalation
from servicereports import rules, services
from servicereports.models import PublishedReport, ServiceCredit
from teams.models import Company


@transaction.atomic
def seed_demo_service_reports() -> int:
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["service.manager",
                                                                                  "service.director"])}
    company = Company.objects.filter(name="Front Range Fiber").first()
    if company is None or len(users) < 2:
        return 0
    created = 0
    if not ServiceCredit.objects.filter(company=company).exists():
        item = Escalation.objects.filter(company=company).order_by("pk").first()
        credit = services.credit_request(
            actor=users["service.manager"], company=company, amount="250.00", currency="USD", escalation=item,
            reason="The voicemail guideline (4 business hours) was missed on this item.",
        )
        services.credit_approve(actor=users["service.director"], credit=credit)
        services.credit_apply(actor=users["service.manager"], credit=credit)
        created += 1
    last_month = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    period = rules.month_period(last_month.year, last_month.month)
    if not PublishedReport.objects.filter(company=company, first=period.first, last=period.last).exists():
        services.report_publish(actor=users["service.manager"], company=company, period=period,
                                note="Thank you for the review call; the figures are below.")
        created += 1
    return created
