"""After-hours routing exactly at opening and closing time, on a holiday and on a closure day."""

import pytest

from teams.models import Closure
from tests.escalations.factories import denver, raise_item
from tests.teams.factories import AssignmentFactory, CalendarFactory, PersonFactory, RoleFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clean_slate")]
ROUND_THE_CLOCK = {d: [["00:00", "24:00"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


@pytest.fixture
def duty(tenant):
    person = PersonFactory(
        name="Night Duty",
        calendar=CalendarFactory(name="24x7", time_zone="America/Denver", weekly_hours=ROUND_THE_CLOCK),
    )
    AssignmentFactory(account=tenant.account, person=person, role=RoleFactory(code="duty-manager"))
    return person


@pytest.mark.parametrize(
    ("at", "to_duty"),
    [
        (denver(2026, 1, 13, 8, 0), False),
        (denver(2026, 1, 13, 7, 59), True),
        (denver(2026, 1, 13, 16, 59), False),
        (denver(2026, 1, 13, 17, 0), True),
        (denver(2026, 1, 19, 10, 0), True),  # MLK day
        (denver(2026, 1, 14, 10, 0), True),  # a closure of the Denver office
    ],
)
def test_edges(tenant, duty, at, to_duty):
    Closure.objects.create(calendar=tenant.manager.calendar, date=denver(2026, 1, 14).date())
    item = raise_item(tenant, at=at)
    assert (item.assignee == duty) is to_duty
