import datetime as dt
import io

import pypdf
import pytest
from django.utils import timezone

from postmortems import services
from postmortems.pdf import version_pdf


@pytest.mark.django_db
def test_flow(tenant):
    now = timezone.now()
    pm = services.postmortem_request(actor=tenant.user, account=tenant.account, ticket_number="TT-1", circuit_id="CKT 1",
                                     event_start=now - dt.timedelta(hours=12), event_end=now - dt.timedelta(hours=2), impact="Down")
    assert not pm.below_threshold
    pm = services.postmortem_accept(actor=tenant.manager_user, postmortem=pm, complexity="medium")
    assert pm.due_on
    services.postmortem_note_add(actor=tenant.manager_user, postmortem=pm, at=now - dt.timedelta(hours=11), source="noc", text="Alarm")
    services.postmortem_analysis_update(actor=tenant.manager_user, postmortem=pm, summary="S", root_cause="Fiber cut by backhoe", restoration="Spliced")
    services.preventive_action_add(actor=tenant.manager_user, postmortem=pm, description="Mark route", owner=tenant.manager, due_on=dt.date.today())
    v = services.postmortem_publish(actor=tenant.manager_user, postmortem=pm)
    pdf = version_pdf(v)
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert "Fiber cut by backhoe" in text
    print(text[:500])
    pm.tracking.refresh_from_db()
    assert pm.tracking.status == "resolved"
