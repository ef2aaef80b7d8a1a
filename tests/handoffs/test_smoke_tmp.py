import datetime as dt

import pytest
from django.urls import reverse

from escalations.services import escalation_create
from teams.models import Assignment, Role
from tests.teams.factories import PersonFactory, UserFactory


@pytest.mark.django_db
def test_flow(client, tenant, eager_tasks, mailoutbox, django_capture_on_commit_callbacks):
    director = PersonFactory(name="Dir")
    director.user = UserFactory(username="dir")
    director.save()
    tenant.manager.reports_to = director
    tenant.manager.save()
    new = PersonFactory(name="New Manager")
    item = escalation_create(actor=tenant.user, account=tenant.account, channel="pager", category="repair", subject="Down")
    from dossiers.models import Contact
    Contact.objects.create(account=tenant.account, name="Cust", email="c@x.example")
    client.force_login(director.user)
    r = client.post("/api/v1/handoffs/", {"role": "service-manager", "outgoing": tenant.manager.pk, "incoming": new.pk,
                                          "effective_date": dt.date.today().isoformat()}, content_type="application/json")
    assert r.status_code == 201, r.content
    data = r.json()
    hid = data["id"]
    assert data["open_items"], data
    r = client.post(f"/api/v1/handoffs/{hid}/complete/")
    assert r.status_code == 409, r.content
    print(r.json())
    r = client.post(f"/api/v1/handoffs/{hid}/transfer/")
    assert r.json() == {"escalations": 1, "proposals": 0}
    item.refresh_from_db()
    assert item.assignee == new
    with django_capture_on_commit_callbacks(execute=True):
      r = client.post(f"/api/v1/handoffs/{hid}/introduction/", {"account": tenant.account.pk, "starts_at": "2030-01-01T10:00:00Z"}, content_type="application/json")
    assert r.status_code == 201, r.content
    assert mailoutbox and mailoutbox[-1].attachments, mailoutbox
    for acc in r.json()["accounts"]:
        for it in acc["items"]:
            if not it["is_done"]:
                rr = client.post(f"/api/v1/handoffs/{hid}/items/{it['id']}/complete/", {"note": "ok"}, content_type="application/json")
                assert rr.status_code == 200, rr.content
    page = client.get(reverse("handoff_detail", args=[hid]))
    assert page.status_code == 200
    client.force_login(tenant.user)
    assert "takes over from" in client.get(reverse("account_detail", args=[tenant.account.pk])).content.decode()
    client.force_login(director.user)
    r = client.post(f"/api/v1/handoffs/{hid}/confirm/")
    assert r.status_code == 200, r.content
    r = client.post(f"/api/v1/handoffs/{hid}/complete/")
    assert r.status_code == 200, r.content
    assert Assignment.objects.filter(account=tenant.account, person=new).exists()
    assert client.get(reverse("handoff_list")).status_code == 200
    assert client.get(reverse("handoff_start")).status_code == 200
