"""POST /api/v1/auth/token/ holds to the sign-in page's rules: the throttle counts per real client
address, the page and the API share one failure counter and one lockout, an account with
two-factor sign-in must send a code, and an unreachable rate-limit cache is a 503, never a 500."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from rest_framework.test import APIClient

from accountteam.models import ApiToken
from accountteam.sign_in import CODE_INCORRECT_MESSAGE, LOCKED_MESSAGE, UNAVAILABLE_MESSAGE
from accountteam.tokens import api_token_create
from tests.teams.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/auth/token/"
LOGIN_PAGE = "/auth/login/"
ROOT = Path(__file__).resolve().parents[2]
UNREACHABLE_REDIS = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
}


def sign_in(username, password=PASSWORD, client=None, **extra):
    headers = extra.pop("headers", {})
    return (client or APIClient()).post(
        URL, {"username": username, "password": password, **extra}, format="json", headers=headers
    )


def page_sign_in(client, username, password):
    return client.post(LOGIN_PAGE, {"login": username, "password": password})


@pytest.fixture
def user(db):
    return UserFactory(username="api.user")


# --- 1. The throttle counts per real client address --------------------------------------------------


def test_a_spoofed_x_forwarded_for_does_not_escape_the_throttle(db):
    """Every guess claims another address in X-Forwarded-For; the portal trusts no proxy by
    default, so they are all the one client they come from, and the throttle (10/min) stops it."""
    client = APIClient()
    answers = [
        sign_in(f"nobody{i}", "wrong", client, headers={"X-Forwarded-For": f"198.51.100.{i}"}) for i in range(20)
    ]
    statuses = [answer.status_code for answer in answers]
    assert statuses[:10] == [400] * 10
    assert set(statuses[10:]) == {429}
    assert "Retry-After" in answers[10]  # DRF's throttle, not the lockout


def test_behind_one_trusted_proxy_the_address_it_saw_is_the_client(db, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    # Whatever the client put first, the proxy appended the address it saw: 203.0.113.7.
    statuses = [
        sign_in(f"nobody{i}", "wrong", headers={"X-Forwarded-For": f"10.0.0.{i}, 203.0.113.7"}).status_code
        for i in range(11)
    ]
    assert statuses == [400] * 10 + [429]
    # Another client behind the same proxy is not held back by the first one's guesses.
    assert sign_in("nobody", "wrong", headers={"X-Forwarded-For": "10.0.0.1, 203.0.113.8"}).status_code == 400


def test_trusted_proxy_count_feeds_the_api_and_allauth_alike():
    code = (
        "from django.conf import settings as s; "
        "print(s.TRUSTED_PROXY_COUNT, s.REST_FRAMEWORK['NUM_PROXIES'], s.ALLAUTH_TRUSTED_PROXY_COUNT)"
    )
    run = lambda **env: subprocess.run(  # noqa: E731
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code], cwd=ROOT, capture_output=True,
        text=True, timeout=120, env={**{k: v for k, v in os.environ.items() if k != "TRUSTED_PROXY_COUNT"}, **env},
    ).stdout.split()
    assert run() == ["0", "0", "0"]
    assert run(TRUSTED_PROXY_COUNT="1") == ["1", "1", "1"]


def test_a_signed_in_caller_is_throttled_like_anyone(user):
    client = APIClient()
    client.force_authenticate(user)
    statuses = [sign_in(f"nobody{i}", "wrong", client).status_code for i in range(11)]
    assert statuses[-1] == 429


# --- 2. One failure counter and one lockout for the page and the API --------------------------------


def test_failed_sign_ins_on_the_page_lock_the_api_too(user, client):
    for _ in range(5):
        assert page_sign_in(client, user.username, "wrong").status_code == 200
    response = sign_in(user.username)  # the right password, but the account is locked
    assert response.status_code == 429
    assert response.json() == {"detail": LOCKED_MESSAGE}
    assert not ApiToken.objects.filter(user=user).exists()


def test_failed_sign_ins_through_the_api_lock_the_page_too(user, client):
    for _ in range(5):
        assert sign_in(user.username, "wrong").status_code == 400
    response = page_sign_in(client, user.username, PASSWORD)
    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_lockout_counts_the_login_name_as_typed_case_insensitively(user):
    for _ in range(5):
        sign_in(user.username.upper(), "wrong")
    assert sign_in(user.username).status_code == 429


def test_a_right_password_does_not_count_as_a_failure(user):
    for _ in range(4):
        sign_in(user.username, "wrong")
    assert sign_in(user.username).status_code == 200
    assert sign_in(user.username).status_code == 200


def test_a_wrong_password_answers_400_with_allauths_message(user):
    response = sign_in(user.username, "wrong")
    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["The username and/or password you specified are not correct."]
    }


def test_the_email_address_signs_in_as_on_the_page(user):
    response = sign_in(user.email)
    assert response.status_code == 200
    assert ApiToken.objects.get(user=user).pk == response.json()["id"]


def test_an_inactive_user_cannot_sign_in(user):
    user.is_active = False
    user.save()
    response = sign_in(user.username)
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["This account is inactive."]}
    assert not ApiToken.objects.filter(user=user).exists()


def test_an_account_without_a_confirmed_email_address_cannot_sign_in(user):
    EmailAddress.objects.filter(user=user).update(verified=False)
    response = sign_in(user.username)
    assert response.status_code == 400
    assert "Confirm your email address" in response.json()["non_field_errors"][0]
    assert not ApiToken.objects.filter(user=user).exists()


@pytest.mark.parametrize(
    "body, field",
    [
        ({"password": PASSWORD}, "username"),
        ({"username": "api.user"}, "password"),
        ({"username": "", "password": PASSWORD}, "username"),
        ({"username": "x" * 255, "password": PASSWORD}, "username"),
        ({"username": "api\x00user", "password": PASSWORD}, "username"),
        ({"username": "api.user", "password": PASSWORD, "name": "n" * 101}, "name"),
        ({"username": "api.user", "password": PASSWORD, "code": "1" * 65}, "code"),
        ({"username": ["api.user"], "password": PASSWORD}, "username"),
    ],
)
def test_bad_input_is_a_400_on_its_field(user, body, field):
    response = APIClient().post(URL, body, format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_the_answer_names_the_token_and_its_expiry(user):
    body = sign_in(user.username, name="Nightly export").json()
    token = ApiToken.objects.get(user=user)
    assert body["id"] == token.pk
    assert body["name"] == "Nightly export"
    assert body["expires"]
    assert sign_in(user.username).json()["name"] == "API sign-in"


# --- 3. Two-factor sign-in --------------------------------------------------------------------------


@pytest.fixture
def secret(user):
    """``user`` has an authenticator app (TOTP) and recovery codes, as set up on the MFA pages."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    return secret


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def recovery_codes(user) -> list[str]:
    return Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES).wrap().get_unused_codes()


