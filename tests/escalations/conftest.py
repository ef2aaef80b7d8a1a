import pytest

from escalations.models import ResponsePolicy, RoutingRule
from escalations.policies import seed_guidelines, seed_routing


@pytest.fixture
def clean_slate(settings):
    """The carrier's guidelines present (transactional tests flush the rows the data migration
    seeded) and the default grace."""
    seed_guidelines(ResponsePolicy)
    seed_routing(RoutingRule)
    settings.ESCALATION_GRACE_MINUTES = None
