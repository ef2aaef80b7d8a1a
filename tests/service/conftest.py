"""Fixtures for the service tests.

The home tenant has the package "Managed Service Gold" (20 hours a month, every activity) from
1 January 2026; its service manager ("Home Manager", the ``manager``) reports to Home Director,
who holds the Service Director role on the home account. The clock stands still at ``NOW``
(Thursday 10 December 2026, 15:00 Denver)."""

import pytest

from service.catalogue import seed_activities
from service.models import Activity
from tests.conftest import clock_at
from tests.teams.factories import AssignmentFactory, RoleFactory

from .factories import NOW, make_package

clock = clock_at(NOW, autouse=True)


@pytest.fixture(autouse=True)
def _seeded(request):
    """The activity catalogue comes from a data migration, which a transactional test's flush may
    have undone; the seed only adds what is missing."""
    if request.node.get_closest_marker("django_db") is None and "db" not in request.fixturenames:
        return
    request.getfixturevalue("db")
    seed_activities(Activity)


@pytest.fixture
def service_director(tenant, director):
    """Home Director holds the Service Director role on the home account: she sets its package up."""
    AssignmentFactory(account=tenant.account, person=director, role=RoleFactory(code="service-director"))
    return director


@pytest.fixture
def package(tenant, admin):
    return make_package(tenant.company, actor=admin.user)


@pytest.fixture
def foreign_package(foreign, admin):
    return make_package(foreign.company, actor=admin.user, name="Foreign Silver", hours="10")
