"""The back office for dossiers: lists and searches, edits that land in the history, and a
history that cannot be edited."""

import pytest
from django.urls import reverse

from dossiers.models import Change, Contact
from tests.dossiers.factories import (
    AmendmentFactory,
    ContactFactory,
    DossierFileFactory,
    MeetingFactory,
    ProposalFactory,
    save,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(tenant):
    ContactFactory(account=tenant.account)
    AmendmentFactory(account=tenant.account)
    MeetingFactory(account=tenant.account, people=[tenant.manager])
    ProposalFactory(account=tenant.account)
    DossierFileFactory(account=tenant.account)
    save(tenant.manager_user, tenant.account, "contacts", Contact(), name="Recorded")


@pytest.mark.parametrize(
    "model", ["accountprofile", "contact", "amendment", "meeting", "proposal", "dossierfile", "change", "calendarfeed"]
)
def test_back_office_lists_and_searches_every_dossier_model(admin_client, rows, model):
    url = reverse(f"admin:dossiers_{model}_changelist")
    assert admin_client.get(url).status_code == 200
    assert admin_client.get(url, {"q": "Home"}).status_code == 200


def test_back_office_edits_are_recorded_in_the_history(admin_client, tenant):
    response = admin_client.post(reverse("admin:dossiers_contact_add"), {
        "account": tenant.account.pk, "name": "Karen Whitlock", "role": "CTO", "email": "", "phone": "", "cell": "",
        "created_at_0": "2026-01-13", "created_at_1": "10:00:00",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    contact = Contact.objects.get(name="Karen Whitlock")
    admin_client.post(reverse("admin:dossiers_contact_change", args=[contact.pk]), {
        "account": tenant.account.pk, "name": "Karen Whitlock", "role": "CEO", "email": "", "phone": "", "cell": "",
        "created_at_0": "2026-01-13", "created_at_1": "10:00:00",
    })
    admin_client.post(reverse("admin:dossiers_contact_delete", args=[contact.pk]), {"post": "yes"})

    changes = list(Change.objects.order_by("pk").values_list("action", "changes"))
    assert [a for a, _ in changes] == ["created", "updated", "deleted"]
    assert changes[1][1] == {"role": ["CTO", "CEO"]}
    assert not Contact.objects.exists()


def test_the_history_is_read_only_in_the_back_office(admin_client, rows):
    change = Change.objects.first()
    assert admin_client.get(reverse("admin:dossiers_change_add")).status_code == 403
    delete = reverse("admin:dossiers_change_delete", args=[change.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert Change.objects.filter(pk=change.pk).exists()
