"""Words kept in data read in the reader's language: role names and descriptions, the response
guidelines' wording and the handoff checklist are seeded in the three languages, shown in the
reader's, edited per language in the back office, and English where a translation is missing."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from accountteam.data_words import WORDS, translate
from demo.teams import ROLES
from escalations.models import ResponsePolicy
from escalations.policies import GUIDELINES
from handoffs.checklist import TEMPLATE
from handoffs.models import ChecklistTemplateItem
from service.catalogue import ACTIVITIES
from teams.models import Role
from tests.clients import api_as, signed_in
from tests.teams.factories import RoleFactory

pytestmark = pytest.mark.django_db

SEEDED = sorted(
    {text for _code, name, _team, aka, _several, description in ROLES for text in (name, aka, description) if text}
    | {words for *_scope, words in GUIDELINES}
    | {text for _code, title, description, *_rest in TEMPLATE for text in (title, description)}
    | {name for _code, _group, name in ACTIVITIES}
)


@pytest.mark.parametrize("english", SEEDED)
def test_every_seeded_word_has_its_spanish_and_portuguese(english):
    assert set(WORDS.get(english, {})) == {"es", "pt-br"}, f"{english!r} is not translated"
    assert all(WORDS[english].values())


def test_no_translation_is_kept_for_words_the_portal_no_longer_seeds():
    assert set(WORDS) <= set(SEEDED)


def test_the_migrations_give_the_carriers_guidelines_and_checklist_their_translations():
    voicemail = ResponsePolicy.objects.get(company=None, channel="voicemail", availability="in_office")
    network = ChecklistTemplateItem.objects.get(code="network")

    assert voicemail.description_en == "Voicemail: returned within 4 business hours."
    assert voicemail.description_es == "Correo de voz: le devolvemos la llamada dentro de 4 horas hábiles."
    assert network.title_pt_br == "Rede revisada"


def test_a_row_whose_english_was_rewritten_keeps_its_own_words_untranslated():
    role = RoleFactory(code="service-manager", name="Service Manager")
    role.description_en = "Our own description of the role."
    rewritten = RoleFactory(code="duty-manager", name="Duty Manager")

    translate(role, ["name", "description"])
    translate(rewritten, ["name"])

    assert role.name_es == "Gerente de servicio" and role.description_es is None
    assert rewritten.name_pt_br == "Gerente de plantão"


def test_the_customer_reads_role_and_guideline_in_their_language_and_english_where_none(tenant):
    role = tenant.assignment.role
    role.name_es, role.description_es = "Gerente de servicio", "Pedidos, agilizaciones y escalamientos."
    role.description_en = "Orders, expedites and escalations."
    role.save()
    client = signed_in(tenant.user)

    client.post("/language/", {"language": "es"})
    spanish = client.get("/").content.decode()
    client.post("/language/", {"language": "pt-br"})
    portuguese = client.get("/").content.decode()

    assert "Gerente de servicio" in spanish and "Pedidos, agilizaciones y escalamientos." in spanish
    assert f"<td>{escape(WORDS[GUIDELINES[2][-1]]['es'])}</td>" in spanish
    # No Portuguese name was written for this role: Portuguese readers see the English one.
    assert "Service Manager" in portuguese and "Orders, expedites and escalations." in portuguese
    assert f"<td>{escape(WORDS[GUIDELINES[2][-1]]['pt-br'])}</td>" in portuguese


def test_the_api_gives_role_words_in_the_requested_language(tenant):
    tenant.assignment.role.name_es = "Gerente de servicio"
    tenant.assignment.role.save()

    response = api_as(tenant.user).get("/api/v1/roles/", HTTP_ACCEPT_LANGUAGE="es")

    assert response.status_code == 200
    assert [r["name"] for r in response.json()] == ["Gerente de servicio"]


def test_the_back_office_edits_each_language_of_a_role(admin_client):
    role = RoleFactory(code="duty-manager", name="Duty Manager")
    other = RoleFactory(code="service-director", name="Service Director")
    url = reverse("admin:teams_role_change", args=[role.pk])
    form = {
        "code": "duty-manager", "team": "service", "sort_order": 40,
        "name_en": "Duty Manager", "name_es": "Gerente de guardia", "name_pt_br": "",
        "also_known_as_en": "", "also_known_as_es": "", "also_known_as_pt_br": "",
        "description_en": "After-hours repair assistance.", "description_es": "",
        "description_pt_br": "Apoio em reparos fora do horário comercial.",
    }

    assert admin_client.get(url).status_code == 200
    response = admin_client.post(url, form)

    assert response.status_code == 302, response.content.decode()[:2000]
    role.refresh_from_db()
    assert (role.name_en, role.name_es) == ("Duty Manager", "Gerente de guardia")
    assert role.description_pt_br == "Apoio em reparos fora do horário comercial."
    with translation.override("pt-br"):
        assert role.name == "Duty Manager"  # left empty: the English name
    # An empty translation is stored as none, so two roles without one do not collide.
    assert admin_client.post(reverse("admin:teams_role_change", args=[other.pk]), form | {
        "code": "service-director", "name_en": "Service Director", "name_es": "",
    }).status_code == 302


def test_the_back_office_edits_each_language_of_a_guideline(admin_client):
    policy = ResponsePolicy.objects.get(company=None, channel="voicemail", availability="in_office")

    page = admin_client.get(reverse("admin:escalations_responsepolicy_change", args=[policy.pk])).content.decode()

    for column in ("description_en", "description_es", "description_pt_br"):
        assert f'name="{column}"' in page
    assert escape(policy.description_es) in page


def test_back_office_search_finds_a_role_by_a_translated_name(admin_client):
    RoleFactory(code="duty-manager", name="Duty Manager", name_es="Gerente de guardia")

    page = admin_client.get(reverse("admin:teams_role_changelist"), {"q": "guardia"}).content.decode()

    assert "duty-manager" in page or "Duty Manager" in page
    assert Role.objects.filter(name_es__icontains="guardia").count() == 1


def test_a_signed_out_reader_is_unaffected(db):
    assert Client(HTTP_ACCEPT_LANGUAGE="es").get("/auth/login/").status_code == 200


@pytest.mark.parametrize(("language", "expected"), [
    ("pt-br", "sexta-feira, 4 de dezembro · sex, 4 dez 2026"),
    ("es", "viernes 4 de diciembre · vie 4 dic 2026"),
])
def test_day_and_month_names_are_lower_case_inside_a_sentence(language, expected):
    import datetime as dt

    from accountteam.dates import local_format

    friday = dt.datetime(2026, 12, 4, 10, 0)
    with translation.override(language):
        assert f"{local_format(friday, 'l j F')} · {local_format(friday, 'D j M Y')}" == expected
