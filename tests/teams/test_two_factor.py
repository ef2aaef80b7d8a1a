"""Enforced two-factor sign-in: for carrier staff (MFA_REQUIRED_FOR_STAFF), and for a company's users
when its administrator asks (Company.require_two_factor, on the users page and the API). A user who
must and has none sees only the set-up pages; the API refuses them with 403."""

import pytest
from allauth.mfa.adapter import get_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from rest_framework.test import APIClient

from accountteam.models import ApiToken
from accountteam.tokens import api_token_create
from teams.services import company_two_factor_set, invitation_accept, invitation_create
from teams.two_factor import has_two_factor, two_factor_missing, two_factor_required
from tests.clients import api_as, signed_in
from tests.teams.factories import PASSWORD, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def required(tenant):
    tenant.company.require_two_factor = True
    tenant.company.save(update_fields=["require_two_factor"])
    return tenant.company


def with_totp(user):
    TOTP.activate(user, generate_totp_secret())
    RecoveryCodes.activate(user)


def with_security_key(user):
    # What allauth stores for a registered key; its credential is not read until it signs in.
    return Authenticator.objects.create(
        user=user, type=Authenticator.Type.WEBAUTHN, data={"name": "Desk key", "credential": {}}
    )


# --- Who must -------------------------------------------------------------------------------------


def test_nobody_must_by_default(tenant):
    assert not two_factor_required(tenant.user)
    assert not two_factor_required(tenant.manager_user)


def test_a_company_that_requires_it_requires_it_of_its_users_only(required, tenant, foreign):
    assert two_factor_required(tenant.user)
    assert not two_factor_required(foreign.user)
    assert not two_factor_required(tenant.manager_user)  # the carrier's staff follow the carrier's setting


def test_the_carriers_setting_requires_it_of_every_staff_member(settings, tenant):
    settings.MFA_REQUIRED_FOR_STAFF = True

    assert two_factor_required(tenant.manager_user)
    assert not two_factor_required(tenant.user)


def test_an_authenticator_app_or_a_security_key_counts_recovery_codes_alone_do_not(required, tenant):
    assert two_factor_missing(tenant.user)
    RecoveryCodes.activate(tenant.user)
    assert two_factor_missing(tenant.user)

    with_security_key(tenant.user)

    assert has_two_factor(tenant.user)
    assert not two_factor_missing(tenant.user)


# --- The pages ------------------------------------------------------------------------------------


def test_a_user_who_must_and_has_none_is_sent_to_set_it_up(required, tenant):
    client = signed_in(tenant.user)

    assert client.get("/")["Location"] == "/auth/2fa/"
    assert client.get("/escalations/")["Location"] == "/auth/2fa/"
    page = client.get("/auth/2fa/")
    assert page.status_code == 200
    assert "must use two-factor sign-in" in page.content.decode()


def test_the_set_up_pages_sign_out_and_the_language_switch_stay_open(required, tenant):
    client = signed_in(tenant.user)

    assert client.get("/auth/2fa/totp/activate/").status_code in (200, 302)  # 302: confirm the password first
    assert not client.get("/auth/2fa/totp/activate/")["Location"].startswith("/auth/2fa/?")
    assert client.post("/language/", {"language": "es", "next": "/auth/2fa/"})["Location"] == "/auth/2fa/"
    assert client.post("/auth/logout/").status_code == 302
    assert client.get("/").status_code == 302 and client.get("/")["Location"].startswith("/auth/login/")


def test_a_security_key_set_up_lets_them_through(required, tenant):
    client = signed_in(tenant.user)
    with_security_key(tenant.user)

    assert client.get("/").status_code == 200
    assert "must use two-factor sign-in" not in client.get("/auth/2fa/").content.decode()


def test_staff_who_must_and_have_none_are_sent_to_set_it_up(settings, tenant):
    settings.MFA_REQUIRED_FOR_STAFF = True
    client = signed_in(tenant.manager_user)

    assert client.get("/queue/")["Location"] == "/auth/2fa/"
    with_totp(tenant.manager_user)
    assert client.get("/queue/").status_code == 200


def test_the_api_answers_403_saying_why_to_a_session_without_it(required, tenant):
    answer = signed_in(tenant.user).get("/api/v1/accounts/")

    assert answer.status_code == 403
    assert "Two-factor sign-in page" in answer.json()["detail"]


def test_a_staff_token_stops_working_until_two_factor_is_set_up(settings, tenant):
    settings.MFA_REQUIRED_FOR_STAFF = True
    _token, secret = api_token_create(user=tenant.manager_user, name="script")
    client = APIClient(headers={"Authorization": f"Token {secret}"})

    refused = client.get("/api/v1/accounts/")
    with_totp(tenant.manager_user)
    accepted = client.get("/api/v1/accounts/")

    assert refused.status_code == 403 and "two-factor" in refused.json()["detail"]
    assert accepted.status_code == 200


def test_requiring_it_revokes_the_tokens_of_the_companys_users_who_have_none(tenant):
    colleague = MembershipFactory(company=tenant.company).user
    with_totp(colleague)
    api_token_create(user=tenant.user, name="script")
    api_token_create(user=colleague, name="script")

    company_two_factor_set(actor=tenant.user, company=tenant.company, required=True)

    assert not ApiToken.objects.filter(user=tenant.user).exists()
    assert ApiToken.objects.filter(user=colleague).exists()


