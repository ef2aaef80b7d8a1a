"""The portal's own pages, in its layout, for errors (with DEBUG off, as in production) and for
allauth's sign-in, password-reset and two-factor pages and the invitation links that no longer work."""

import datetime as dt

import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.test import Client, RequestFactory
from django.utils import timezone
from django.views import defaults

from accountteam import api_errors
from portal import urls as portal_urls
from teams.models import Invitation
from tests.clients import signed_in
from tests.teams.factories import PASSWORD, MembershipFactory, UserFactory


def in_portal_layout(html: str) -> bool:
    """The page is templates/base.html's: the portal's header, styles and footer."""
    return 'class="portal-header"' in html and "/css/portal.css" in html and "portal-footer" in html


@pytest.fixture
def production(settings):
    settings.DEBUG = False


# --- 404, 403, 500 -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_missing_page_is_the_portals_404_page(production, tenant):
    response = signed_in(tenant.user).get("/no-such-page/")

    assert response.status_code == 404
    html = response.content.decode()
    assert in_portal_layout(html)
    assert "This page does not exist" in html
    assert 'href="/notifications/"' in html  # the signed-in navigation, as on every page


@pytest.mark.django_db
def test_a_missing_page_signed_out_is_the_404_page_too(production):
    response = Client().get("/no-such-page/")

    assert response.status_code == 404
    assert in_portal_layout(response.content.decode())


@pytest.mark.django_db
def test_a_missing_api_url_still_answers_json(production):
    response = Client().get("/api/v1/no-such-thing/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.django_db
def test_a_refused_page_is_the_portals_403_page_with_the_reason(production, tenant):
    # A customer without the right to request post-mortems: the view raises PermissionDenied.
    user = UserFactory(username="no.rights")
    MembershipFactory(user=user, company=tenant.company, can_request_postmortem=False)

    response = signed_in(user).get("/postmortems/request/")

    assert response.status_code == 403
    html = response.content.decode()
    assert in_portal_layout(html)
    assert "You may not do this" in html
    assert "Nothing was changed." in html


def test_the_500_page_renders_without_the_database_or_a_request_context(production):
    # No django_db mark: any query here fails the test.
    response = defaults.server_error(RequestFactory().get("/escalations/"))

    assert response.status_code == 500
    html = response.content.decode()
    assert in_portal_layout(html)
    assert "Something went wrong on our side" in html


def test_the_portals_500_handler_names_the_carriers_numbers_without_the_database(production, settings):
    assert portal_urls.handler500 == "accountteam.api_errors.server_error"

    response = api_errors.server_error(RequestFactory().get("/escalations/"))

    assert response.status_code == 500
    html = response.content.decode()
    assert in_portal_layout(html)
    assert settings.CARRIER_SUPPORT_PHONE in html
    assert settings.CARRIER_NAME in html


def test_the_500_handler_answers_json_under_the_api(production):
    response = api_errors.server_error(RequestFactory().get("/api/v1/escalations/"))

    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.django_db
def test_an_expired_form_is_the_portals_csrf_page(production, tenant):
    client = Client(enforce_csrf_checks=True)
    client.force_login(tenant.user)

    response = client.post("/notifications/read/")

    assert response.status_code == 403
    html = response.content.decode()
    assert in_portal_layout(html)
    assert "The form has expired" in html


# --- allauth's pages ---------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "heading"),
    [
        ("/auth/login/", "Sign in"),
        ("/auth/password/reset/", "Reset your password"),
        ("/auth/password/reset/done/", "Check your e-mail"),
        ("/auth/password/reset/key/1-not-a-token/", "This link can no longer be used"),
        ("/auth/password/reset/key/done/", "Your password is changed"),
        ("/auth/signup/", "Sign-up is by invitation"),
    ],
)
def test_signed_out_pages_are_in_the_portal_layout(production, url, heading):
    response = Client().get(url, follow=True)

    assert response.status_code == 200
    html = response.content.decode()
    assert in_portal_layout(html)
    assert '<article class="narrow">' in html
    assert f"<h1>{heading}</h1>" in html


