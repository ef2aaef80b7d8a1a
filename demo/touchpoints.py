"""Demo review plan for `seed_demo`: Front Range Fiber's regular reviews — a monthly touch-point
call owned by the client support manager (Ana Gómez), quarterly service and infrastructure reviews
owned by the service manager (Dana Whitfield) and a yearly executive review owned by the sales
executive. The touch point was held about forty days ago, with two action items (one done), so its
next occurrence is overdue. Idempotent: an item already on the plan is left as it is."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from teams.models import Account, Company, Person, Role
from touchpoints import services
from touchpoints.models import Kind, Occurrence, PlanItem

# kind, cadence (months), owner role, first due (days from today)
PLAN = [
    (Kind.TOUCH_POINT, 1, "client-support-manager", -40),
    (Kind.SERVICE_REVIEW, 3, "service-manager", 20),
    (Kind.INFRASTRUCTURE_REVIEW, 3, "service-manager", 50),
    (Kind.EXECUTIVE_REVIEW, 12, "sales-executive", 120),
]


@transaction.atomic
def seed_demo_touchpoints() -> int:
    company = Company.objects.filter(name="Front Range Fiber").first()
    account = Account.objects.filter(number="7001-0001").first()
    admin = get_user_model().objects.filter(username="carrier.admin").first()
    if company is None or account is None or admin is None:
        return 0
    roles = {r.code: r for r in Role.objects.filter(code__in={p[2] for p in PLAN})}
    today = timezone.localdate()
    created = 0
    for kind, cadence, role_code, offset in PLAN:
        if role_code not in roles or PlanItem.objects.filter(company=company, kind=kind).exists():
            continue
        item = services.plan_item_create(
            actor=admin, company=company, kind=kind, cadence_months=cadence, owner_role=roles[role_code],
            first_due_on=today + dt.timedelta(days=offset),
        )
        created += 1
        if kind == Kind.TOUCH_POINT:
            _hold_last_month(item, account, admin)
    return created


def _hold_last_month(item: PlanItem, account: Account, admin) -> None:
    occ = item.occurrences.get(status=Occurrence.Status.OPEN)
    zone = timezone.get_default_timezone()
    ana = Person.objects.get(email="ana.gomez@carrier.example")
    dana = Person.objects.get(email="dana.whitfield@carrier.example")
    held = services.occurrence_hold(
        actor=admin, occurrence=occ, account=account,
        starts_at=dt.datetime.combine(occ.due_on + dt.timedelta(days=1), dt.time(10, 0), tzinfo=zone),
        duration_minutes=30, contacts=list(account.contacts.all()),
        agenda="Open orders and expedites; the Colorado Springs augment; contacts to add for the NOC.",
        minutes=(
            "Reviewed the three open orders: two on track, the DS3 augment waits on the customer's site survey. "
            "Front Range asked for the updated escalation list and a route audit before the spring build."
        ),
        action_items=[
            {"description": "Send the updated escalation list to the Front Range NOC.", "owner": ana,
             "due_on": occ.due_on + dt.timedelta(days=7)},
            {"description": "Schedule the fibre route audit with the Colorado Springs field team.", "owner": dana,
             "due_on": timezone.localdate() + dt.timedelta(days=10)},
        ],
    )
    first = held.action_items.order_by("pk").first()
    services.action_item_done(actor=admin, action=first, note="Sent by e-mail; the NOC confirmed.")
