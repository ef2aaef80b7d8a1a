"""The provider as a pytest fixture: ``from tests.oidc_provider.fixtures import oidc_provider``."""

import pytest

from .harness import running_provider


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory):
    """The test OpenID Connect provider, one per test process, on a free port of 127.0.0.1."""
    with running_provider(tmp_path_factory.mktemp("oidc_provider")) as provider:
        yield provider
