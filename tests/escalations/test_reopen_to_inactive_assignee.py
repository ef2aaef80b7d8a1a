"""A reopened item does not go back to someone who has left: it goes to whoever answers it on the
account now."""

import datetime as dt

import pytest

from escalations import customer_actions, services
from tests.conftest import clock_at
from tests.escalations.factories import denver, raise_item
from tests.teams.factories import AssignmentFactory, PersonFactory, RoleFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clean_slate")]
TUE_10 = denver(2026, 1, 13, 10, 0)
clock = clock_at(TUE_10, autouse=True)


def test_a_reopened_item_does_not_go_back_to_someone_who_left(tenant, manager):
    item = raise_item(tenant, at=TUE_10)
    services.escalation_resolve(actor=manager, escalation=item, now=TUE_10 + dt.timedelta(minutes=10))
    tenant.manager.is_active = False
    tenant.manager.save(update_fields=["is_active"])
    successor = PersonFactory(name="Sam Successor")
    AssignmentFactory(account=tenant.account, person=successor, role=RoleFactory(code="service-manager"))
    reopened = customer_actions.escalation_reopen(
        actor=tenant.user, escalation=item, reason="Still down", now=TUE_10 + dt.timedelta(hours=1)
    )
    # It goes to whoever answers it on the account now, on their clock.
    assert reopened.assignee == successor and reopened.status == "new"
