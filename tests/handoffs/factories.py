"""Factories and helpers for handoff tests.

Handoffs the tests act on are started through ``handoffs.services.handoff_start`` (the real
path, which builds the checklist from the template); the dossier rows they move or invite are
built by the factories below.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import factory

from dossiers.models import Contact, Meeting, Proposal
from handoffs import services
from handoffs.models import ChecklistItem, Handoff, Step
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
