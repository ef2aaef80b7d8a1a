"""Fixtures for post-mortem tests.

The home tenant's service manager ("Home Manager", Denver office calendar) reports to
"Home Director" (``director``). Tests that want the clock standing still at ``NOW``
(Tue 13 Jan 2026 10:00 MST) use the ``clock`` fixture.
"""

import pytest
import time_machine
from django.utils import timezone

from escalations.models import ResponsePolicy
from escalations.policies import seed_guidelines
from postmortems.models import ComplexityPolicy
from postmortems.rules import DEFAULT_BUSINESS_DAYS
from tests.teams.factories import PersonFactory, UserFactory

from .factories import NOW


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _seeded(request):
    """The escalation guidelines and the complexity table come from data migrations, which a
    transactional test's flush may have undone; both seeds only add what is missing. No time
    zone is left active by an earlier request (notice texts use the current zone)."""
    timezone.deactivate()
    if request.node.get_closest_marker("django_db") is not None or "db" in request.fixturenames:
        request.getfixturevalue("db")
        seed_guidelines(ResponsePolicy)
        for complexity, days in DEFAULT_BUSINESS_DAYS.items():
            ComplexityPolicy.objects.get_or_create(complexity=complexity, defaults={"business_days": days})
    yield
    timezone.deactivate()


@pytest.fixture
def director(tenant):
    """The home tenant's service manager reports to this director (who has a portal user)."""
    person = PersonFactory(name="Home Director", title="Director", user=UserFactory(username="home.director"))
    tenant.manager.reports_to = person
    tenant.manager.save(update_fields=["reports_to"])
    return person


@pytest.fixture
def outsider(db):
    """Carrier staff with a portal user who serves none of the tenants' accounts."""
    return PersonFactory(name="Olive Outsider", user=UserFactory(username="olive.outsider"))
