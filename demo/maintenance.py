"""Demo network notices for `seed_demo`: a planned maintenance on Front Range Fiber's Denver Metro
account in three days (GCR-2026-1187), and a major outage on its Colorado Springs account two days
ago, restored after five hours (clec.user can request its post-mortem). Published by the carrier
admin; idempotent: a notice already there is left as it is."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from accountteam.clock import carrier_today
from maintenance import services
from maintenance.models import Kind, NetworkNotice, Status
from teams.models import Account

GCR = "GCR-2026-1187"
OUTAGE_TITLE = "Fiber cut on the Colorado Springs – Pueblo route"


@transaction.atomic
def seed_demo_maintenance() -> int:
    admin = get_user_model().objects.filter(username="carrier.admin").first()
    denver = Account.objects.filter(number="7001-0001").first()
    springs = Account.objects.filter(number="7001-0002").first()
    if None in (admin, denver, springs):
        return 0
    created = 0
    zone = timezone.get_default_timezone()
    if not NetworkNotice.objects.filter(reference=GCR).exists():
        night = dt.datetime.combine(carrier_today() + dt.timedelta(days=3), dt.time(1, 0), tzinfo=zone)
        services.notice_publish(
            actor=admin, kind=Kind.MAINTENANCE, reference=GCR, title="Core router software upgrade, Denver POP",
            starts_at=night, ends_at=night + dt.timedelta(hours=4), accounts=[denver],
            impact="Up to two interruptions of 10 minutes each on circuits through the Denver POP.",
            description="The Denver core routers get their scheduled software upgrade, one chassis at a time; "
                        "traffic is moved to the partner chassis before each one restarts.",
            message="Please plan around the window; your service manager has the circuit list.",
        )
        created += 1
    if not NetworkNotice.objects.filter(kind=Kind.OUTAGE, title=OUTAGE_TITLE).exists():
        began = timezone.now().replace(second=0, microsecond=0) - dt.timedelta(days=2)
        outage = services.notice_publish(
            actor=admin, kind=Kind.OUTAGE, title=OUTAGE_TITLE, starts_at=began, accounts=[springs],
            impact="Circuits between Colorado Springs and Pueblo are down; voice traffic is rerouted.",
            message="Our technicians are on their way to locate the cut.", now=began + dt.timedelta(minutes=20),
        )
        services.outage_status_update(
            actor=admin, notice=outage, status=Status.IDENTIFIED, now=began + dt.timedelta(hours=1),
            message="Construction work cut the cable near Fountain; splicing crews are on site.",
        )
        services.outage_status_update(
            actor=admin, notice=outage, status=Status.RESTORED, now=began + dt.timedelta(hours=5),
            message="All fibers are spliced and every circuit is back in service.",
        )
        created += 1
    return created
