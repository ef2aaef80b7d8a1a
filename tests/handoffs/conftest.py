"""Fixtures for handoff tests.

The home tenant's service manager ("Home Manager") reports to Dora Director, who also directs
Ivan Incoming, the person taking the role over. The clock stands still at ``NOW`` (Monday
2 March 2026, 10:00 Denver); handoffs take effect on ``EFFECTIVE`` (Monday 16 March 2026).
"""

import pytest

from escalations.models import ResponsePolicy
from escalations.policies import seed_guidelines
from handoffs.checklist import seed_checklist
from handoffs.models import ChecklistTemplateItem
from tests.conftest import clock_at
from tests.teams.factories import PersonFactory, RoleFactory, UserFactory

from .factories import NOW, ContactFactory, start_handoff

NOTE = "Internal: Home Manager moves to the Boulder office; keep this from the customer."

clock = clock_at(NOW, autouse=True)


@pytest.fixture(autouse=True)
def _seeded(request):
    """The checklist template and the escalation guidelines come from data migrations, which a
    transactional test's flush may have undone; both seeds only add what is missing."""
    if request.node.get_closest_marker("django_db") is None and "db" not in request.fixturenames:
        return
    request.getfixturevalue("db")
    seed_checklist(ChecklistTemplateItem)
    seed_guidelines(ResponsePolicy)


@pytest.fixture
def role(db):
    return RoleFactory(code="service-manager")


@pytest.fixture
def director_name():
    """Dora Director (``dora.director``): the home tenant's service manager reports to her."""
    return "Dora Director"


@pytest.fixture
def incoming(director):
    """Ivan Incoming, another service manager in Dora's group, takes the role over."""
    return PersonFactory(
        name="Ivan Incoming", title="Service Manager", reports_to=director, user=UserFactory(username="ivan.incoming")
    )


@pytest.fixture
def bystander(db):
    """Staff with a sign-in and no part in any handoff (nor in the home tenant's group)."""
    return PersonFactory(name="Sam Bystander", title="Service Manager", user=UserFactory(username="sam.bystander"))


@pytest.fixture
def contact(tenant):
    return ContactFactory(account=tenant.account, name="Carla Customer", email="carla@home.example")


@pytest.fixture
def handoff(tenant, director, incoming, role):
    """Home Manager hands the home account over to Ivan Incoming on 16 March (one account)."""
    return start_handoff(
        actor=director.user, outgoing=tenant.manager, incoming=incoming, role=role,
        accounts=[tenant.account], note=NOTE,
    )
