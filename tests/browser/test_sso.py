"""Single sign-on and security keys in headless Chromium: a staff member signs in through the real
test OpenID Connect provider (tests/oidc_provider/) and comes back signed in; a user registers a
security key on Chromium's virtual authenticator (WebAuthn over the DevTools protocol) and signs in
with it as their second step."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from playwright.sync_api import expect

from tests.oidc_provider.fixtures import oidc_provider  # noqa: F401  (the provider, a session fixture)
from tests.oidc_provider.harness import PASSWORD as PROVIDER_PASSWORD
from tests.oidc_provider.harness import STAFF_EMAIL, portal_settings
from tests.teams.factories import PASSWORD, PersonFactory, UserFactory


@pytest.fixture
def grace(transactional_db):
    return PersonFactory(name="Grace Hopper", email=STAFF_EMAIL, user=UserFactory(username="grace", email=STAFF_EMAIL))


def test_a_staff_member_signs_in_through_the_provider_and_lands_home(
    page, live_server, settings, oidc_provider, grace  # noqa: F811
):
    portal_settings(settings, oidc_provider)
    page.goto(f"{live_server.url}/auth/login/")

    page.get_by_role("button", name="Sign in with Carrier SSO").click()
    expect(page.get_by_role("heading", name="Test identity provider")).to_be_visible()
    page.get_by_label("Username").fill("grace")
    page.get_by_label("Password").fill(PROVIDER_PASSWORD)
    page.get_by_role("button", name="Sign in at the provider").click()

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("navigation", name="Main")).to_contain_text("Grace Hopper")
    assert SocialAccount.objects.filter(user=grace.user, provider="sso").exists()


def test_a_refused_sign_in_comes_back_to_the_portals_page_saying_why(
    page, live_server, settings, oidc_provider, grace  # noqa: F811
):
    portal_settings(settings, oidc_provider)
    page.goto(f"{live_server.url}/auth/login/")

    page.get_by_role("button", name="Sign in with Carrier SSO").click()
    page.get_by_label("Username").fill("unverified.grace")
    page.get_by_label("Password").fill(PROVIDER_PASSWORD)
    page.get_by_role("button", name="Sign in at the provider").click()

    expect(page.get_by_role("heading", name="Single sign-on refused")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("is verified")
    assert not SocialAccount.objects.exists()


def virtual_authenticator(page):
    """Chromium's virtual security key, which answers every WebAuthn ceremony of ``page``."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2", "transport": "usb", "hasResidentKey": True, "hasUserVerification": True,
                "isUserVerified": True, "automaticPresenceSimulation": True,
            }
        },
    )
    return cdp


def test_a_security_key_is_added_and_then_signs_in_as_the_second_step(page, live_server, settings, transactional_db):
    settings.MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True
    user = UserFactory(username="kim", email="kim@example.com")
    virtual_authenticator(page)
    page.goto(f"{live_server.url}/auth/login/")
    page.locator("input[name=login]").fill("kim")
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/auth/2fa/")
    page.get_by_role("button", name="Add a security key").click()
    page.get_by_label("Your password").fill(PASSWORD)  # allauth confirms it before any change to sign-in
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Add a security key")).to_be_visible()
    page.get_by_label("Name of the key").fill("Virtual key")
    page.get_by_role("button", name="Add the key").click()

    expect(page.get_by_role("heading", name="Recovery codes")).to_be_visible()
    key = Authenticator.objects.get(user=user, type=Authenticator.Type.WEBAUTHN)
    assert key.wrap().name == "Virtual key"

    page.goto(f"{live_server.url}/auth/2fa/")
    expect(page.get_by_test_id("security-keys")).to_contain_text("1 security key can sign you in")
    page.get_by_role("button", name="Manage the keys").click()
    expect(page.get_by_test_id(f"security-key-{key.pk}")).to_contain_text("Virtual key")
    page.context.clear_cookies()  # signed out
    page.goto(f"{live_server.url}/auth/login/")
    page.locator("input[name=login]").fill("kim")
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("heading", name="Two-factor sign-in")).to_be_visible()
    page.get_by_role("button", name="Use a security key instead").click()

    expect(page).to_have_url(f"{live_server.url}/")
    key.refresh_from_db()
    assert key.last_used_at is not None
