"""The customer's timeline, on the page and through the API, reads a change of hands as who has the
item now: never who had it, nor who moved it (a handoff done by the outgoing manager names them)."""

import pytest

from escalations import selectors, services
from tests.clients import api_as
from tests.conftest import clock_at
from tests.escalations.factories import denver, raise_item
from tests.teams.factories import PersonFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clean_slate")]
TUE_10 = denver(2026, 1, 13, 10, 0)
clock = clock_at(TUE_10, autouse=True)


def test_the_customers_api_timeline_does_not_name_who_had_the_item(tenant):
    item = raise_item(tenant, at=TUE_10)
    incoming = PersonFactory(name="Ivo Incoming")
    previous = tenant.manager.name
    services.escalations_hand_over(
        actor=tenant.manager_user,
        escalations=[item],
        assignee=incoming,
        reason="Handoff #7: Service Manager passes from Home Manager to Ivo Incoming.",
        role_name="Service Manager",
        now=TUE_10,
    )
    # The page's redaction: the line names only who has it now.
    page_event = [e for e in selectors.timeline(user=tenant.user, escalation=item) if e.kind == "reassigned"][0]
    assert previous not in page_event.line and previous not in page_event.comment

    events = api_as(tenant.user).get(f"/api/v1/escalations/{item.pk}/timeline/").json()
    (moved,) = [e for e in events if e["kind"] == "reassigned"]
    assert previous not in str(moved), moved
