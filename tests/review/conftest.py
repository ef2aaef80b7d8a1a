import pytest

from escalations.models import ResponsePolicy, RoutingRule
from escalations.policies import seed_guidelines, seed_routing


@pytest.fixture
def clean_slate(settings):
    """The carrier's guidelines and routing present, and the default grace (as tests/escalations)."""
    seed_guidelines(ResponsePolicy)
    seed_routing(RoutingRule)
    settings.ESCALATION_GRACE_MINUTES = None
