"""Single sign-on for carrier staff, against a real OpenID Connect provider (tests/oidc_provider/,
django-oauth-toolkit in a subprocess on a loopback port). The provider's part of the redirect dance
is walked with ``requests``, the portal's with the test client (the browser journey is in
tests/browser/test_sso.py)."""

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from tests.oidc_provider.fixtures import oidc_provider  # noqa: F401  (the provider, a session fixture)
from tests.oidc_provider.harness import STAFF_EMAIL, portal_settings, sign_in_without_browser
from tests.teams.factories import PASSWORD, MembershipFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def sso(settings, oidc_provider):  # noqa: F811
    portal_settings(settings, oidc_provider)
    return oidc_provider


@pytest.fixture
def grace(db):
    """A carrier staff member whose e-mail address the provider knows."""
    return PersonFactory(name="Grace Hopper", email=STAFF_EMAIL, user=UserFactory(username="grace", email=STAFF_EMAIL))


def signed_in_user(client):
    return client.get("/").wsgi_request.user


def test_the_sign_in_page_offers_the_provider_when_it_is_configured(client, sso):
    page = client.get("/auth/login/").content.decode()

    assert "Sign in with Carrier SSO" in page
    assert 'action="/auth/oidc/sso/login/?process=login"' in page


def test_the_sign_in_page_has_no_single_sign_on_without_configuration(client, db):
    assert "Sign in with" not in client.get("/auth/login/").content.decode()


def test_a_staff_members_first_sign_in_links_their_user_and_creates_none(client, sso, grace):
    users_before = User.objects.count()

    answer = sign_in_without_browser(client, "grace")

    assert answer.status_code == 302 and answer["Location"] == "/"
    assert signed_in_user(client) == grace.user
    assert User.objects.count() == users_before
    account = SocialAccount.objects.get(user=grace.user)
    assert account.provider == "sso" and account.extra_data["id_token"]["email"] == STAFF_EMAIL


def test_a_linked_staff_member_signs_in_again_through_the_link(client, sso, grace):
    sign_in_without_browser(client, "grace")
    client.post("/auth/logout/")

    answer = sign_in_without_browser(client, "grace")

    assert answer.status_code == 302
    assert signed_in_user(client) == grace.user
    assert SocialAccount.objects.filter(user=grace.user).count() == 1


def test_an_id_token_from_another_issuer_is_refused(client, sso, grace):
    answer = sign_in_without_browser(client, "wrong-issuer.grace")

    assert answer.status_code == 401
    assert "Single sign-on failed" in answer.content.decode()
    assert not signed_in_user(client).is_authenticated
    assert not SocialAccount.objects.exists()


def test_an_id_token_signed_with_a_key_the_provider_does_not_publish_is_refused(client, sso, grace):
    answer = sign_in_without_browser(client, "bad-signature.grace")

    assert answer.status_code == 401
    assert "could not be checked" in answer.content.decode()
    assert not signed_in_user(client).is_authenticated
    assert not SocialAccount.objects.exists()


def test_an_address_the_provider_does_not_call_verified_is_refused_and_says_so(client, sso, grace):
    answer = sign_in_without_browser(client, "unverified.grace")

    assert answer.status_code == 403
    page = answer.content.decode()
    assert "Single sign-on refused" in page and "is verified" in page and STAFF_EMAIL in page
    assert not signed_in_user(client).is_authenticated
    assert not SocialAccount.objects.exists()


def test_an_unknown_address_creates_no_user(client, sso, grace):
    users_before = User.objects.count()

    answer = sign_in_without_browser(client, "stranger")

    assert answer.status_code == 403
    assert "Single sign-on never creates an account" in answer.content.decode()
    assert User.objects.count() == users_before
    assert not User.objects.filter(email="nobody.here@carrier.example").exists()
    assert not SocialAccount.objects.exists()


def test_an_address_outside_the_carriers_domains_is_refused(client, sso, grace):
    answer = sign_in_without_browser(client, "outsider")

    assert answer.status_code == 403
    assert "is not one of the carrier" in answer.content.decode()
    assert not SocialAccount.objects.exists()


