"""Sign-ins, passwords and two-factor sign-in, written to the audit trail from allauth's and
Django's signals (connected in ``AccountteamConfig.ready``); the lockout comes from the sign-in
adapter (``accountteam.auth``) and the API's token sign-in (``accountteam.sign_in``).

A failed or locked-out sign-in names no actor (whoever typed it is unknown): ``actor_name`` is the
login name as typed, and ``target`` the account it names, when there is one, so that the account's
company sees attempts on its users.
"""

from __future__ import annotations

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_login_failed
from django.core.cache import cache
from django.db.models import Q
from django.dispatch import receiver
from django.utils.translation import gettext_noop

from .audit import NAME_MAX, client_ip, record, user_company
from .models import AuditAction

# One lockout is written once per login name (or user, or address) in this many seconds, however
# many attempts knock on the locked door: allauth's longest lockout window (5 minutes).
LOCKOUT_RECORD_SECONDS = 5 * 60


def _user_named(login: str):
    """The user a typed login name (username or e-mail address) names, if any."""
    if not login:
        return None
    users = get_user_model()._default_manager
    return users.filter(Q(username__iexact=login) | Q(email__iexact=login)).order_by("pk").first()


def _target(user) -> str:
    return f"user:{user.pk}" if user is not None else ""


def _company_of(user) -> tuple[int | None, str]:
    # The named account's company, so that its user managers see attempts on it (record() finds it
    # for an actor; a failed sign-in has none).
    return user_company(user)


@receiver(account_signals.user_logged_in, dispatch_uid="accountteam.audit.signed_in")
def signed_in(sender, request, user, **kwargs):
    """allauth's sign-in (the page, a passkey, single sign-on); the API's token sign-in records its
    own (``api_auth.ObtainTokenView``)."""
    via = "sso" if kwargs.get("sociallogin") is not None else "page"
    record(AuditAction.SIGN_IN_SUCCEEDED, actor=user, request=request, target=_target(user),
           summary=gettext_noop("Signed in."), details={"via": via})


@receiver(user_login_failed, dispatch_uid="accountteam.audit.sign_in_failed")
def sign_in_failed(sender, credentials, request=None, **kwargs):
    """A wrong username or password, wherever it was typed (the sign-in page, the API's token
    sign-in, the back office's own page)."""
    login = str(credentials.get("email") or credentials.get("username") or credentials.get("login") or "")
    named = _user_named(login)
    company_id, company_name = _company_of(named)
    record(AuditAction.SIGN_IN_FAILED, actor=None, actor_name=login[:NAME_MAX], request=request,
           target=_target(named), company_id=company_id, company_name=company_name,
           summary=gettext_noop("Sign-in failed: wrong username or password."), details={"login": login[:NAME_MAX],
                                                                            "step": "password"})


@receiver(mfa_signals.authentication_failed, dispatch_uid="accountteam.audit.code_failed")
def code_failed(sender, request, user, authenticator, **kwargs):
    """A wrong two-factor code (the password was right)."""
    company_id, company_name = _company_of(user)
    record(AuditAction.SIGN_IN_FAILED, actor=None, actor_name=user.get_username(), request=request,
           target=_target(user), company_id=company_id, company_name=company_name,
           summary=gettext_noop("Sign-in failed: wrong two-factor code."),
           details={"login": user.get_username(), "step": "two-factor", "type": str(authenticator.type),
                    "reauthentication": bool(kwargs.get("reauthentication"))})


def sign_in_locked(*, request, login: str = "", user=None) -> None:
    """A sign-in refused because of too many failures (allauth's lockout), written once per login
    name per ``LOCKOUT_RECORD_SECONDS``: an attacker hammering a locked account adds no rows."""
    user = user or _user_named(login)
    login = login or (user.get_username() if user is not None else "")
    who = login.lower() or (f"user:{user.pk}" if user is not None else f"ip:{client_ip(request)}")
    if not cache.add(f"audit:locked:{who}"[:250], 1, timeout=LOCKOUT_RECORD_SECONDS):
        return
    company_id, company_name = _company_of(user)
    record(AuditAction.SIGN_IN_LOCKED, actor=None, actor_name=login[:NAME_MAX], request=request,
           target=_target(user), company_id=company_id, company_name=company_name,
           summary=gettext_noop("Sign-in refused: too many failed attempts, locked for a while."),
           details={"login": login[:NAME_MAX]})


@receiver(account_signals.password_changed, dispatch_uid="accountteam.audit.password_changed")
@receiver(account_signals.password_set, dispatch_uid="accountteam.audit.password_set")
@receiver(account_signals.password_reset, dispatch_uid="accountteam.audit.password_reset")
def password_changed(sender, request, user, signal=None, **kwargs):
    how = {account_signals.password_set: "set", account_signals.password_reset: "reset"}.get(signal, "changed")
    record(AuditAction.PASSWORD_CHANGED, actor=user, request=request, target=_target(user),
           summary=PASSWORD_SUMMARIES[how], details={"how": how})


# One sentence per case, so that each reads whole in every language.
PASSWORD_SUMMARIES = {
    "set": gettext_noop("Password set."),
    "reset": gettext_noop("Password reset."),
    "changed": gettext_noop("Password changed."),
}
MFA_ADDED_SUMMARIES = {
    "totp": gettext_noop("Two-factor sign-in set up: an authenticator app."),
    "webauthn": gettext_noop("Two-factor sign-in set up: a security key."),
    "recovery_codes": gettext_noop("Two-factor sign-in set up: recovery codes."),
}
MFA_REMOVED_SUMMARIES = {
    "totp": gettext_noop("Two-factor sign-in removed: the authenticator app."),
    "webauthn": gettext_noop("Two-factor sign-in removed: a security key."),
    "recovery_codes": gettext_noop("Two-factor sign-in removed: the recovery codes."),
}


@receiver(mfa_signals.authenticator_added, dispatch_uid="accountteam.audit.mfa_added")
def mfa_added(sender, request, user, authenticator, **kwargs):
    record(AuditAction.MFA_ADDED, actor=user, request=request, target=f"authenticator:{authenticator.pk}",
           summary=MFA_ADDED_SUMMARIES.get(str(authenticator.type), gettext_noop("Two-factor sign-in set up.")),
           details={"type": str(authenticator.type)})


@receiver(mfa_signals.authenticator_removed, dispatch_uid="accountteam.audit.mfa_removed")
def mfa_removed(sender, request, user, authenticator, **kwargs):
    record(AuditAction.MFA_REMOVED, actor=user, request=request, target=f"authenticator:{authenticator.pk}",
           summary=MFA_REMOVED_SUMMARIES.get(str(authenticator.type), gettext_noop("Two-factor sign-in removed.")),
           details={"type": str(authenticator.type)})


@receiver(mfa_signals.authenticator_reset, dispatch_uid="accountteam.audit.mfa_reset")
def mfa_reset(sender, request, user, authenticator, **kwargs):
    record(AuditAction.MFA_RESET, actor=user, request=request, target=f"authenticator:{authenticator.pk}",
           summary=gettext_noop("Two-factor recovery codes regenerated."), details={"type": str(authenticator.type)})
