"""A demo handoff for `seed_demo`: Mesa Telecom's sales executive changes in ten days, started by
the sales director, with the first checklist items done. Idempotent: nothing happens when a
handoff of that role on that account exists."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction

from accountteam.clock import carrier_today
from handoffs import services
from handoffs.models import ChecklistItem, Handoff
from teams.models import Account, Person, Role


@transaction.atomic
def seed_demo_handoff() -> int:
    account = Account.objects.filter(number="7002-0001").first()
    role = Role.objects.filter(code="sales-executive").first()
    outgoing = Person.objects.filter(email="hannah.cole@carrier.example").first()
    incoming = Person.objects.filter(email="priya.raman@carrier.example").first()
    director = get_user_model().objects.filter(username="sales.director").first()
    if None in (account, role, outgoing, incoming, director):
        return 0
    if Handoff.objects.filter(role=role, accounts__account=account).exists():
        return 0
    handoff = services.handoff_start(
        actor=director, role=role, outgoing=outgoing, incoming=incoming,
        effective_date=carrier_today() + dt.timedelta(days=10), accounts=[account],
        note="Hannah moves to the Chicago enterprise team; Priya takes Mesa over.",
    )
    for item in ChecklistItem.objects.filter(handoff_account__handoff=handoff, step="").order_by("sort_order")[:2]:
        services.handoff_item_complete(
            actor=director, handoff=handoff, item=item, note="Walked through together on the weekly call."
        )
    return 1
