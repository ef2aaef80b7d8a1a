"""A reopened item keeps the warning share it arrived with: editing the policy afterwards changes new
items only (the policy is frozen onto the item)."""

import datetime as dt

import pytest

from escalations import customer_actions, services
from escalations.models import ResponsePolicy
from tests.conftest import clock_at
from tests.escalations.factories import denver, raise_item, utc

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clean_slate")]

TUE_10 = denver(2026, 1, 13, 10, 0)
clock = clock_at(TUE_10, autouse=True)


def test_a_reopened_item_keeps_the_warning_share_it_arrived_with(tenant, manager):
    item = raise_item(tenant, at=TUE_10, channel="voicemail", category="repair")  # 4 h, warned at 75%
    assert utc(item.target_at) == utc(denver(2026, 1, 13, 13, 0))
    ResponsePolicy.objects.filter(pk=item.policy_id).update(warn_percent=25)  # edited afterwards

    services.escalation_resolve(actor=manager, escalation=item, now=TUE_10 + dt.timedelta(minutes=30))
    reopened = customer_actions.escalation_reopen(
        actor=tenant.user, escalation=item, reason="Still down", now=denver(2026, 1, 13, 11, 0)
    )

    assert utc(reopened.due_at) == utc(denver(2026, 1, 13, 15, 0))
    assert utc(reopened.target_at) == utc(denver(2026, 1, 13, 14, 0))  # 75% of 4 h, as when it arrived