def test_an_account_with_two_factor_must_send_a_code(user, secret):
    response = sign_in(user.username)
    assert response.status_code == 401
    assert "two-factor" in response.json()["detail"]
    assert "code" in response.json()["detail"]
    assert not ApiToken.objects.filter(user=user).exists()


def test_a_current_authenticator_code_signs_in_once(user, secret):
    code = current_code(secret)
    assert sign_in(user.username, code=code).status_code == 200
    # The same code again is refused: a code that was seen could be replayed.
    assert sign_in(user.username, code=code).status_code == 401


def test_a_wrong_code_is_401_and_counts_as_a_failed_sign_in(user, secret):
    response = sign_in(user.username, code="000000" if current_code(secret) != "000000" else "111111")
    assert response.status_code == 401
    assert response.json() == {"detail": CODE_INCORRECT_MESSAGE}
    for _ in range(4):
        sign_in(user.username, code="not-a-code")
    # Five wrong codes: even the right one is refused for a while.
    assert sign_in(user.username, code=current_code(secret)).status_code == 429


def test_an_unused_recovery_code_signs_in_and_is_used_up(user, secret):
    codes = recovery_codes(user)
    assert sign_in(user.username, code=codes[0]).status_code == 200
    assert codes[0] not in recovery_codes(user)
    assert len(recovery_codes(user)) == len(codes) - 1
    assert sign_in(user.username, code=codes[0]).status_code == 401
    assert sign_in(user.username, code=codes[1]).status_code == 200


def test_a_code_does_not_make_up_for_a_wrong_password(user, secret):
    assert sign_in(user.username, "wrong", code=current_code(secret)).status_code == 400


def test_a_code_sent_for_an_account_without_two_factor_is_ignored(user):
    assert sign_in(user.username, code="123456").status_code == 200


# --- 6. The rate-limit cache cannot be reached ----------------------------------------------------


def test_token_sign_in_answers_503_when_the_rate_limit_cache_is_unreachable(user, settings):
    settings.CACHES = UNREACHABLE_REDIS
    response = sign_in(user.username)
    assert response.status_code == 503
    assert response.json() == {"detail": UNAVAILABLE_MESSAGE}
    assert response["Retry-After"] == "60"
    assert not ApiToken.objects.filter(user=user).exists()


def test_the_sign_in_page_answers_a_503_page_when_the_rate_limit_cache_is_unreachable(user, client, settings):
    settings.CACHES = UNREACHABLE_REDIS
    response = page_sign_in(client, user.username, PASSWORD)
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert UNAVAILABLE_MESSAGE in page
    assert 'href="/static/css/portal.css"' in page  # the portal's layout, not a bare error
    assert "_auth_user_id" not in client.session


def test_the_sign_in_page_itself_still_shows_when_the_cache_is_unreachable(db, client, settings):
    settings.CACHES = UNREACHABLE_REDIS
    assert client.get(LOGIN_PAGE).status_code == 200


def test_tokens_keep_working_while_the_cache_is_unreachable(user, settings):
    _, secret = api_token_create(user=user, name="Script")
    settings.CACHES = UNREACHABLE_REDIS
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    assert client.get("/api/v1/auth/tokens/").status_code == 200
