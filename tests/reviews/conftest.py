"""Fixtures for the director's review: a director whose group holds two service managers (each
with a customer company of their own), another director's group (the foreign one), a carrier
admin, and clients signed in as each."""

import pytest

from tests.clients import signed_in as login
from tests.conftest import Tenant
from tests.teams.factories import CalendarFactory, PersonFactory, UserFactory


@pytest.fixture
def director_name():
    """Dana Director (``dana.director``): the home tenant's service manager reports to her."""
    return "Dana Director"


@pytest.fixture
def second(director):
    """A second customer company whose service manager is also in Dana's group."""
    other = Tenant("Second")
    other.manager.reports_to = director
    other.manager.save(update_fields=["reports_to"])
    return other


@pytest.fixture
def other_director(foreign):
    """Olga Other directs the foreign tenant's manager: a group Dana must never see."""
    person = PersonFactory(name="Olga Other", title="Service Director", user=UserFactory(username="olga.other"))
    foreign.manager.reports_to = person
    foreign.manager.save(update_fields=["reports_to"])
    return person


@pytest.fixture
def admin_client(admin):
    return login(admin.user)


def calendar(name: str, zone: str):
    return CalendarFactory(name=name, time_zone=zone)
