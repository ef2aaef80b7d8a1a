"""escalation_respond is allowed on a NEW item and sets ``first_response_at``: on a complaint it
stops the clock for *setting the target date* without one being set (the customer is never given a
target date; the item has no deadline left), and on a requested call it answers the "schedule it
within 1 business day" clock without scheduling, although acknowledging that same call is refused
("use Schedule")."""

import datetime as dt

import pytest

from escalations import services
from escalations.rules import TransitionError
from tests.conftest import clock_at
from tests.escalations.factories import denver, raise_item

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clean_slate")]
TUE_10 = denver(2026, 1, 13, 10, 0)
clock = clock_at(TUE_10, autouse=True)


def test_recording_a_response_on_a_new_complaint_does_not_end_its_target_date_clock(tenant, manager):
    item = raise_item(tenant, at=TUE_10, channel="voicemail", category="complaint")
    assert item.policy_mode == "manager_sets" and item.due_at is not None
    try:
        done = services.escalation_respond(actor=manager, escalation=item, comment="Called back", now=TUE_10)
    except Exception:  # noqa: BLE001 - a refusal is fine
        return
    # Either refused, or still working towards a target date.
    assert done.follow_up_on is not None or done.next_deadline_at is not None


def test_recording_a_response_on_an_unscheduled_call_is_refused_like_acknowledging_it(tenant, manager):
    item = raise_item(
        tenant, at=TUE_10, channel="conference_call", category="outage", subject="Review",
        requested_start=TUE_10 + dt.timedelta(days=2), requested_minutes=60,
    )
    with pytest.raises(TransitionError):
        services.escalation_acknowledge(actor=manager, escalation=item, now=TUE_10)
    with pytest.raises(TransitionError):
        services.escalation_respond(actor=manager, escalation=item, comment="Spoke on the phone", now=TUE_10)
