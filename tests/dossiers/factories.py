"""Factories for dossier tests.

Rows that a test checks the history of are written through ``services.dossier_save`` (the real
path, see ``save``); the factories build rows directly for lists, scoping and query budgets.
"""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import factory
from django.core.files.uploadedfile import SimpleUploadedFile

from dossiers import services
from dossiers.models import Amendment, Contact, DossierFile, Meeting, Proposal
from tests.teams.factories import MembershipFactory, PersonFactory, UserFactory

DENVER = ZoneInfo("America/Denver")


def denver(year, month, day, hour=0, minute=0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=DENVER)


def upload(name="ica.pdf", content=b"%PDF-1.4 signed agreement", content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def save(actor, account, part, instance, **values):
    """Write a row as ``actor`` through the service (many-to-many values go in ``m2m``)."""
    m2m = values.pop("m2m", None)
    return services.dossier_save(actor=actor, account=account, part=part, instance=instance, values=values, m2m=m2m)


def customer_user(tenant, *, username, **rights):
    """Another user of the tenant's company with the given rights (default: view team only)."""
    user = UserFactory(username=username)
    MembershipFactory(user=user, company=tenant.company, **({"can_manage_users": False} | rights))
    return user


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    account = None  # required: pass the tenant's account
    name = factory.Sequence(lambda n: f"Contact {n}")
    role = "Network Operations"
    email = factory.Sequence(lambda n: f"contact{n}@customer.example")
    phone = "+1 303 555 0199"


class AmendmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Amendment

    account = None
    kind = Amendment.Kind.AMENDMENT
    title = factory.Sequence(lambda n: f"Amendment {n}")
    status = Amendment.Status.PENDING


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting
        skip_postgeneration_save = True

    account = None
    kind = Meeting.Kind.SERVICE_REVIEW
    title = factory.Sequence(lambda n: f"Service review {n}")
    starts_at = factory.LazyFunction(lambda: denver(2026, 2, 3, 10, 0))
    duration_minutes = 60
    location = "Microsoft Teams"

    @factory.post_generation
    def people(self, create, extracted, **kwargs):
        if create and extracted:
            self.people.set(extracted)

    @factory.post_generation
    def contacts(self, create, extracted, **kwargs):
        if create and extracted:
            self.contacts.set(extracted)


class ProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Proposal

    account = None
    title = factory.Sequence(lambda n: f"Proposal {n}")
    value = Decimal("25000.00")
    stage = Proposal.Stage.PRESENTED
    owner = factory.SubFactory(PersonFactory, title="Sales Executive")


class DossierFileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DossierFile

    account = None
    title = factory.Sequence(lambda n: f"Document {n}")
    file = factory.LazyFunction(lambda: upload("network-diagram.pdf", b"%PDF-1.4 diagram"))
    internal = False
