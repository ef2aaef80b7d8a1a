"""Sign-in through django-allauth: username or email, closed sign-up, password reset, the
failed-login rate limit, two-factor pages and the login redirect."""

import re
from urllib.parse import quote

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from tests.teams.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

User = get_user_model()

LOGIN = "/auth/login/"
TOTP_ACTIVATE = "/auth/2fa/totp/activate/"
FAILED_LOGINS_ALLOWED = 5  # ACCOUNT_RATE_LIMITS["login_failed"] = "10/m/ip,5/5m/key"


@pytest.fixture
def user(db):
    return UserFactory(username="dana", email="dana@example.com")


def sign_in(client: Client, login: str, password: str = PASSWORD):
    return client.post(LOGIN, {"login": login, "password": password})


def is_signed_in(client: Client, user) -> bool:
    return client.session.get("_auth_user_id") == str(user.pk)


# --- Sign-in -------------------------------------------------------------------------------------


def test_login_page_shows_the_sign_in_form(db):
    response = Client().get(LOGIN)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="login"' in html and 'name="password"' in html


@pytest.mark.parametrize("login", ["dana", "dana@example.com", "DANA@example.com"])
def test_sign_in_with_username_or_email_redirects_home(user, login):
    client = Client()

    response = sign_in(client, login)

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert is_signed_in(client, user)
    assert client.get("/").status_code == 200


def test_sign_in_with_a_wrong_password_is_a_form_error(user):
    client = Client()

    response = sign_in(client, "dana", "not-the-password")

    assert response.status_code == 200
    assert "The username and/or password you specified are not correct." in response.content.decode()
    assert not is_signed_in(client, user)


def test_sign_in_by_email_with_a_wrong_password_is_a_form_error(user):
    client = Client()

    response = sign_in(client, "dana@example.com", "not-the-password")

    assert response.status_code == 200
    assert "The email address and/or password you specified are not correct." in (
        response.content.decode()
    )
    assert not is_signed_in(client, user)


def test_unauthenticated_home_redirects_to_the_login_page(db):
    response = Client().get("/")

    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next=/"


def test_sign_in_returns_to_the_page_asked_for(user):
    client = Client()

    response = client.post(f"{LOGIN}?next=/me/availability/", {"login": "dana", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/me/availability/"


# --- No open sign-up --------------------------------------------------------------------------


def test_signup_page_offers_no_form(db):
    response = Client().get("/auth/signup/")

    html = response.content.decode()
    assert "Sign-up is by invitation" in html
    assert 'name="password1"' not in html
    assert 'name="username"' not in html


def test_posting_to_signup_creates_no_user(db):
    response = Client().post(
        "/auth/signup/",
        {"username": "intruder", "email": "intruder@example.com",
         "password1": "Granite-Harbor-4817", "password2": "Granite-Harbor-4817"},
    )

    assert "Sign-up is by invitation" in response.content.decode()
    assert not User.objects.filter(username="intruder").exists()
    assert not User.objects.exists()
    assert mail.outbox == []


# --- Password reset ----------------------------------------------------------------------------


def test_password_reset_emails_a_reset_link_to_a_known_address(user):
    client = Client()

    response = client.post("/auth/password/reset/", {"email": "dana@example.com"})

    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["dana@example.com"]
    match = re.search(r"http://testserver(/auth/password/reset/key/\S+/)", message.body)
    assert match, message.body
    # The link leads to the form that sets a new password.
    follow = client.get(match.group(1), follow=True)
    assert follow.status_code == 200
    assert 'name="password1"' in follow.content.decode()


# --- Rate limit on failed sign-ins ---------------------------------------------------------------


def test_sixth_sign_in_after_five_failures_is_refused_even_with_the_right_password(user):
    client = Client()
    for _ in range(FAILED_LOGINS_ALLOWED):
        assert "are not correct" in sign_in(client, "dana", "wrong-guess").content.decode()

    response = sign_in(client, "dana", PASSWORD)

    # allauth 65 refuses in pre_authenticate: a form error on the login page, not a 429.
    assert response.status_code == 200
    assert "Too many failed login attempts. Try again later." in response.content.decode()
    assert not is_signed_in(client, user)


def test_fewer_failures_than_the_limit_still_allow_sign_in(user):
    client = Client()
    for _ in range(FAILED_LOGINS_ALLOWED - 1):
        sign_in(client, "dana", "wrong-guess")

    response = sign_in(client, "dana", PASSWORD)

    assert response.status_code == 302
    assert is_signed_in(client, user)


def test_failed_sign_in_limit_is_per_account(user):
    other = UserFactory(username="priya")
    for _ in range(FAILED_LOGINS_ALLOWED):
        sign_in(Client(), "dana", "wrong-guess")

    client = Client()
    response = sign_in(client, "priya", PASSWORD)

    assert response.status_code == 302
    assert is_signed_in(client, other)


# --- Two-factor sign-in -------------------------------------------------------------------------


def test_signed_in_user_can_open_the_two_factor_index(user):
    client = Client()
    assert sign_in(client, "dana").status_code == 302

    index = client.get("/auth/2fa/")

    assert index.status_code == 200
    assert TOTP_ACTIVATE in index.content.decode()


def test_totp_activation_asks_to_confirm_the_password_then_opens(user):
    # allauth 65 guards MFA changes with a fresh reauthentication, even right after sign-in.
    client = Client()
    assert sign_in(client, "dana").status_code == 302

    first = client.get(TOTP_ACTIVATE)
    assert first.status_code == 302
    assert first["Location"].startswith("/auth/reauthenticate/")

    confirmed = client.post(first["Location"], {"password": PASSWORD})
    assert confirmed.status_code == 302 and confirmed["Location"] == TOTP_ACTIVATE

    activate = client.get(TOTP_ACTIVATE)
    assert activate.status_code == 200
    html = activate.content.decode()
    assert "Set up an authenticator app" in html
    totp_url = activate.context["totp_url"]
    assert totp_url.startswith("otpauth://totp/")
    assert f"issuer={quote(settings.CARRIER_NAME)}" in totp_url
    assert activate.context["form"].secret in html
    assert 'name="code"' in html


def test_totp_activation_is_not_opened_by_a_wrong_password_confirmation(user):
    client = Client()
    sign_in(client, "dana")
    first = client.get(TOTP_ACTIVATE)

    refused = client.post(first["Location"], {"password": "not-the-password"})

    assert refused.status_code == 200
    assert client.get(TOTP_ACTIVATE).status_code == 302


def test_two_factor_pages_need_sign_in(db):
    response = Client().get("/auth/2fa/")

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
