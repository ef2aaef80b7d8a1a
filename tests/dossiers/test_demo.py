"""The demo dossiers (``demo.dossiers.seed_dossiers``, called by ``seed_demo``)."""

import pytest
from django.core.management import call_command

from demo.dossiers import seed_dossiers
from dossiers.models import AccountProfile, Amendment, Change, Contact, Meeting, Proposal
from teams.models import Account, Company

pytestmark = pytest.mark.django_db

DEMO_NUMBERS = {"7001-0001", "7001-0002", "7002-0001", "7003-0001", "7003-0002"}


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (AccountProfile, Contact, Amendment, Meeting, Proposal, Change)
    }


@pytest.fixture
def demo():
    call_command("seed_demo")


def test_seed_demo_gives_every_demo_account_a_full_dossier(demo):
    for account in Account.objects.filter(number__in=DEMO_NUMBERS):
        assert AccountProfile.objects.filter(account=account).exists()
        assert 2 <= account.contacts.count() <= 3
        assert all(c.email for c in account.contacts.all())
        kinds = set(account.amendments.values_list("kind", "status"))
        assert ("agreement", "signed") in kinds
        assert any(kind == "amendment" and status != "signed" for kind, status in kinds)
        meetings = {m.kind: m for m in account.meetings.prefetch_related("people", "contacts")}
        assert meetings["service_review"].recurrence == "QUARTERLY"
        assert "executive_review" in meetings
        assert all(m.people.all() and m.contacts.all() for m in meetings.values())
        assert 1 <= len([p for p in account.proposals.all() if p.is_open]) <= 2
    assert all(Company.objects.values_list("profile", flat=True))


def test_priya_owns_the_proposals_of_the_accounts_she_sells_to(demo):
    seed_dossiers()

    owners = set(Proposal.objects.filter(account__number__startswith="7001").values_list("owner__email", flat=True))
    assert owners == {"priya.raman@carrier.example"}
    owners = set(Proposal.objects.filter(account__number__startswith="7003").values_list("owner__email", flat=True))
    assert owners == {"priya.raman@carrier.example"}


def test_running_it_twice_changes_nothing(db):
    call_command("seed_demo")
    first = counts()

    assert seed_dossiers() == 0
    assert counts() == first
    # Each row was written through the service, once (the demo handoff and post-mortems add none).
    rows = ("AccountProfile", "Contact", "Amendment", "Meeting", "Proposal")
    assert first["Change"] == sum(first[name] for name in rows) + Company.objects.count()


def test_it_skips_quietly_without_the_demo_accounts(db):
    assert seed_dossiers() == 0
    assert counts() == dict.fromkeys(counts(), 0)
