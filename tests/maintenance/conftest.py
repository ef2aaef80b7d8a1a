"""Fixtures for network notice tests. The clock stands still at ``NOW`` (Monday 2 March 2026,
10:00 Denver); the home tenant's service manager publishes for the home account, and the
carrier admin for anyone's."""

import pytest

from tests.conftest import clock_at
from tests.teams.factories import AccountFactory, MembershipFactory, UserFactory

from .factories import NOW, publish_maintenance, publish_outage

clock = clock_at(NOW, autouse=True)


@pytest.fixture
def colleague(tenant):
    """Another user of the home company, with the view-team right."""
    user = UserFactory(username="home.colleague")
    MembershipFactory(user=user, company=tenant.company, can_escalate=False)
    return user


@pytest.fixture
def no_team_right(tenant):
    """A user of the home company without the view-team right: told nothing."""
    user = UserFactory(username="home.billing")
    MembershipFactory(user=user, company=tenant.company, can_view_team=False)
    return user


@pytest.fixture
def second_account(tenant):
    return AccountFactory(company=tenant.company, number="7001-0002", name="Home Telecom branch")


@pytest.fixture
def maintenance(tenant):
    """GCR-2026-1187 on the home account, published by its service manager."""
    return publish_maintenance(tenant.manager_user, [tenant.account])


@pytest.fixture
def outage(tenant):
    return publish_outage(tenant.manager_user, [tenant.account])
