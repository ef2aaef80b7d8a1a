"""A post-mortem's notices are written in each recipient's language, not the manager's who acts:
the director's request to review it, the customer's word that it was accepted (with its due
date written their way) and the owner's reminder of a preventive action."""

import datetime as dt

import pytest
from django.utils import translation

from accountteam.dates import local_format
from accountteam.models import Notification, UserSettings
from postmortems import services

from .factories import accepted_postmortem, published_postmortem, ready_postmortem

pytestmark = pytest.mark.django_db


def test_the_director_is_asked_to_review_in_their_language(tenant, director, clock):
    UserSettings.objects.create(user=tenant.manager_user, language="pt-br")
    UserSettings.objects.create(user=director.user, language="es")
    pm = ready_postmortem(tenant)

    with translation.override("pt-br"):  # the manager's request
        services.postmortem_submit_for_review(actor=tenant.manager_user, postmortem=pm)

    notice = Notification.objects.get(key__startswith=f"postmortem:{pm.pk}:review:")
    assert notice.subject == "Post mortem por revisar: ticket TT-4471"
    assert notice.body.startswith(
        f"Home Telecom, cuenta {tenant.account.number}: ticket TT-4471, DS3 101/T3/DNVR-BLDR\n"
    )
    assert notice.language == "es"


def test_the_customer_reads_the_acceptance_and_its_due_date_in_their_language(tenant, clock):
    UserSettings.objects.create(user=tenant.manager_user, language="es")
    UserSettings.objects.create(user=tenant.user, language="pt-br")

    with translation.override("es"):
        pm = accepted_postmortem(tenant)

    notice = Notification.objects.get(key=f"postmortem:{pm.pk}:accepted:u{tenant.user.pk}")
    assert notice.subject == "Post-mortem aceito: chamado TT-4471"
    due = {}
    for language in ("pt-br", "es", "en"):
        with translation.override(language):
            due[language] = local_format(dt.date(2026, 1, 21), "l d F Y")
    assert due["pt-br"] in notice.body
    assert due["es"] not in notice.body and due["en"] not in notice.body
    assert f"conta {tenant.account.number}: chamado TT-4471" in notice.body


def test_a_preventive_actions_reminder_is_in_its_owners_language(tenant, clock):
    UserSettings.objects.create(user=tenant.manager_user, language="es")
    published_postmortem(tenant, action_due=dt.date(2026, 1, 14))  # due tomorrow

    with translation.override("en"):  # a worker's language
        assert services.preventive_action_reminders() == 1

    notice = Notification.objects.get(kind="preventive_action")
    assert notice.language == "es"
    with translation.override("es"):
        day = local_format(dt.date(2026, 1, 14), "d M")
    assert notice.subject == f"Acción preventiva vence el {day}: ticket TT-4471"
