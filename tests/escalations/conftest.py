import pytest

from escalations.models import ResponsePolicy
from escalations.policies import seed_guidelines


@pytest.fixture
def clean_slate(settings):
    """The carrier's guidelines present (transactional tests flush the rows the data migration
    seeded) and the default grace."""
    seed_guidelines(ResponsePolicy)
    settings.ESCALATION_GRACE_MINUTES = None