def test_a_customer_user_with_the_address_is_not_signed_in(client, sso):
    customer = UserFactory(username="grace.customer", email=STAFF_EMAIL)
    MembershipFactory(user=customer)

    answer = sign_in_without_browser(client, "grace")

    assert answer.status_code == 403
    assert not signed_in_user(client).is_authenticated
    assert not SocialAccount.objects.exists()


def test_a_linked_user_who_left_the_staff_is_refused(client, sso, grace):
    sign_in_without_browser(client, "grace")
    client.post("/auth/logout/")
    grace.is_active = False
    grace.save(update_fields=["is_active"])

    answer = sign_in_without_browser(client, "grace")

    assert answer.status_code == 403
    assert "no longer an active carrier staff member" in answer.content.decode()
    assert not signed_in_user(client).is_authenticated


def test_connecting_the_provider_to_a_signed_in_account_is_refused(client, sso, grace, tenant):
    client.force_login(tenant.user)  # a customer user trying to take the staff member's identity

    answer = sign_in_without_browser(client, "grace", process="connect")

    assert answer.status_code == 403
    assert "cannot be connected" in answer.content.decode()
    assert not SocialAccount.objects.exists()


# --- Passwords of staff while single sign-on is on -------------------------------------------------


@pytest.fixture
def passwords_off(settings, sso):
    settings.SSO_STAFF_PASSWORD_LOGIN = False


def test_with_staff_passwords_off_a_staff_password_is_refused_pointing_to_the_button(client, passwords_off, grace):
    answer = client.post("/auth/login/", {"login": "grace", "password": PASSWORD})

    assert answer.status_code == 200
    assert "use the “Sign in with Carrier SSO” button" in answer.content.decode()
    assert not signed_in_user(client).is_authenticated


def test_with_staff_passwords_off_the_api_refuses_a_staff_token_request(passwords_off, grace):
    answer = APIClient().post("/api/v1/auth/token/", {"username": "grace", "password": PASSWORD}, format="json")

    assert answer.status_code == 403
    assert "Sign in with Carrier SSO" in answer.json()["detail"]


def test_with_staff_passwords_off_customers_keep_their_passwords(client, passwords_off, tenant):
    answer = client.post("/auth/login/", {"login": tenant.user.username, "password": PASSWORD})

    assert answer.status_code == 302
    assert APIClient().post(
        "/api/v1/auth/token/", {"username": tenant.user.username, "password": PASSWORD}, format="json"
    ).status_code == 200


def test_with_staff_passwords_off_a_wrong_password_is_still_just_wrong(client, passwords_off, grace):
    answer = client.post("/auth/login/", {"login": "grace", "password": "not-it"})

    page = answer.content.decode()
    assert "use the “Sign in with" not in page and "password you specified are not correct" in page


def test_staff_passwords_work_while_single_sign_on_is_not_configured(client, settings, grace):
    settings.SSO_STAFF_PASSWORD_LOGIN = False

    assert client.post("/auth/login/", {"login": "grace", "password": PASSWORD}).status_code == 302


def test_with_staff_passwords_off_staff_still_sign_in_with_single_sign_on(client, passwords_off, grace):
    assert sign_in_without_browser(client, "grace").status_code == 302
    assert signed_in_user(client) == grace.user


# --- The provider's own second step ------------------------------------------------------------------


def test_a_provider_asserted_second_step_counts_only_when_trusted(client, settings, sso, grace):
    settings.MFA_REQUIRED_FOR_STAFF = True
    sign_in_without_browser(client, "mfa.grace")
    assert client.get("/").status_code == 302  # to the two-factor page: not trusted by default

    settings.SSO_TRUSTS_PROVIDER_MFA = True
    client.post("/auth/logout/")
    sign_in_without_browser(client, "mfa.grace")
    assert client.get("/").status_code == 200

    client.post("/auth/logout/")
    sign_in_without_browser(client, "grace")  # the provider asked for a password only
    assert client.get("/")["Location"] == "/auth/2fa/"
