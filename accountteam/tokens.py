"""API tokens: make, list, revoke (services and selectors; the model is ``ApiToken``).

A token is a secret shown once, when it is made; the database keeps only its digest (knox). A
token expires ``API_TOKEN_TTL_DAYS`` after it is made. Changing the password, or leaving the last
company, revokes every token of the user (``accountteam.signals``, ``teams.signals``).

The audit trail has each token made and revoked, and its use: the first, then at most once an hour
per token (``USE_AUDIT_RESOLUTION``), with the address it came from; never a row per request.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_noop
from knox.models import get_digest_token
from knox.settings import CONSTANTS

from .audit import record, user_company
from .models import ApiToken, AuditAction

# A user holds at most this many live tokens; making one more retires the one used longest ago
# (a script that signs in on every run must not grow the table without end).
MAX_TOKENS_PER_USER = 100
# The name of a token made by POST /api/v1/auth/token/ without a name.
SIGN_IN_TOKEN_NAME = "API sign-in"
# ``last_used_at`` is written at most this often per token, not on every request.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)
# A token's use is written to the audit trail at most this often (its first use always).
USE_AUDIT_RESOLUTION = dt.timedelta(hours=1)


def _token_target(token: ApiToken) -> str:
    return f"api_token:{token.pk}"


# Why tokens were revoked, one sentence each (the reason stays in the details as its code).
REVOKED_SUMMARIES = {
    "revoked": gettext_noop("API token “%(name)s” revoked by its user."),
    "back office": gettext_noop("API token “%(name)s” revoked in the back office."),
    "limit": gettext_noop("API token “%(name)s” revoked: the user made one more than the limit allows."),
}
ALL_REVOKED_SUMMARIES = {
    "password changed": gettext_noop("Every API token of the user revoked: their password changed."),
    "left the last company": gettext_noop("Every API token of the user revoked: they left their last company."),
    "two-factor sign-in required": gettext_noop(
        "Every API token of the user revoked: their company now requires two-factor sign-in."
    ),
}


def _audit_revoked(tokens, *, reason: str, request=None, actor=None) -> None:
    for token in tokens:
        record(
            AuditAction.API_TOKEN_REVOKED, actor=actor, request=request, target=_token_target(token),
            summary=REVOKED_SUMMARIES.get(reason, gettext_noop("API token “%(name)s” revoked.")),
            details={"name": token.name, "owner": token.user_id, "reason": reason},
        )


def api_token_list(*, user) -> QuerySet[ApiToken]:
    """The user's live (unexpired) tokens, newest first."""
    return ApiToken.objects.filter(user=user, expiry__gt=timezone.now())


@transaction.atomic
def api_token_create(
    *, user, name: str, not_after: dt.datetime | None = None, request=None, via: str = "page"
) -> tuple[ApiToken, str]:
    """Make a token for ``user`` (who is signed in, or has just proven their password) and return
    it with its secret, which is not stored and cannot be shown again.

    It expires ``API_TOKEN_TTL_DAYS`` from now, or at ``not_after`` if that is sooner: a token made
    with another token does not outlive it. The user's expired tokens are deleted, and at
    ``MAX_TOKENS_PER_USER`` the least recently used one is retired. The audit trail has the new
    token (``via``: ``page``, ``api`` or ``sign-in``, from ``request``) and any retired one."""
    # One maker at a time per user, so the cap holds under concurrent sign-ins.
    list(get_user_model()._default_manager.select_for_update().filter(pk=user.pk).values_list("pk", flat=True))
    now = timezone.now()
    ApiToken.objects.filter(user=user, expiry__lte=now).delete()
    held = ApiToken.objects.filter(user=user)
    excess = held.count() - MAX_TOKENS_PER_USER + 1
    if excess > 0:
        oldest = list(held.order_by(Coalesce("last_used_at", "created").asc(), "id")[:excess])
        ApiToken.objects.filter(pk__in=[token.pk for token in oldest]).delete()
        _audit_revoked(oldest, reason="limit", actor=user, request=request)
    expiry = now + dt.timedelta(days=settings.API_TOKEN_TTL_DAYS)
    if not_after is not None:
        expiry = min(expiry, not_after)
    digest, secret = get_digest_token()
    token = ApiToken.objects.model(
        user=user, name=name, digest=digest, token_key=secret[: CONSTANTS.TOKEN_KEY_LENGTH], expiry=expiry
    )
    token.save(force_insert=True)
    record(
        AuditAction.API_TOKEN_CREATED, actor=user, request=request, target=_token_target(token),
        summary=gettext_noop("API token “%(name)s” made."),
        details={"name": name, "via": via, "expires": expiry.isoformat()},
    )
    return token, secret


@transaction.atomic
def api_token_revoke(*, token: ApiToken, request=None, reason: str = "revoked") -> None:
    """Revoke one token: the caller fetched it from their own ``api_token_list`` (or is a carrier
    admin in the back office, ``reason`` "back office")."""
    _audit_revoked([token], reason=reason, request=request)
    token.delete()


@transaction.atomic
def api_tokens_revoke_all(*, user_id: int, reason: str = "all") -> int:
    """Revoke every token of a user (their password changed, or they left their last company):
    one audit event says how many and why."""
    deleted, _ = ApiToken.objects.filter(user_id=user_id).delete()
    if deleted:
        owner = get_user_model()._default_manager.filter(pk=user_id).first()
        company_id, company_name = user_company(owner)
        record(
            AuditAction.API_TOKEN_REVOKED, actor=None, target=f"user:{user_id}",
            company_id=company_id, company_name=company_name,
            summary=ALL_REVOKED_SUMMARIES.get(reason, gettext_noop("Every API token of the user revoked.")),
            details={"owner": user_id, "count": deleted, "reason": reason},
        )
    return deleted


def api_token_touch(*, token: ApiToken, now: dt.datetime | None = None, request=None) -> None:
    """Note that ``token`` was just used; written at most once per ``LAST_USED_RESOLUTION``. Its
    use goes to the audit trail the first time and then at most once per ``USE_AUDIT_RESOLUTION``
    (with the address it came from): ``use_audited_at`` moves in the same UPDATE, on the condition
    that it is due, so two requests at once write one event."""
    now = now or timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_RESOLUTION:
        return
    audit_due = token.use_audited_at is None or now - token.use_audited_at >= USE_AUDIT_RESOLUTION
    rows = ApiToken.objects.filter(pk=token.pk)
    due = Q(use_audited_at__isnull=True) | Q(use_audited_at__lte=now - USE_AUDIT_RESOLUTION)
    if audit_due and rows.filter(due).update(last_used_at=now, use_audited_at=now):
        token.use_audited_at = now
        record(
            AuditAction.API_TOKEN_USED, actor=token.user, request=request, target=_token_target(token),
            summary=gettext_noop("API token “%(name)s” used."), details={"name": token.name},
        )
    else:
        rows.update(last_used_at=now)
    token.last_used_at = now


def api_tokens_expire(*, now: dt.datetime | None = None) -> int:
    """Delete every expired token (they already refuse to authenticate); for housekeeping."""
    deleted, _ = ApiToken.objects.filter(expiry__lte=now or timezone.now()).delete()
    return deleted
