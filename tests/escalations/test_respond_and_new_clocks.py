"""Recording a response does not get round the new clocks: a new complaint is answered by setting
its target date (acknowledging it with one), a requested call by scheduling it."""

import datetime as dt

import pytest

from escalations import services
from escalations.rules import TransitionError
from tests.conftest import clock_at
from tests.escalations.factories import denver, raise_item

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clean_slate")]
TUE_10 = denver(2026, 1, 13, 10, 0)
clock = clock_at(TUE_10, autouse=True)


def test_recording_a_response_on_a_new_complaint_is_refused_until_its_target_date_is_set(tenant, manager):
    item = raise_item(tenant, at=TUE_10, channel="voicemail", category="complaint")
    assert item.policy_mode == "manager_sets" and item.due_at is not None
    with pytest.raises(TransitionError, match="target date"):
        services.escalation_respond(actor=manager, escalation=item, comment="Called back", now=TUE_10)
    # Acknowledged with its target date, the complaint may be answered.
    services.escalation_acknowledge(actor=manager, escalation=item, follow_up_on=dt.date(2026, 1, 16), now=TUE_10)
    done = services.escalation_respond(actor=manager, escalation=item, comment="Called back", now=TUE_10)
    assert done.follow_up_done_at == TUE_10


def test_recording_a_response_on_an_unscheduled_call_is_refused_like_acknowledging_it(tenant, manager):
    item = raise_item(
        tenant,
        at=TUE_10,
        channel="conference_call",
        category="outage",
        subject="Review",
        requested_start=TUE_10 + dt.timedelta(days=2),
        requested_minutes=60,
    )
    with pytest.raises(TransitionError):
        services.escalation_acknowledge(actor=manager, escalation=item, now=TUE_10)
    with pytest.raises(TransitionError):
        services.escalation_respond(actor=manager, escalation=item, comment="Spoke on the phone", now=TUE_10)
