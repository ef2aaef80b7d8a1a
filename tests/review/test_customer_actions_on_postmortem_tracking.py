"""customer_actions offers the customer's cancel (and reopen) on any item they raised, including a
post-mortem's tracking item, which is raised through the post-mortem workflow (``RAISED_ELSEWHERE``)
and whose state the post-mortem services drive. Cancelling it stops the post-mortem's clock (no more
reminders, nothing overdue) while the post-mortem stays requested, and its manager is not told about
the post-mortem."""

import pytest

from escalations import customer_actions
from escalations.models import Escalation
from postmortems.models import PostMortem
from tests.conftest import clock_at
from tests.postmortems.factories import NOW, request_postmortem

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clean_slate")]
clock = clock_at(NOW, autouse=True)


def test_the_customer_cannot_cancel_a_postmortems_tracking_item_behind_the_postmortems_back(tenant):
    pm = request_postmortem(tenant)
    options = customer_actions.customer_options(user=tenant.user, escalation=pm.tracking, now=NOW)
    refused = not options.cancel
    if not refused:
        try:
            customer_actions.escalation_customer_cancel(
                actor=tenant.user, escalation=pm.tracking, reason="Raised by mistake", now=NOW
            )
        except Exception:  # noqa: BLE001 - any refusal will do
            refused = True
    tracking = Escalation.objects.get(pk=pm.tracking_id)
    pm = PostMortem.objects.get(pk=pm.pk)
    assert refused, (
        f"tracking item is now {tracking.status} (next deadline {tracking.next_deadline_at}) "
        f"while the post-mortem is {pm.status}"
    )
