"""Fixtures for regular reviews.

The home tenant's service manager ("Home Manager", Denver office calendar: weekdays 08:00–17:00,
US holidays) reports to the director ("Home Director"). The clock stands still at ``NOW``: Monday
2 March 2026, 10:00 in Denver.
"""

import datetime as dt
import zoneinfo

import pytest

from tests.conftest import clock_at
from tests.teams.factories import PersonFactory, UserFactory
from touchpoints import services

DENVER = zoneinfo.ZoneInfo("America/Denver")


def denver(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=DENVER)


NOW = denver(2026, 3, 2, 10, 0)
FRIDAY = dt.date(2026, 3, 13)

clock = clock_at(NOW, autouse=True)


@pytest.fixture
def bystander(db):
    """Staff with a sign-in who directs no one and serves nothing."""
    return PersonFactory(name="Sam Bystander", user=UserFactory(username="sam.bystander"))


@pytest.fixture
def item(tenant, director):
    """A quarterly service review of the home company, owned by its service manager, first due
    Friday 13 March 2026."""
    return services.plan_item_create(
        actor=director.user, company=tenant.company, kind="service_review", cadence_months=3,
        owner_role=tenant.assignment.role, first_due_on=FRIDAY,
    )


@pytest.fixture
def occurrence(item):
    return item.occurrences.get()


def hold(occurrence, actor, **overrides):
    values = dict(
        actor=actor, occurrence=occurrence, account=occurrence.plan_item.company.accounts.first(),
        starts_at=NOW - dt.timedelta(hours=1), duration_minutes=45, agenda="Orders; outages",
        minutes="All orders on track.", action_items=[],
    )
    return services.occurrence_hold(**(values | overrides))
