"""Demo escalations for `seed_demo`: a handful of items in different states. Idempotent: an item
whose subject already exists on its account is left alone."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from escalations import rules, services
from escalations.models import Escalation
from teams.models import Account, Person

# account, raised by, channel, category, subject, received (ago), then what staff did
DEMO_ITEMS = [
    (
        "7001-0001",
        "clec.user",
        "pager",
        "repair",
        "DS3 to Boulder CO bouncing since 07:40",
        dt.timedelta(minutes=50),
        [],
    ),
    (
        "7001-0001",
        "clec.user",
        "email",
        "order_escalation",
        "Order 4471-A missed its due date",
        dt.timedelta(hours=20),
        [],
    ),
    (
        "7001-0002",
        "clec.admin",
        "voicemail",
        "expedite",
        "Expedite request for 12 loops in Pueblo",
        dt.timedelta(days=1, hours=3),
        ["respond"],
    ),
    (
        "7001-0001",
        "clec.user",
        "email",
        "complaint",
        "Repeated missed appointments in Littleton",
        dt.timedelta(days=2),
        ["acknowledge", "wait"],
    ),
    ("7001-0001", "clec.user", "email", "ica_question", "Amendment 7 pricing for EELs", dt.timedelta(hours=5), []),
    (
        "7001-0002",
        "clec.user",
        "pager",
        "outage",
        "Major outage information for Colorado Springs",
        dt.timedelta(days=6),
        ["respond", "resolve"],
    ),
    (
        "7003-0001",
        "reseller.user",
        "voicemail",
        "billing",
        "Credit for March service outage",
        dt.timedelta(hours=3),
        [],
    ),
    (
        "7001-0001",
        "clec.user",
        "meeting",
        "project_coordination",
        "Grooming plan for the new Denver switch",
        dt.timedelta(hours=2),
        [],
    ),
    ("7001-0002", "clec.admin", "email", "pricing", "Tariff rates for 40 DS1s to Pueblo", dt.timedelta(hours=6), []),
]


@transaction.atomic
def seed_demo_escalations(*, now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    users = {u.username: u for u in get_user_model().objects.filter(username__in={i[1] for i in DEMO_ITEMS})}
    accounts = Account.objects.in_bulk([i[0] for i in DEMO_ITEMS], field_name="number")
    staff = {p.user.username: p.user for p in Person.objects.filter(user__isnull=False).select_related("user")}
    created = 0
    for number, username, channel, category, subject, ago, steps in DEMO_ITEMS:
        account = accounts.get(number)
        if account is None or username not in users:
            continue
        if Escalation.objects.filter(account=account, subject=subject).exists():
            continue
        request = {}
        if channel in rules.SCHEDULED_CHANNELS:
            # Wanted three days on, at 10:00 in the carrier's zone, for an hour.
            day = timezone.localdate(now) + dt.timedelta(days=3)
            start = dt.datetime.combine(day, dt.time(10, 0), tzinfo=timezone.get_default_timezone())
            request = {"requested_start": start, "requested_minutes": 60}
        item = services.escalation_create(
            actor=users[username],
            account=account,
            channel=channel,
            category=category,
            subject=subject,
            description="Raised in the demo data.",
            now=now - ago,
            **request,
        )
        manager = item.assignee.user or staff.get("service.manager")
        at = now - ago + dt.timedelta(minutes=20)
        for step in steps:
            if step == "acknowledge":
                # Three days on, or the assignee's next open day after.
                follow_up = rules.next_open_day(
                    item.assignee.calendar_spec, timezone.localdate(now) + dt.timedelta(days=3)
                )
                services.escalation_acknowledge(
                    actor=manager, escalation=item, follow_up_on=follow_up, comment="We are looking into it.", now=at
                )
            elif step == "respond":
                services.escalation_respond(actor=manager, escalation=item, comment="Called the customer back.", now=at)
            elif step == "wait":
                services.escalation_wait(
                    actor=manager, escalation=item, comment="Asked for the site list.", now=at + dt.timedelta(minutes=5)
                )
            elif step == "resolve":
                services.escalation_resolve(
                    actor=manager, escalation=item, comment="Restored.", now=at + dt.timedelta(hours=1)
                )
            item.refresh_from_db()
        created += 1
    return created
