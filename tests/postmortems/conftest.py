"""Fixtures for post-mortem tests.

The home tenant's service manager ("Home Manager", Denver office calendar) reports to
"Home Director" (``director``). Tests that want the clock standing still at ``NOW``
(Tue 13 Jan 2026 10:00 MST) use the ``clock`` fixture.
"""

import pytest

from escalations.models import ResponsePolicy
from escalations.policies import seed_guidelines
from postmortems.models import ComplexityPolicy
from postmortems.rules import DEFAULT_BUSINESS_DAYS
from tests.conftest import clock_at
from tests.teams.factories import PersonFactory, UserFactory

from .factories import NOW

clock = clock_at(NOW)


@pytest.fixture(autouse=True)
def _seeded(request):
    """The escalation guidelines and the complexity table come from data migrations, which a
    transactional test's flush may have undone; both seeds only add what is missing."""
    if request.node.get_closest_marker("django_db") is not None or "db" in request.fixturenames:
        request.getfixturevalue("db")
        seed_guidelines(ResponsePolicy)
        for complexity, days in DEFAULT_BUSINESS_DAYS.items():
            ComplexityPolicy.objects.get_or_create(complexity=complexity, defaults={"business_days": days})


@pytest.fixture
def outsider(db):
    """Carrier staff with a portal user who serves none of the tenants' accounts."""
    return PersonFactory(name="Olive Outsider", user=UserFactory(username="olive.outsider"))
