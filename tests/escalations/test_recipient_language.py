"""Every notice of an item is written in its recipient's language: a Spanish-speaking service
manager's reply reaches an English customer in English and a Brazilian one in Portuguese; the
sweep, which runs in English, reminds a Spanish-speaking manager in Spanish and tells a
Portuguese-speaking director in Portuguese; a Spanish-speaking customer's escalation reaches an
English director in English. Dates and times are written the reader's way.

Items are raised as the customer on Wed 11 Jun 2025 10:00 in Denver (MDT, UTC−6): the pager
guideline's target is 10:15, its due time 10:30, the automatic escalation 11:00.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone, translation

from accountteam.models import Notification, UserSettings
from escalations import customer_actions, rules, services
from escalations.models import Follow
from escalations.sweep import escalations_sweep
from tests.conftest import clock_at
from tests.escalations.factories import raise_item
from tests.teams.factories import MembershipFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clean_slate")]

DENVER = ZoneInfo("America/Denver")
RAISED = dt.datetime(2025, 6, 11, 10, 0, tzinfo=DENVER)
MINUTE = dt.timedelta(minutes=1)
TARGET, DUE, ESCALATE = RAISED + 15 * MINUTE, RAISED + 30 * MINUTE, RAISED + 60 * MINUTE

clock = clock_at(RAISED, autouse=True)


def speaks(user, language: str) -> None:
    UserSettings.objects.create(user=user, language=language)


def notice(user, kind: str) -> Notification:
    return Notification.objects.get(recipient=user, kind=kind)


def short_time(instant: dt.datetime, language: str) -> str:
    """``instant`` on the Denver office's clock as ``language`` writes it in a staff notice."""
    with translation.override(language):
        return rules.short_time_words(timezone.localtime(instant, DENVER))


@pytest.fixture
def item(tenant):
    return raise_item(tenant, at=RAISED, subject="Circuit 12345 down")


@pytest.fixture
def brazilian(tenant, item):
    """A user of the home company who reads Portuguese and follows the item."""
    user = UserFactory(username="home.brasil")
    MembershipFactory(user=user, company=tenant.company)
    speaks(user, "pt-br")
    Follow.objects.create(escalation=item, user=user, following=True)
    return user


def test_a_spanish_speaking_managers_reply_reaches_each_customer_in_their_own_language(tenant, item, brazilian):
    speaks(tenant.manager_user, "es")
    account = tenant.account.number

    with translation.override("es"):  # the manager's request
        services.escalation_comment(
            actor=tenant.manager_user, escalation=item, comment="The card is swapped.", now=RAISED + 5 * MINUTE
        )

    english, portuguese = notice(tenant.user, "customer_reply"), notice(brazilian, "customer_reply")
    assert english.subject == f"#{item.pk} A comment from your team"
    assert english.body == (
        f"“Circuit 12345 down” (account {account})\nHome Manager wrote:\n\nThe card is swapped."
    )
    assert english.language == "en"
    assert portuguese.subject == f"#{item.pk} Um comentário da sua equipe"
    assert portuguese.body == (
        f"“Circuit 12345 down” (conta {account})\nHome Manager escreveu:\n\nThe card is swapped."
    )
    assert portuguese.language == "pt-br"


def test_a_recorded_response_is_also_in_each_customers_language(tenant, item, brazilian):
    speaks(tenant.manager_user, "es")

    with translation.override("es"):
        services.escalation_respond(actor=tenant.manager_user, escalation=item, now=RAISED + 5 * MINUTE)

    assert notice(tenant.user, "customer_reply").subject == f"#{item.pk} A reply from your team"
    assert "Home Manager replied." in notice(tenant.user, "customer_reply").body
    assert notice(brazilian, "customer_reply").subject == f"#{item.pk} Uma resposta da sua equipe"
    assert "Home Manager respondeu." in notice(brazilian, "customer_reply").body


def test_the_sweep_reminds_a_spanish_speaking_manager_in_spanish_while_it_runs_in_english(tenant, director, item):
    speaks(tenant.manager_user, "es")
    speaks(director.user, "pt-br")

    with translation.override("en"):  # a worker's language
        escalations_sweep(now=TARGET)
        escalations_sweep(now=DUE)

    reminder = notice(tenant.manager_user, "reminder")
    assert reminder.subject == "Recordatorio: Circuit 12345 down"
    when = short_time(TARGET, "es")
    assert when != short_time(TARGET, "en")  # the weekday and month in Spanish
    assert f"El plazo objetivo de respuesta era el {when}; sigue sin respuesta." in reminder.body
    assert f"cuenta {tenant.account.number}" in reminder.body  # the head of the notice, too
    assert notice(tenant.manager_user, "overdue").subject == "Vencido: Circuit 12345 down"
    to_director = notice(director.user, "overdue")
    assert to_director.subject == "Atrasado: Circuit 12345 down"
    assert short_time(DUE, "pt-br") in to_director.body
    assert to_director.language == "pt-br"


def test_the_automatic_escalation_tells_a_portuguese_speaking_director_why_in_portuguese(tenant, director, item):
    speaks(director.user, "pt-br")

    with translation.override("en"):
        for at in (TARGET, DUE, ESCALATE):
            escalations_sweep(now=at)

    escalated = notice(director.user, "escalated")
    assert escalated.subject == "Escalonado para você: Circuit 12345 down"
    assert "Escalonado automaticamente: Sem resposta após o prazo e o período de tolerância." in escalated.body
    # The customer, who chose no language, reads it in English.
    assert notice(tenant.user, "customer_escalated").subject == f"#{item.pk} Now with Home Director"


def test_a_spanish_speaking_customers_escalation_reaches_an_english_director_in_english(tenant, director, item):
    tenant.user.first_name, tenant.user.last_name = "Carla", "Ruiz"
    tenant.user.save(update_fields=["first_name", "last_name"])
    speaks(tenant.user, "es")

    with translation.override("es"):  # the customer's request
        customer_actions.escalation_customer_escalate(
            actor=tenant.user, escalation=item, reason="Nadie llamó", now=RAISED + 20 * MINUTE
        )

    escalated = notice(director.user, "escalated")
    assert escalated.subject == "Escalated to you: Circuit 12345 down"
    assert "Carla Ruiz of Home Telecom took it to the director: Nadie llamó" in escalated.body
    assert "It was with Home Manager." in escalated.body
