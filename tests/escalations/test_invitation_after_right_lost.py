"""A call's invitation goes to its raiser only while they may still see the item: not after they
lost the escalation right, left the company or were deactivated (as ``customer_notices.followers``)."""

import datetime as dt

import pytest

from dossiers.ical import attendees
from dossiers.models import Meeting
from escalations import scheduling
from tests.conftest import clock_at
from tests.escalations.factories import denver, raise_item

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clean_slate")]

TUE_10 = denver(2026, 1, 13, 10, 0)
THU_10 = denver(2026, 1, 15, 10, 0)
clock = clock_at(TUE_10, autouse=True)


@pytest.fixture
def call(tenant):
    tenant.user.email = "hana@home.example"
    tenant.user.save()
    return raise_item(
        tenant,
        at=TUE_10,
        channel="conference_call",
        category="outage",
        subject="Outage review",
        requested_start=THU_10,
        requested_minutes=60,
    )


@pytest.mark.parametrize("how", ["right_removed", "membership_removed", "deactivated"])
def test_a_raiser_who_lost_access_is_not_emailed_the_invitation(tenant, call, manager, how):
    if how == "right_removed":
        tenant.membership.can_escalate = False
        tenant.membership.save()
    elif how == "membership_removed":
        tenant.membership.delete()
    else:
        tenant.user.is_active = False
        tenant.user.save()

    scheduling.escalation_schedule(
        actor=manager,
        escalation=call,
        starts_at=THU_10,
        duration_minutes=60,
        location="Bridge 555-0100, code 4471",
        now=TUE_10 + dt.timedelta(minutes=5),
    )

    meeting = Meeting.objects.get()
    assert "hana@home.example" not in [email for _name, email in attendees(meeting)]
