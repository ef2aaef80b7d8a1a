"""The language a person reads and the zone they read times in: the browser's for anonymous
pages, the footer's switch, the user's setting once signed in (taken from the browser at the first
sign-in), the company's default for invited users, the recipient's for e-mails; and the offer of
the browser's time zone to a user who never chose one."""

import pytest
from django.core import mail
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from accountteam import notifications
from accountteam.emailing import send_emails
from accountteam.models import Notification, UserSettings
from demo.teams import DEMO_PASSWORD
from teams import services as team_services
from tests.clients import signed_in
from tests.teams.factories import UserFactory

pytestmark = pytest.mark.django_db


def words(language: str, message: str) -> str:
    """``message`` as ``language`` says it; a test of a translation must not pass on English."""
    with translation.override(language):
        said = gettext(message)
    assert said != message, f"{message!r} has no {language} translation"
    return said


def sign_in(username, password=DEMO_PASSWORD, **headers):
    client = Client(**headers)
    response = client.post("/auth/login/", {"login": username, "password": password})
    assert response.status_code == 302, response.content[:400]
    return client


@pytest.fixture
def person(db):
    user = UserFactory(username="lucia.p")
    user.set_password(DEMO_PASSWORD)
    user.save()
    return user


def test_an_anonymous_page_speaks_the_browsers_language():
    page = Client(HTTP_ACCEPT_LANGUAGE="es-AR,es;q=0.9").get("/auth/login/")

    html = page.content.decode()
    assert page["Content-Language"] == "es"
    assert '<html lang="es"' in html
    assert words("es", "Sign in") in html


def test_the_footer_switch_keeps_the_choice_in_a_cookie_and_goes_back():
    browser = Client(HTTP_ACCEPT_LANGUAGE="en")

    response = browser.post("/language/", {"language": "pt-br", "next": "/auth/login/"})

    assert response.status_code == 302 and response["Location"] == "/auth/login/"
    assert browser.cookies["portal_language"].value == "pt-br"
    assert '<html lang="pt-br"' in browser.get("/auth/login/").content.decode()


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/x", ""])
def test_the_switch_never_sends_the_reader_elsewhere(next_url):
    response = Client().post("/language/", {"language": "es", "next": next_url})

    assert response["Location"] == "/"


def test_an_unknown_language_changes_nothing():
    browser = Client()

    response = browser.post("/language/", {"language": "fr", "next": "/auth/login/"})

    assert response.status_code == 302 and "portal_language" not in browser.cookies


