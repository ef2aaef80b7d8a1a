"""The API tokens page (/me/tokens/): the user's tokens, making a named one (its secret shown
once), revoking one; no inline script or style, for the coming Content-Security-Policy."""

import re

import pytest
from rest_framework.test import APIClient

from accountteam.models import ApiToken
from accountteam.tokens import api_token_create, api_token_touch
from tests.teams.factories import UserFactory

pytestmark = pytest.mark.django_db

PAGE = "/me/tokens/"


def works(secret: str) -> bool:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client.get("/api/v1/auth/tokens/").status_code == 200


def main_part(response) -> str:
    return re.search(r"<main.*?</main>", response.content.decode(), re.S).group(0)


def test_strangers_are_sent_to_sign_in(client):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith("/auth/login/")


def test_the_page_lists_the_users_tokens_and_nobody_elses(tenant, customer):
    mine, _ = api_token_create(user=tenant.user, name="Nightly export")
    api_token_touch(token=mine)
    api_token_create(user=tenant.user, name="Fresh one")
    api_token_create(user=UserFactory(), name="Someone else's")
    response = customer.get(PAGE)
    assert response.status_code == 200
    page = main_part(response)
    assert "Nightly export" in page and "Fresh one" in page
    assert "Someone else" not in page
    assert "never" in page  # the fresh one's last use
    assert page.count('action="/me/tokens/') == 2  # a revoke form per token


def test_making_a_token_shows_its_secret_once_with_a_copy_it_now_message(tenant, customer):
    response = customer.post(PAGE, {"name": "CRM sync"})
    assert response.status_code == 200
    token = ApiToken.objects.get(user=tenant.user)
    assert token.name == "CRM sync"
    secret = re.search(r'id="new-token-secret" value="([^"]+)"', response.content.decode()).group(1)
    assert works(secret)
    assert "Copy it now" in main_part(response)
    assert "no-store" in response["Cache-Control"]
    again = customer.get(PAGE)
    assert secret not in again.content.decode()
    assert "CRM sync" in main_part(again)


@pytest.mark.parametrize("name", ["", "   ", "n" * 101])
def test_a_token_needs_a_name(tenant, customer, name):
    response = customer.post(PAGE, {"name": name})
    assert response.status_code == 200
    assert 'class="error"' in main_part(response)
    assert not ApiToken.objects.filter(user=tenant.user).exists()


def test_revoking_a_token_stops_it(tenant, customer):
    token, secret = api_token_create(user=tenant.user, name="Old laptop")
    response = customer.post(f"{PAGE}{token.pk}/revoke/")
    assert response.status_code == 302
    assert response["Location"] == PAGE
    assert not works(secret)
    assert "“Old laptop” is revoked" in customer.get(PAGE).content.decode()


def test_revoking_asks_for_confirmation_and_is_a_post(tenant, customer):
    token, secret = api_token_create(user=tenant.user, name="Old laptop")
    page = main_part(customer.get(PAGE))
    assert "<details>" in page and "Revoke “Old laptop”" in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert customer.get(f"{PAGE}{token.pk}/revoke/").status_code == 405
    assert works(secret)


def test_another_users_token_cannot_be_revoked(customer):
    theirs, secret = api_token_create(user=UserFactory(), name="Theirs")
    assert customer.post(f"{PAGE}{theirs.pk}/revoke/").status_code == 404
    assert works(secret)


def test_the_page_has_no_inline_script_or_style(tenant, customer):
    api_token_create(user=tenant.user, name="Nightly export")
    page = customer.post(PAGE, {"name": "CRM sync"}).content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)
    assert " style=" not in page
    assert not re.search(r"\son[a-z]+=", main_part(customer.get(PAGE)))


def test_the_header_menu_links_to_the_page(customer):
    assert f'href="{PAGE}"' in customer.get("/me/settings/").content.decode()