@pytest.mark.django_db
def test_a_password_reset_error_is_shown_beside_the_field(production):
    response = Client().post("/auth/password/reset/", {"email": "not an address"})

    html = response.content.decode()
    assert in_portal_layout(html)
    assert 'data-testid="error-email"' in html


@pytest.mark.django_db
def test_the_two_factor_pages_are_in_the_portal_layout(production, tenant):
    client = signed_in(tenant.user)

    index = client.get("/auth/2fa/")

    assert index.status_code == 200
    html = index.content.decode()
    assert in_portal_layout(html)
    assert 'href="/notifications/"' in html  # the portal's navigation
    assert "<h1>Two-factor sign-in</h1>" in html
    assert 'href="/auth/2fa/totp/activate/"' in html


@pytest.mark.django_db
def test_setting_up_the_authenticator_app_is_in_the_portal_layout(production, tenant):
    client = Client()
    client.post("/auth/login/", {"login": tenant.user.username, "password": PASSWORD})
    confirm = client.get("/auth/2fa/totp/activate/")
    confirm_page = client.get(confirm["Location"]).content.decode()
    assert in_portal_layout(confirm_page) and "<h1>Confirm it is you</h1>" in confirm_page
    client.post(confirm["Location"], {"password": PASSWORD})

    page = client.get("/auth/2fa/totp/activate/")
    wrong = client.post("/auth/2fa/totp/activate/", {"code": "12"})

    html = page.content.decode()
    assert in_portal_layout(html)
    assert "<h1>Set up an authenticator app</h1>" in html
    assert page.context["form"].secret in html
    assert 'data-testid="error-code"' in wrong.content.decode()


@pytest.mark.django_db
def test_the_second_step_of_sign_in_is_in_the_portal_layout(production, tenant):
    TOTP.activate(tenant.user, generate_totp_secret())
    RecoveryCodes.activate(tenant.user)
    client = Client()

    first = client.post("/auth/login/", {"login": tenant.user.username, "password": PASSWORD})
    page = client.get(first["Location"])

    assert first["Location"].startswith("/auth/2fa/authenticate/")
    html = page.content.decode()
    assert in_portal_layout(html)
    assert "<h1>Two-factor sign-in</h1>" in html
    assert 'name="code"' in html


@pytest.mark.django_db
def test_recovery_codes_page_is_in_the_portal_layout(production, tenant):
    TOTP.activate(tenant.user, generate_totp_secret())
    RecoveryCodes.activate(tenant.user)
    client = signed_in(tenant.user)
    confirm = client.get("/auth/2fa/recovery-codes/")
    client.post(confirm["Location"], {"password": PASSWORD})

    response = client.get("/auth/2fa/recovery-codes/")

    assert response.status_code == 200
    html = response.content.decode()
    assert in_portal_layout(html)
    assert "<h1>Recovery codes</h1>" in html
    assert response.context["unused_codes"][0] in html


# --- Invitations that no longer work ---------------------------------------------------------------


@pytest.mark.django_db
def test_an_used_invitation_is_a_styled_page_saying_so(production, tenant):
    invitation = Invitation.objects.create(
        company=tenant.company, email="new@example.com", invited_by=tenant.user,
        expires_at=timezone.now() + dt.timedelta(days=7), accepted_at=timezone.now(),
    )

    response = Client().get(f"/invitations/{invitation.token}/")

    assert response.status_code == 410
    html = response.content.decode()
    assert in_portal_layout(html)
    assert "This invitation can no longer be used" in html
    assert "already used" in html


@pytest.mark.django_db
def test_an_unknown_invitation_link_is_a_styled_404(production):
    response = Client().get("/invitations/not-a-token/")

    assert response.status_code == 404
    html = response.content.decode()
    assert in_portal_layout(html)
    assert "This invitation link is not known" in html