def test_a_first_sign_in_takes_the_browsers_language_as_the_users_setting(person):
    browser = sign_in("lucia.p", HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9")

    assert UserSettings.objects.get(user=person).language == "es"
    # ... which then holds whatever the browser says.
    browser.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert '<html lang="es"' in browser.get("/me/settings/").content.decode()


def test_an_english_browser_stores_nothing(person):
    sign_in("lucia.p", HTTP_ACCEPT_LANGUAGE="en-US")

    assert not UserSettings.objects.filter(user=person).exists()


def test_a_signed_in_users_switch_is_their_setting(person):
    browser = signed_in(person)

    browser.post("/language/", {"language": "pt-br", "next": "/me/settings/"})

    assert UserSettings.objects.get(user=person).language == "pt-br"
    assert '<html lang="pt-br"' in sign_in("lucia.p", HTTP_ACCEPT_LANGUAGE="es").get("/").content.decode()


def test_the_settings_page_saves_the_language_and_a_city_as_the_zone(person):
    browser = signed_in(person)

    response = browser.post("/me/settings/", {"language": "es", "time_zone": "Buenos Aires", "notify_in_app": "on"})

    assert response.status_code == 302
    prefs = UserSettings.objects.get(user=person)
    assert (prefs.language, prefs.time_zone) == ("es", "America/Argentina/Buenos_Aires")
    page = browser.get("/me/settings/").content.decode()
    assert '<html lang="es"' in page
    # The picker lists the zones by city, in the reader's language.
    assert 'value="Ciudad de México (México) · America/Mexico_City"' in page
    assert 'value="Buenos Aires (Argentina) · America/Argentina/Buenos_Aires"' in page


def test_the_api_speaks_the_accept_language_of_the_request(person):
    from rest_framework.test import APIClient

    client = APIClient(HTTP_ACCEPT_LANGUAGE="pt-BR")
    client.force_authenticate(person)

    response = client.patch("/api/v1/me/settings/", {"time_zone": "Mars/Base"}, format="json")

    assert response.status_code == 400
    assert response["Content-Language"] == "pt-br"
    with translation.override("pt-br"):
        expected = gettext(
            "%(value)s is not a time zone. Type a city, such as Buenos Aires, and pick it from the list.")
    assert response.json() == {"time_zone": [expected % {"value": "'Mars/Base'"}]}


def test_an_invited_user_starts_in_the_companys_language(tenant, mailoutbox):
    tenant.company.default_language = "es"
    tenant.company.save(update_fields=["default_language"])

    invitation = team_services.invitation_create(
        actor=tenant.user, company=tenant.company, email="nueva@home.example", permissions={"can_view_team": True},
        accept_url_builder=lambda token: f"https://portal.example/invitations/{token}/",
    )
    membership = team_services.invitation_accept(invitation=invitation, username="nueva",
                                                 password="Una-clave-larga-42")

    assert UserSettings.objects.get(user=membership.user).language == "es"
    assert Notification.objects.get(kind="invitation").subject == words(
        "es", "You are invited to the Account Team Portal")


def test_the_email_around_a_notice_is_written_in_the_recipients_language(person, mailoutbox):
    UserSettings.objects.create(user=person, language="pt-br")
    notifications.record([notifications.Notice.to_user(
        person, key="test:1", kind="test", subject="#1 Recebido", body="Olá", url="/escalations/1/")])
    row = Notification.objects.get(key="test:1")

    send_emails([row.pk])

    assert row.language == "pt-br"
    (message,) = mail.outbox
    assert message.extra_headers["Content-Language"] == "pt-br"
    html = message.alternatives[0][0]
    assert '<html lang="pt-br"' in html


def test_a_user_without_a_zone_is_offered_the_browsers_and_their_answer_is_kept(person):
    browser = sign_in("lucia.p")

    page = browser.get("/me/settings/").content.decode()
    assert "data-zone-offer" in page

    response = browser.post("/me/settings/time-zone/", {
        "choice": "browser", "time_zone": "America/Argentina/Buenos_Aires", "next": "/me/settings/"})

    assert response.status_code == 302 and response["Location"] == "/me/settings/"
    assert UserSettings.objects.get(user=person).time_zone == "America/Argentina/Buenos_Aires"
    assert browser.session["time_zone"] == "America/Argentina/Buenos_Aires"
    assert "data-zone-offer" not in browser.get("/me/settings/").content.decode()


def test_keeping_the_zone_shown_makes_it_the_setting(person, settings):
    browser = sign_in("lucia.p")

    browser.post("/me/settings/time-zone/", {"choice": "keep", "next": "/"})

    assert UserSettings.objects.get(user=person).time_zone == settings.TIME_ZONE


def test_a_zone_the_portal_does_not_know_is_refused_with_a_message(person):
    browser = sign_in("lucia.p")

    response = browser.post("/me/settings/time-zone/", {"choice": "browser", "time_zone": "Mars/Base", "next": "/"},
                            follow=True)

    assert "is not a time zone" in response.content.decode()
    assert not UserSettings.objects.filter(user=person).exclude(time_zone="").exists()


def test_the_scripts_words_are_served_in_the_readers_language():
    import json

    import polib
    from django.conf import settings

    po = polib.pofile(str(settings.BASE_DIR / "locale" / "es" / "LC_MESSAGES" / "djangojs.po"))
    spanish = po.find("Use %(zone)s time").msgstr

    catalog = Client(HTTP_ACCEPT_LANGUAGE="es").get("/jsi18n/").content.decode()

    assert spanish and spanish != "Use %(zone)s time"
    assert json.dumps(spanish)[1:-1] in catalog
