"""A customer of company A gets 404 on company B's item through every route of the escalation loop
(follow, unfollow, reopen, escalate, cancel, schedule, reschedule, timeline), whatever the body."""

import pytest

from escalations import services
from tests.clients import api_as, signed_in
from tests.conftest import clock_at
from tests.escalations.factories import denver, raise_item

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clean_slate")]
TUE_10 = denver(2026, 1, 13, 10, 0)
clock = clock_at(TUE_10, autouse=True)


@pytest.mark.parametrize(
    "action", ["follow", "unfollow", "reopen", "escalate", "cancel", "schedule", "reschedule", "timeline"]
)
def test_api_foreign_item_is_404(tenant, foreign, action):
    item = raise_item(foreign, at=TUE_10)
    services.escalation_resolve(actor=foreign.manager_user, escalation=item, now=TUE_10)
    client = api_as(tenant.user)
    url = f"/api/v1/escalations/{item.pk}/{action}/"
    response = client.get(url) if action == "timeline" else client.post(url, {"reason": "x"}, format="json")
    assert response.status_code == 404


@pytest.mark.parametrize("action", ["follow", "reopen", "escalate", "cancel", "schedule", "reschedule", "timeline"])
def test_page_foreign_item_is_404(tenant, foreign, action):
    item = raise_item(foreign, at=TUE_10)
    client = signed_in(tenant.user)
    url = f"/escalations/{item.pk}/{action}/"
    response = client.get(url) if action == "timeline" else client.post(url, {"reason": "x", "following": "on"})
    assert response.status_code == 404
