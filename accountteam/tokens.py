"""API tokens: make, list, revoke (services and selectors; the model is ``ApiToken``).

A token is a secret shown once, when it is made; the database keeps only its digest (knox). A
token expires ``API_TOKEN_TTL_DAYS`` after it is made. Changing the password, or leaving the last
company, revokes every token of the user (``accountteam.signals``, ``teams.signals``).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from knox.models import get_digest_token
from knox.settings import CONSTANTS

from .models import ApiToken

# A user holds at most this many live tokens; making one more retires the one used longest ago
# (a script that signs in on every run must not grow the table without end).
MAX_TOKENS_PER_USER = 100
# The name of a token made by POST /api/v1/auth/token/ without a name.
SIGN_IN_TOKEN_NAME = "API sign-in"
# ``last_used_at`` is written at most this often per token, not on every request.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def api_token_list(*, user) -> QuerySet[ApiToken]:
    """The user's live (unexpired) tokens, newest first."""
    return ApiToken.objects.filter(user=user, expiry__gt=timezone.now())


@transaction.atomic
def api_token_create(*, user, name: str, not_after: dt.datetime | None = None) -> tuple[ApiToken, str]:
    """Make a token for ``user`` (who is signed in, or has just proven their password) and return
    it with its secret, which is not stored and cannot be shown again.

    It expires ``API_TOKEN_TTL_DAYS`` from now, or at ``not_after`` if that is sooner: a token made
    with another token does not outlive it. The user's expired tokens are deleted, and at
    ``MAX_TOKENS_PER_USER`` the least recently used one is retired."""
    # One maker at a time per user, so the cap holds under concurrent sign-ins.
    list(get_user_model()._default_manager.select_for_update().filter(pk=user.pk).values_list("pk", flat=True))
    now = timezone.now()
    ApiToken.objects.filter(user=user, expiry__lte=now).delete()
    held = ApiToken.objects.filter(user=user)
    excess = held.count() - MAX_TOKENS_PER_USER + 1
    if excess > 0:
        oldest = held.order_by(Coalesce("last_used_at", "created").asc(), "id").values_list("pk", flat=True)
        ApiToken.objects.filter(pk__in=list(oldest[:excess])).delete()
    expiry = now + dt.timedelta(days=settings.API_TOKEN_TTL_DAYS)
    if not_after is not None:
        expiry = min(expiry, not_after)
    digest, secret = get_digest_token()
    token = ApiToken.objects.model(
        user=user, name=name, digest=digest, token_key=secret[: CONSTANTS.TOKEN_KEY_LENGTH], expiry=expiry
    )
    token.save(force_insert=True)
    return token, secret


def api_token_revoke(*, token: ApiToken) -> None:
    """Revoke one token: the caller fetched it from their own ``api_token_list``."""
    token.delete()


def api_tokens_revoke_all(*, user_id: int) -> int:
    """Revoke every token of a user (their password changed, or they left their last company)."""
    deleted, _ = ApiToken.objects.filter(user_id=user_id).delete()
    return deleted


def api_token_touch(*, token: ApiToken, now: dt.datetime | None = None) -> None:
    """Note that ``token`` was just used; written at most once per ``LAST_USED_RESOLUTION``."""
    now = now or timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def api_tokens_expire(*, now: dt.datetime | None = None) -> int:
    """Delete every expired token (they already refuse to authenticate); for housekeeping."""
    deleted, _ = ApiToken.objects.filter(expiry__lte=now or timezone.now()).delete()
    return deleted
