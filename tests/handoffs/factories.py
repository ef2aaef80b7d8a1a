"""Factories and helpers for handoff tests.

Handoffs the tests act on are started through ``handoffs.services.handoff_start`` (the real
path, which builds the checklist from the template); the dossier rows they move or invite are
built by the factories below.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import factory

from accountteam.models import Notification
from dossiers.models import Contact, Meeting, Proposal
from escalations.models import Escalation
from handoffs import services
from handoffs.models import ChecklistItem, Handoff, Step
from teams.models import Assignment
from tests.teams.factories import AccountFactory, PersonFactory

DENVER = ZoneInfo("America/Denver")

# "Today" in the handoff tests: Monday 2 March 2026, 10:00 in Denver (MST, UTC−7). The handoff
# takes effect two weeks later, on Monday 16 March 2026 (MDT from 8 March).
NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=DENVER)
EFFECTIVE = dt.date(2026, 3, 16)


def denver(year, month, day, hour=0, minute=0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=DENVER)


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    account = factory.SubFactory(AccountFactory)
    name = factory.Sequence(lambda n: f"Contact {n}")
    role = "Network operations"
    email = factory.Sequence(lambda n: f"contact{n}@customer.example")
    phone = "+1 720 555 0100"


class ProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Proposal

    account = factory.SubFactory(AccountFactory)
    title = factory.Sequence(lambda n: f"Proposal {n}")
    stage = Proposal.Stage.PRESENTED
    owner = factory.SubFactory(PersonFactory)
    due_date = dt.date(2026, 4, 30)


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    account = factory.SubFactory(AccountFactory)
    kind = Meeting.Kind.SERVICE_REVIEW
    title = factory.Sequence(lambda n: f"Service review {n}")
    starts_at = factory.LazyFunction(lambda: denver(2026, 3, 10, 14, 0))
    duration_minutes = 60


def start_handoff(*, actor, outgoing, incoming, role, accounts=None, effective_date=EFFECTIVE, note="") -> Handoff:
    """Start a handoff through the service (``accounts=None``: every account held in the role)."""
    return services.handoff_start(
        actor=actor, role=role, outgoing=outgoing, incoming=incoming, effective_date=effective_date,
        accounts=accounts, note=note,
    )


def items_of(handoff: Handoff, **filters) -> list[ChecklistItem]:
    return list(
        ChecklistItem.objects.filter(handoff_account__handoff=handoff, **filters).order_by(
            "handoff_account__account__number", "sort_order"
        )
    )


def stored_state(handoff: Handoff) -> dict:
    """The handoff as stored now, with all an action writes: its status and stamps, its accounts'
    assignments, its checklist, its log, the owners of the open work, meetings and notices. A refused
    action leaves it as it was: ``assert stored_state(handoff) == before``."""
    stored = Handoff.objects.get(pk=handoff.pk)
    accounts = list(stored.accounts.values_list("account_id", flat=True))
    return {
        "handoff": (stored.status, stored.transferred_at, stored.confirmed_at, stored.confirmed_by_id,
                    stored.completed_at, stored.completed_by_id, stored.cancel_reason),
        "accounts": list(stored.accounts.order_by("pk").values_list("account_id", "ending_id", "starting_id")),
        "items": list(
            ChecklistItem.objects.filter(handoff_account__handoff=stored).order_by("pk").values_list(
                "pk", "done_at", "done_by", "note", "link", "file", "meeting"
            )
        ),
        "events": list(stored.events.order_by("pk").values_list("text", flat=True)),
        "assignments": list(
            Assignment.objects.filter(account_id__in=accounts).order_by("pk").values_list(
                "pk", "person_id", "end_date"
            )
        ),
        "open_work": (
            list(Escalation.objects.filter(account_id__in=accounts).order_by("pk").values_list("pk", "assignee_id")),
            list(Proposal.objects.filter(account_id__in=accounts).order_by("pk").values_list("pk", "owner_id")),
        ),
        "meetings": Meeting.objects.count(),
        "notices": Notification.objects.count(),
    }


def tick_all_by_hand(handoff: Handoff, *, actor, note="Walked through it together.") -> int:
    """Tick every open item that is ticked by hand (the transfer items need the Transfer step)."""
    items = items_of(handoff, done_at__isnull=True)
    ticked = 0
    for item in items:
        if item.step == Step.TRANSFER:
            continue
        services.handoff_item_complete(actor=actor, handoff=handoff, item=item, note=note)
        ticked += 1
    return ticked


def ready_to_complete(handoff: Handoff, *, actor) -> Handoff:
    """Transfer the open work, tick the rest and confirm: all that completion asks for but the date."""
    services.handoff_transfer_open_items(actor=actor, handoff=handoff)
    tick_all_by_hand(handoff, actor=actor)
    services.handoff_confirm(actor=actor, handoff=handoff)
    handoff.refresh_from_db()
    return handoff
