"""A handoff's notices are written in each recipient's language, whoever acts and in whatever
language the hourly reminders run: the dates, the checklist's words and the role's name too."""

import pytest
from django.utils import translation

from accountteam.dates import local_format
from accountteam.models import Notification, UserSettings
from handoffs.reminders import handoff_reminders

from .factories import EFFECTIVE, denver, start_handoff

pytestmark = pytest.mark.django_db


def started(handoff, person) -> Notification:
    return Notification.objects.get(key=f"handoff:{handoff.pk}:started:{person.pk}")


def effective_day(language: str) -> str:
    with translation.override(language):
        return local_format(EFFECTIVE, "d M Y")


def test_a_started_handoff_tells_each_person_in_their_language(tenant, director, incoming, role):
    role.name_es, role.name_pt_br = "Gerente de servicio", "Gerente de serviço"
    role.save(update_fields=["name_es", "name_pt_br"])
    UserSettings.objects.create(user=tenant.manager_user, language="es")
    UserSettings.objects.create(user=incoming.user, language="pt-br")

    with translation.override("en"):  # the director's request
        handoff = start_handoff(actor=director.user, outgoing=tenant.manager, incoming=incoming, role=role,
                                accounts=[tenant.account])

    outgoing_notice, incoming_notice = started(handoff, tenant.manager), started(handoff, incoming)
    assert outgoing_notice.subject == "Traspaso iniciado: Gerente de servicio"
    assert outgoing_notice.body.startswith(
        f"Gerente de servicio: Home Manager entrega el rol a Ivan Incoming el {effective_day('es')}."
    )
    assert incoming_notice.subject == "Transferência iniciada: Gerente de serviço"
    assert incoming_notice.body.startswith(
        f"Gerente de serviço: Home Manager passa a função para Ivan Incoming em {effective_day('pt-br')}."
    )


def test_the_hourly_reminder_lists_a_spanish_speaking_owners_items_in_spanish(handoff, tenant, clock):
    UserSettings.objects.create(user=tenant.manager_user, language="es")
    clock.move_to(denver(2026, 3, 11, 8, 0))

    with translation.override("en"):  # a worker's language
        handoff_reminders()

    reminder = Notification.objects.get(kind="handoff_reminder", recipient=tenant.manager_user)
    assert reminder.language == "es"
    assert f"- {tenant.account.number}: Calendario de reuniones entregado" in reminder.body
    assert "Meeting schedule handed over" not in reminder.body
