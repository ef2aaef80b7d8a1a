"""The back office reads in labels, never in the codes stored underneath: a response policy's
category and availability, a dossier change's part, a notice's kind."""

import re

import pytest
from django.urls import reverse

from accountteam.models import Notification
from dossiers.models import Change, Contact
from escalations.models import ResponsePolicy
from tests.dossiers.factories import save

pytestmark = pytest.mark.django_db

CODE = re.compile(r"\b(in_office|out_of_office|team_change|customer_reply)\b")


def cells(html: str) -> str:
    """The text of the change list's table (the filters' links carry codes in their query strings)."""
    table = html.split('id="result_list"', 1)[1].split("</table>", 1)[0]
    return re.sub(r"<[^>]+>", " ", table)


def test_a_response_policy_names_its_category_and_availability_in_words():
    policy = ResponsePolicy(channel="pager", category="repair", availability="in_office", due_value=30)
    either = ResponsePolicy(channel="", category="", availability="", due_value=30)

    assert str(policy) == "Carrier: Pager, Maintenance and repair escalation, in office"
    assert str(either) == "Carrier: any channel, any category, in office or not"


def test_the_response_policy_list_shows_labels_not_codes(admin_client):
    ResponsePolicy.objects.get_or_create(
        company=None, channel="voicemail", category="billing", availability="out_of_office",
        defaults={"due_value": 4, "unit": "hours", "description": "Billing voicemail after hours"},
    )

    html = admin_client.get(reverse("admin:escalations_responsepolicy_changelist")).content.decode()

    table = cells(html)
    assert "out of office" in table.lower()
    assert not CODE.search(table)


def test_the_dossier_history_names_its_parts(admin_client, tenant):
    save(tenant.manager_user, tenant.account, "contacts", Contact(), name="Recorded")
    change = Change.objects.get()

    html = admin_client.get(reverse("admin:dossiers_change_changelist")).content.decode()

    assert "Contact" in cells(html)
    assert ">contacts<" not in html.split('id="result_list"', 1)[1].split("</table>", 1)[0]
    assert str(change) == "Added contact “Recorded”"
    filtered = admin_client.get(reverse("admin:dossiers_change_changelist"), {"part": "contacts"})
    assert filtered.status_code == 200 and "Recorded" in cells(filtered.content.decode())
    assert "Corporate profile" in html  # the part filter lists the parts by name


def test_the_notice_list_names_the_kinds(admin_client, tenant):
    Notification.objects.create(key="k1", kind="team_change", recipient=tenant.user, subject="Your new manager",
                                body="…", url="/")

    html = admin_client.get(reverse("admin:accountteam_notification_changelist")).content.decode()

    assert "Team change" in cells(html)
    assert not CODE.search(cells(html))
    filtered = admin_client.get(reverse("admin:accountteam_notification_changelist"), {"kind": "team_change"})
    assert filtered.status_code == 200 and "Your new manager" in cells(filtered.content.decode())
