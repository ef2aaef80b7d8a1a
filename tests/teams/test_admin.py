import datetime as dt

import pytest
from django.urls import reverse

from tests.teams.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "model", ["company", "account", "membership", "invitation", "businesscalendar", "role", "person",
              "assignment"],
)
def test_back_office_lists_and_searches_every_model(admin_client, tenant, model):
    url = reverse(f"admin:teams_{model}_changelist")
    assert admin_client.get(url).status_code == 200
    assert admin_client.get(url, {"q": "Home"}).status_code == 200


def test_back_office_refuses_a_second_holder_of_a_single_holder_role(admin_client, tenant):
    other = PersonFactory(name="Second Manager")
    response = admin_client.post(reverse("admin:teams_assignment_add"), {
        "account": tenant.account.pk, "role": tenant.assignment.role.pk, "person": other.pk,
        "start_date": "2025-06-01", "end_date": "", "note": "",
    })
    assert response.status_code == 200
    assert "end that assignment first" in response.content.decode()
    assert tenant.account.assignments.count() == 1


def test_back_office_can_end_an_assignment(admin_client, tenant):
    a = tenant.assignment
    response = admin_client.post(reverse("admin:teams_assignment_change", args=[a.pk]), {
        "account": a.account.pk, "role": a.role.pk, "person": a.person.pk,
        "start_date": a.start_date.isoformat(), "end_date": "2025-12-31", "note": "left",
    })
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.end_date == dt.date(2025, 12, 31)
