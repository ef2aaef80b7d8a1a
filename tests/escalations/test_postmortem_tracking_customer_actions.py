"""A post-mortem's tracking item follows its post-mortem: the customer cannot cancel or reopen it
behind the post-mortem's back (the post-mortem's own page and services drive it)."""

import pytest
from django.core.exceptions import PermissionDenied

from escalations import customer_actions
from escalations.models import Escalation
from postmortems.models import PostMortem
from tests.conftest import clock_at
from tests.postmortems.factories import NOW, request_postmortem

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clean_slate")]
clock = clock_at(NOW, autouse=True)


def test_the_customer_cannot_cancel_or_reopen_a_postmortems_tracking_item(tenant):
    pm = request_postmortem(tenant)
    options = customer_actions.customer_options(user=tenant.user, escalation=pm.tracking, now=NOW)
    assert not options.cancel and not options.reopen
    with pytest.raises(PermissionDenied, match="post-mortem"):
        customer_actions.escalation_customer_cancel(
            actor=tenant.user, escalation=pm.tracking, reason="Raised by mistake", now=NOW
        )
    assert Escalation.objects.get(pk=pm.tracking_id).status == "new"
    assert PostMortem.objects.get(pk=pm.pk).status == "requested"
