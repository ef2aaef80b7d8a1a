"""Sign-in outside allauth's pages (the API's token sign-in), held to the same rules, and the
answer when those rules cannot be checked.

The password is checked by allauth's own sign-in form, so the page and the API share one
counter of failed sign-ins and one lockout (per login name and per client address: allauth's
``login_failed`` rate limit). An account with two-factor sign-in must also give a code, checked by
allauth.mfa's own code form: a TOTP code (not twice), or an unused recovery code, which it uses
up; wrong codes count like the page's second step.

The adapter's rules apply to both (``accountteam.auth``): a password that may not be used (carrier
staff under single sign-on) and a user who must set up two-factor sign-in first are refused with
403 and a message saying what to do instead.

The counters live in the cache. When it cannot be reached (Redis down), sign-in answers 503 —
``SignInUnavailableMiddleware`` for allauth's pages, the API view for the API — rather than 500.
"""

from __future__ import annotations

import logging

from allauth.account import app_settings as account_settings
from allauth.account.adapter import get_adapter
from allauth.account.app_settings import EmailVerificationMethod
from allauth.account.forms import LoginForm
from allauth.account.utils import has_verified_email
from allauth.mfa.base.forms import AuthenticateForm
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.core.exceptions import NON_FIELD_ERRORS
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from redis.exceptions import RedisError

from .audit_receivers import sign_in_locked
from .auth import PASSWORD_SIGN_IN_OFF

logger = logging.getLogger(__name__)

# Errors of the cache that holds the rate-limit counters, meaning "cannot reach it now".
CACHE_UNREACHABLE = (RedisError,)
# The messages below stay English text (marked for translation only): whoever shows one translates
# it then, in the reader's language (``gettext(UNAVAILABLE_MESSAGE)``).
UNAVAILABLE_MESSAGE = gettext_noop("Sign-in is briefly unavailable; try again in a minute.")
RETRY_AFTER_SECONDS = 60

LOCKED = "too_many_login_attempts"  # allauth's error code for its lockout
LOCKED_MESSAGE = gettext_noop("Too many failed sign-in attempts. Try again later.")
CODE_REQUIRED_MESSAGE = gettext_noop(
    # Translators: an answer of the API's token sign-in; `code` is the name of the request's field: keep it.
    "This account uses two-factor sign-in: send the code from the authenticator app, or a recovery code, in `code`."
)
CODE_INCORRECT_MESSAGE = gettext_noop("The two-factor code is not correct.")
INACTIVE_MESSAGE = gettext_noop("This account is inactive.")
TWO_FACTOR_SETUP_MESSAGE = gettext_noop(
    "This account must use two-factor sign-in and has not set it up yet: sign in on the portal in a browser, "
    "set it up there (Two-factor sign-in), then ask for a token again."
)
TWO_FACTOR_MISSING_MESSAGE = gettext_noop(
    "This account must use two-factor sign-in and has not set it up yet: set it up on the portal's "
    "Two-factor sign-in page, in a browser, first."
)
SECURITY_KEY_ONLY_MESSAGE = gettext_noop(
    "This account's second step is a security key, which a token request cannot use: make a token on the "
    "portal's API tokens page instead, or add an authenticator app."
)
UNVERIFIED_MESSAGE = gettext_noop(
    "Confirm your email address first: sign in on the portal's sign-in page, which sends the confirmation email."
)

CODE_TYPES = [Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES]


class SignInRefused(Exception):
    """Why a sign-in failed, with the status the API answers it with."""

    status_code = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class CredentialsIncorrect(SignInRefused):
    status_code = 400


class CodeRequired(SignInRefused):
    status_code = 401


class CodeIncorrect(SignInRefused):
    status_code = 401


class SignInLocked(SignInRefused):
    status_code = 429


class PasswordSignInOff(SignInRefused):
    """The password is right, but this account signs in another way (single sign-on)."""

    status_code = 403


class TwoFactorSetupRequired(SignInRefused):
    """The account must have two-factor sign-in and has none yet."""

    status_code = 403


class SecurityKeyOnly(SignInRefused):
    """The account's only second step is a security key, which a token request cannot give."""

    status_code = 403


def credentials_check(*, request, login: str, password: str, code: str = ""):
    """The user whose ``login`` (username or email address) and ``password`` these are, and, if
    their account has two-factor sign-in, whose ``code`` this is; else ``SignInRefused``.

    ``request`` is Django's request (its client address keys the counters). Raises the cache's
    errors (``CACHE_UNREACHABLE``) when the counters cannot be read."""
    form = LoginForm(data={"login": login, "password": password}, request=request)
    if not form.is_valid():
        if form.has_error(NON_FIELD_ERRORS, LOCKED):
            raise SignInLocked(_(LOCKED_MESSAGE))
        if form.has_error(NON_FIELD_ERRORS, PASSWORD_SIGN_IN_OFF):
            raise PasswordSignInOff(" ".join(form.non_field_errors()))
        messages = [message for errors in form.errors.values() for message in errors]
        raise CredentialsIncorrect(" ".join(messages))
    user = form.user
    if not user.is_active:
        # allauth's backend lets an inactive user through for its page to say so; so does this.
        raise CredentialsIncorrect(_(INACTIVE_MESSAGE))
    if account_settings.EMAIL_VERIFICATION == EmailVerificationMethod.MANDATORY and not has_verified_email(user):
        # The page would send a confirmation email and stop here; the API only says so.
        raise CredentialsIncorrect(_(UNVERIFIED_MESSAGE))
    if not is_mfa_enabled(user, CODE_TYPES):
        if is_mfa_enabled(user):
            raise SecurityKeyOnly(_(SECURITY_KEY_ONLY_MESSAGE))
        if get_adapter(request).two_factor_setup_required(user):
            raise TwoFactorSetupRequired(_(TWO_FACTOR_SETUP_MESSAGE))
        return user
    if not code:
        raise CodeRequired(_(CODE_REQUIRED_MESSAGE))
    second_step = AuthenticateForm(user=user, data={"code": code})
    if not second_step.is_valid():
        if second_step.has_error("code", LOCKED):
            # The page's two-factor step names its user to the adapter; this one does it itself.
            sign_in_locked(request=request, user=user)
            raise SignInLocked(_(LOCKED_MESSAGE))
        raise CodeIncorrect(_(CODE_INCORRECT_MESSAGE))
    # As allauth's page does (its record in the session aside: a token sign-in has no session).
    second_step.authenticator.record_usage()
    return user


def is_allauth_view(request) -> bool:
    match = getattr(request, "resolver_match", None)
    return match is not None and getattr(match.func, "__module__", "").startswith("allauth.")


class SignInUnavailableMiddleware:
    """allauth's pages (sign-in, its two-factor step, password reset) count attempts in the cache:
    when it cannot be reached they answer a 503 page that says to try again shortly."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, CACHE_UNREACHABLE) or not is_allauth_view(request):
            return None
        logger.error("Sign-in page unavailable: the rate-limit cache cannot be reached (%s)", exception)
        response = render(
            request, "account/sign_in_unavailable.html", {"message": _(UNAVAILABLE_MESSAGE)}, status=503
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
