"""API tokens: stored as a digest, named, expiring, their last use noted; the API that lists,
makes and revokes them; and what revokes them all (a changed password, the last company left)."""

import datetime as dt

import pytest
import time_machine
from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.utils import timezone
from rest_framework.test import APIClient

from accountteam import tokens
from accountteam.models import ApiToken
from accountteam.tokens import api_token_create
from teams.models import Membership
from teams.services import membership_remove
from tests.teams.factories import PASSWORD, CompanyFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

API = "/api/v1/auth/tokens/"
NEW_PASSWORD = "another-long-pass-4821"


def with_token(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client


def works(secret: str) -> bool:
    return with_token(secret).get(API).status_code == 200


@pytest.fixture
def user(db):
    return UserFactory(username="token.user")


@pytest.fixture
def token(user):
    return api_token_create(user=user, name="Nightly export")


# --- 5. Stored hashed, named, expiring ---------------------------------------------------------------


def test_only_a_digest_of_the_secret_is_stored(token):
    row, secret = token
    stored = ApiToken.objects.filter(pk=row.pk).values().get()
    assert secret not in {str(value) for value in stored.values()}
    assert stored["digest"] != secret and len(stored["digest"]) == 128
    assert works(secret)


def test_a_token_expires_after_the_configured_days(user, settings):
    settings.API_TOKEN_TTL_DAYS = 7
    row, secret = api_token_create(user=user, name="Short")
    assert abs(row.expiry - (timezone.now() + dt.timedelta(days=7))) < dt.timedelta(seconds=5)
    with time_machine.travel(row.expiry + dt.timedelta(seconds=1)):
        response = with_token(secret).get(API)
    assert response.status_code == 401
    assert not ApiToken.objects.filter(pk=row.pk).exists()


def test_the_default_lifetime_is_90_days(token):
    row, _ = token
    assert abs(row.expiry - (timezone.now() + dt.timedelta(days=90))) < dt.timedelta(seconds=5)


def test_last_use_is_noted_at_most_once_a_minute(token):
    row, secret = token
    client = with_token(secret)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.get(API)
        row.refresh_from_db()
        assert row.last_used_at == start
    with time_machine.travel(start + dt.timedelta(seconds=30), tick=False):
        client.get(API)
        row.refresh_from_db()
        assert row.last_used_at == start  # not written again within the minute
    with time_machine.travel(start + dt.timedelta(seconds=61), tick=False):
        client.get(API)
        row.refresh_from_db()
        assert row.last_used_at == start + dt.timedelta(seconds=61)


@pytest.mark.parametrize(
    "header",
    [
        "Token 0123456789abcdef0123456789abcdef01234567",  # a DRF token of old: gone
        "Token abc\x00def",
        "Token ÿÿÿÿ",
        "Token a b",
        "Token",
    ],
)
def test_unknown_or_malformed_tokens_are_refused_with_401(db, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get(API)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_an_inactive_users_tokens_stop_working(token, user):
    _, secret = token
    user.is_active = False
    user.save()
    assert not works(secret)


def test_a_user_holds_a_bounded_number_of_tokens_and_the_least_recently_used_goes(user, monkeypatch):
    monkeypatch.setattr(tokens, "MAX_TOKENS_PER_USER", 3)
    made = [api_token_create(user=user, name=f"t{i}")[0] for i in range(3)]
    tokens.api_token_touch(token=made[0])  # used just now: kept
    api_token_create(user=user, name="t3")
    assert set(ApiToken.objects.filter(user=user).values_list("name", flat=True)) == {"t0", "t2", "t3"}


def test_making_a_token_sweeps_the_users_expired_ones(user):
    old, _ = api_token_create(user=user, name="Old")
    with time_machine.travel(old.expiry + dt.timedelta(days=1)):
        api_token_create(user=user, name="New")
    assert list(ApiToken.objects.filter(user=user).values_list("name", flat=True)) == ["New"]


# --- 5. The API: list, make, revoke ----------------------------------------------------------------


def test_the_list_shows_the_callers_tokens_without_their_secrets(token, user):
    other, _ = api_token_create(user=UserFactory(), name="Someone else's")
    row, secret = token
    body = with_token(secret).get(API).json()
    assert body["count"] == 1
    (entry,) = body["results"]
    assert set(entry) == {"id", "name", "created", "last_used_at", "expires"}
    assert entry["id"] == row.pk and entry["name"] == "Nightly export"


def test_making_a_named_token_shows_its_secret_once(user, client):
    client.force_login(user)
    response = client.post(API, {"name": "CRM sync"}, content_type="application/json")
    assert response.status_code == 201
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    assert set(body) == {"token", "id", "name", "created", "last_used_at", "expires"}
    assert body["name"] == "CRM sync"
    assert works(body["token"])
    assert "token" not in client.get(f"{API}{body['id']}/").json()


def test_a_token_made_with_a_token_does_not_outlive_it(user, settings):
    settings.API_TOKEN_TTL_DAYS = 10
    parent, secret = api_token_create(user=user, name="Parent")
    settings.API_TOKEN_TTL_DAYS = 90
    child = with_token(secret).post(API, {"name": "Child"}, format="json").json()
    assert ApiToken.objects.get(pk=child["id"]).expiry <= parent.expiry


@pytest.mark.parametrize("body", [{}, {"name": ""}, {"name": "n" * 101}, {"name": "a\x00b"}, {"name": ["x"]}])
def test_a_token_needs_a_name_of_at_most_100_characters(token, body):
    _, secret = token
    response = with_token(secret).post(API, body, format="json")
    assert response.status_code == 400
    assert "name" in response.json()


def test_strangers_are_refused_before_the_body_is_read(db):
    assert APIClient().post(API, {"name": ""}, format="json").status_code == 401
    assert APIClient().get(API).status_code == 401


def test_revoking_a_token_stops_it_at_once(token):
    row, secret = token
    other, other_secret = api_token_create(user=row.user, name="Other")
    response = with_token(other_secret).delete(f"{API}{row.pk}/")
    assert response.status_code == 204
    assert not works(secret)
    assert works(other_secret)


def test_another_users_token_is_not_found(token):
    row, secret = token
    theirs, their_secret = api_token_create(user=UserFactory(), name="Theirs")
    client = with_token(secret)
    assert client.get(f"{API}{theirs.pk}/").status_code == 404
    assert client.delete(f"{API}{theirs.pk}/").status_code == 404
    assert works(their_secret)


def test_the_schema_documents_the_token_header_and_the_token_routes(db):
    schema = APIClient().get("/api/schema/", {"format": "json"}).json()
    scheme = schema["components"]["securitySchemes"]["tokenAuth"]
    assert scheme["type"] == "apiKey" and scheme["in"] == "header" and scheme["name"] == "Authorization"
    assert "Token <secret>" in scheme["description"]
    assert {"/api/v1/auth/tokens/", "/api/v1/auth/tokens/{id}/"} <= schema["paths"].keys()
    sign_in = schema["paths"]["/api/v1/auth/token/"]["post"]
    assert {"200", "400", "401", "429", "503"} <= sign_in["responses"].keys()
    assert sign_in.get("security") in (None, [], [{}])
    assert {"tokenAuth": []} in schema["paths"]["/api/v1/auth/tokens/"]["get"]["security"]


class QuickPBKDF2Hasher(PBKDF2PasswordHasher):
    iterations = 2


# --- 4. Revocation: a changed password ----------------------------------------------------------------


def test_set_password_and_save_revokes_every_token(user, token):
    _, secret = token
    api_token_create(user=user, name="Second")
    user.set_password(NEW_PASSWORD)
    user.save()
    assert not ApiToken.objects.filter(user=user).exists()
    assert not works(secret)


def test_changing_the_password_on_allauths_page_revokes_the_tokens(user, token, client):
    client.force_login(user)
    response = client.post(
        "/auth/password/change/",
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302, response.content
    assert not ApiToken.objects.filter(user=user).exists()


def test_resetting_the_password_by_emailed_link_revokes_the_tokens(user, token, client):
    key_url = f"/auth/password/reset/key/{user_pk_to_url_str(user)}-{default_token_generator.make_token(user)}/"
    form_url = client.get(key_url)["Location"]
    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302, response.content
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert not ApiToken.objects.filter(user=user).exists()


def test_an_admin_setting_the_password_in_the_back_office_revokes_the_tokens(user, token, client):
    client.force_login(UserFactory(username="back.office", is_staff=True, is_superuser=True))
    response = client.post(
        f"/admin/auth/user/{user.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302, response.content
    assert not ApiToken.objects.filter(user=user).exists()


def test_saving_the_user_without_a_new_password_keeps_the_tokens(user, token):
    user.first_name = "Toni"
    user.save()
    user.last_login = timezone.now()
    user.save(update_fields=["last_login"])
    assert ApiToken.objects.filter(user=user).exists()


def test_a_hash_upgrade_on_sign_in_is_not_a_password_change(user, token, settings):
    # A stronger hasher comes first now: signing in re-hashes the same password.
    settings.PASSWORD_HASHERS = [f"{__name__}.QuickPBKDF2Hasher", "django.contrib.auth.hashers.MD5PasswordHasher"]
    before = user.password
    assert APIClient().post(
        "/api/v1/auth/token/", {"username": user.username, "password": PASSWORD}, format="json"
    ).status_code == 200
    user.refresh_from_db()
    assert user.password != before
    assert ApiToken.objects.filter(user=user, name="Nightly export").exists()


# --- 4. Revocation: the last company left ----------------------------------------------------------


@pytest.fixture
def member(tenant):
    """A plain member of the home company, with a token."""
    membership = MembershipFactory(user=UserFactory(username="plain.member"), company=tenant.company)
    api_token_create(user=membership.user, name="Member's script")
    return membership


def test_removing_a_user_from_their_last_company_revokes_their_tokens(tenant, member):
    membership_remove(actor=tenant.user, membership=member)
    assert not ApiToken.objects.filter(user=member.user).exists()


def test_a_user_still_in_another_company_keeps_their_tokens(tenant, member):
    MembershipFactory(user=member.user, company=CompanyFactory(), is_default=False)
    membership_remove(actor=tenant.user, membership=member)
    assert ApiToken.objects.filter(user=member.user).exists()


def test_a_membership_deleted_in_the_back_office_revokes_too(tenant, member):
    Membership.objects.filter(pk=member.pk).delete()
    assert not ApiToken.objects.filter(user=member.user).exists()


def test_deleting_the_users_only_company_revokes_too(db):
    membership = MembershipFactory(user=UserFactory(username="lone.member"), company=CompanyFactory())
    api_token_create(user=membership.user, name="Script")
    membership.company.delete()
    assert not ApiToken.objects.filter(user=membership.user).exists()
