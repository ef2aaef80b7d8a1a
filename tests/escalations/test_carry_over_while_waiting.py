"""A waiting item moved to another calendar keeps the time it had left when its clock stopped.

Raised Tue 13 Jan 2026 10:00 MST (pager, in office: due 10:30), waiting from 10:05 (25 business
minutes left), moved to a London manager (08:00-17:00 GMT; closed from 10:00 MST), resumed Wed 14
Jan 09:00 GMT. Whoever has it, the clock stopped with 25 minutes left: due Wed 09:25 GMT.
"""

import datetime as dt

import pytest

from escalations import services
from tests.escalations.factories import denver, raise_item, utc
from tests.teams.factories import CalendarFactory, PersonFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clean_slate")]

LONDON_HOURS = {d: [["08:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")} | {"sat": [], "sun": []}
RESUMED = dt.datetime(2026, 1, 14, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def londoner(db):
    return PersonFactory(
        name="Lia London",
        user=UserFactory(username="lia.london"),
        calendar=CalendarFactory(
            name="London office", time_zone="Europe/London", holiday_country="GB", weekly_hours=LONDON_HOURS
        ),
    )


def _waiting_item(tenant, manager):
    item = raise_item(tenant, at=denver(2026, 1, 13, 10, 0))
    assert utc(item.due_at) == utc(denver(2026, 1, 13, 10, 30))
    services.escalation_wait(
        actor=manager, escalation=item, comment="Need the circuit id", now=denver(2026, 1, 13, 10, 5)
    )
    return item


def test_control_same_person_keeps_the_25_minutes_left_when_the_clock_stopped(tenant, manager):
    item = _waiting_item(tenant, manager)
    resumed = services.escalation_resume(actor=manager, escalation=item, now=denver(2026, 1, 14, 9, 0))
    assert utc(resumed.due_at) == utc(denver(2026, 1, 14, 9, 25))


@pytest.mark.parametrize(
    "moved_at",
    [
        denver(2026, 1, 13, 10, 10),  # 20 minutes "left" at the move: 5 minutes of the wait are lost
        denver(2026, 1, 13, 10, 40),  # the due instant passed during the wait: it stays "passed"
    ],
)
def test_a_waiting_item_moved_to_another_calendar_keeps_the_time_left_when_its_clock_stopped(
    tenant, manager, londoner, moved_at
):
    item = _waiting_item(tenant, manager)
    services.escalation_reassign(actor=manager, escalation=item, assignee=londoner, reason="", now=moved_at)
    resumed = services.escalation_resume(actor=manager, escalation=item, now=RESUMED)

    assert utc(resumed.due_at) == RESUMED + dt.timedelta(minutes=25)
    assert not resumed.is_overdue(now=RESUMED)