def test_joining_a_company_that_requires_it_revokes_tokens_made_without_it(tenant, foreign):
    company_two_factor_set(actor=tenant.user, company=tenant.company, required=True)
    api_token_create(user=foreign.user, name="script")
    invitation = invitation_create(actor=tenant.user, company=tenant.company, email=foreign.user.email,
                                   permissions={"can_view_team": True}, accept_url_builder=str)

    invitation_accept(invitation=invitation, username="", password="", user=foreign.user)

    assert not ApiToken.objects.filter(user=foreign.user).exists()


def test_the_last_authenticator_app_cannot_be_turned_off_while_it_is_required(required, tenant):
    with_totp(tenant.user)
    totp = Authenticator.objects.get(user=tenant.user, type=Authenticator.Type.TOTP)

    assert not get_adapter().can_delete_authenticator(totp)
    with_security_key(tenant.user)
    assert get_adapter().can_delete_authenticator(totp)


def test_the_security_key_set_up_page_renders_after_the_password_is_confirmed(tenant):
    client = signed_in(tenant.user)
    confirm = client.get("/auth/2fa/webauthn/add/")
    client.post(confirm["Location"], {"password": PASSWORD})

    page = client.get("/auth/2fa/webauthn/add/")

    assert page.status_code == 200
    html = page.content.decode()
    assert "Add a security key" in html and 'id="mfa_webauthn_add"' in html
    assert page.context["js_data"]["creation_options"]["publicKey"]["rp"]["id"] == "testserver"


# --- The token endpoint ----------------------------------------------------------------------------


def token_request(user, **extra):
    return APIClient().post("/api/v1/auth/token/", {"username": user.username, "password": PASSWORD, **extra},
                            format="json")


def test_a_password_only_token_request_is_refused_until_it_is_set_up(required, tenant):
    answer = token_request(tenant.user)

    assert answer.status_code == 403
    assert "set it up there" in answer.json()["detail"]


def test_once_set_up_the_token_request_asks_for_the_code(required, tenant):
    with_totp(tenant.user)

    assert token_request(tenant.user).status_code == 401


def test_a_security_key_only_account_is_told_to_make_a_token_on_the_page(tenant):
    with_security_key(tenant.user)

    answer = token_request(tenant.user)

    assert answer.status_code == 403
    assert "API tokens page" in answer.json()["detail"]


# --- The company's choice ---------------------------------------------------------------------------


def test_a_user_manager_requires_it_on_the_users_page(tenant):
    client = signed_in(tenant.user)
    page = client.get(f"/companies/{tenant.company.pk}/users/").content.decode()
    assert "Require two-factor sign-in of every user" in page

    answer = client.post(f"/companies/{tenant.company.pk}/two-factor/", {"require_two_factor": "on"})

    tenant.company.refresh_from_db()
    assert answer["Location"] == f"/companies/{tenant.company.pk}/users/"
    assert tenant.company.require_two_factor
    # And now the manager must set it up too before going on.
    assert client.get(f"/companies/{tenant.company.pk}/users/")["Location"] == "/auth/2fa/"


def test_unticking_the_switch_stops_requiring_it(required, tenant):
    with_totp(tenant.user)
    signed_in(tenant.user).post(f"/companies/{tenant.company.pk}/two-factor/", {})

    required.refresh_from_db()
    assert not required.require_two_factor


def test_a_member_without_the_manage_users_right_cannot_change_it(tenant):
    member = MembershipFactory(company=tenant.company, can_manage_users=False).user

    answer = signed_in(member).post(f"/companies/{tenant.company.pk}/two-factor/", {"require_two_factor": "on"})

    tenant.company.refresh_from_db()
    assert answer.status_code == 403
    assert not tenant.company.require_two_factor


def test_another_companys_user_manager_gets_a_404(tenant, foreign):
    answer = signed_in(foreign.user).post(f"/companies/{tenant.company.pk}/two-factor/", {"require_two_factor": "on"})

    assert answer.status_code == 404


def test_the_company_resource_shows_and_sets_the_rule(tenant):
    client = api_as(tenant.user)
    url = f"/api/v1/companies/{tenant.company.pk}/"
    assert client.get(url).json()["require_two_factor"] is False

    answer = client.patch(url, {"require_two_factor": True}, format="json")

    assert answer.status_code == 200 and answer.json()["require_two_factor"] is True
    tenant.company.refresh_from_db()
    assert tenant.company.require_two_factor


def test_the_company_resource_refuses_a_member_who_does_not_manage_users(tenant):
    member = MembershipFactory(company=tenant.company, can_manage_users=False).user

    answer = api_as(member).patch(f"/api/v1/companies/{tenant.company.pk}/", {"require_two_factor": True},
                                  format="json")

    assert answer.status_code == 403


def test_the_company_resource_wants_a_boolean(tenant):
    answer = api_as(tenant.user).patch(f"/api/v1/companies/{tenant.company.pk}/", {}, format="json")

    assert answer.status_code == 400 and "require_two_factor" in answer.json()


def test_the_service_manager_may_set_the_rule_of_a_company_they_serve(tenant, foreign):
    client = api_as(tenant.manager_user)

    assert client.patch(f"/api/v1/companies/{tenant.company.pk}/", {"require_two_factor": True},
                        format="json").status_code == 200
    assert client.patch(f"/api/v1/companies/{foreign.company.pk}/", {"require_two_factor": True},
                        format="json").status_code == 404
