import pytest
from django.utils import timezone

from escalations.models import ResponsePolicy
from escalations.policies import seed_guidelines
from tests.teams.factories import PersonFactory, UserFactory


@pytest.fixture
def clean_slate(settings):
    """The carrier's guidelines present (transactional tests flush the rows the data migration
    seeded), the default grace, and no time zone left active by an earlier request: notice texts
    use the current zone."""
    seed_guidelines(ResponsePolicy)
    settings.ESCALATION_GRACE_MINUTES = None
    timezone.deactivate()
    yield
    timezone.deactivate()


@pytest.fixture
def director(tenant):
    """The home tenant's service manager reports to this director."""
    person = PersonFactory(name="Home Director", title="Director", user=UserFactory(username="home.director"))
    tenant.manager.reports_to = person
    tenant.manager.save(update_fields=["reports_to"])
    return person
