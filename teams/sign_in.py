"""allauth's adapters with the staff's rules (``ACCOUNT_ADAPTER``, ``SOCIALACCOUNT_ADAPTER``,
``MFA_ADAPTER`` name them).

Single sign-on (OpenID Connect, ``accountteam.oidc``) is for carrier staff only. An answer of the
provider signs in the existing, active staff user whose e-mail address it names, when the provider
says the address is verified and it is of one of the carrier's domains (``SSO_STAFF_EMAIL_DOMAINS``).
The first such sign-in links the provider's account to that user; nobody is ever created, and any
other answer is refused with a page that says why. While single sign-on is configured and
``SSO_STAFF_PASSWORD_LOGIN`` is off, staff cannot sign in with their password (customers can).
"""

from __future__ import annotations

import logging

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.providers.base import AuthProcess
from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from accountteam import oidc
from accountteam.auth import InviteOnlyAccountAdapter

from .scoping import staff_person
from .selectors import staff_users_with_email
from .two_factor import (
    PROVIDER_MFA_SESSION_KEY,
    SECOND_STEPS,
    staff_two_factor_missing,
    two_factor_missing,
    two_factor_required,
)

logger = logging.getLogger(__name__)

UNKNOWN = gettext_noop(
    "No carrier staff member of the portal has the e-mail address %(email)s. Single sign-on never creates "
    "an account: ask a carrier admin to add you to the staff directory with this address first."
)
AMBIGUOUS = gettext_noop(
    "More than one account of the portal has the e-mail address %(email)s: a carrier admin must sort that out "
    "before it can sign in with single sign-on."
)
NOT_STAFF = gettext_noop(
    "The portal account this sign-in is linked to is no longer an active carrier staff member."
)
NO_CONNECT = gettext_noop(
    "Single sign-on links itself to a carrier staff member's account at their first sign-in with it; it "
    "cannot be connected to an account from here."
)
PASSWORD_OFF = gettext_noop(
    "Carrier staff sign in with single sign-on: use the “Sign in with %(name)s” button on the sign-in page."
)
KEEP_TWO_FACTOR = gettext_noop(
    "Two-factor sign-in is required for your account, so its last authenticator cannot be turned off. "
    "Add another one (an authenticator app or a security key) first."
)


class PortalAccountAdapter(InviteOnlyAccountAdapter):
    def password_sign_in_refusal(self, user) -> str | None:
        if oidc.staff_password_sign_in_allowed() or staff_person(user) is None:
            return None
        return _(PASSWORD_OFF) % {"name": oidc.sso_name()}

    def two_factor_setup_required(self, user) -> bool:
        # No session here (the API): a provider's own second step does not count.
        return two_factor_missing(user)

    def api_token_refused(self, user) -> bool:
        # Staff only: a company that starts requiring it revokes its users' tokens instead
        # (teams.services.company_two_factor_set), so a token request costs no query for it.
        return staff_two_factor_missing(user)

    def post_login(self, request, user, **kwargs):
        # Note, for the two-factor policy, whether this sign-in's provider asserted its own second step.
        sociallogin = (kwargs.get("signal_kwargs") or {}).get("sociallogin")
        if sociallogin is not None and oidc.provider_asserted_mfa(sociallogin.account.extra_data):
            request.session[PROVIDER_MFA_SESSION_KEY] = True
        else:
            request.session.pop(PROVIDER_MFA_SESSION_KEY, None)
        return super().post_login(request, user, **kwargs)


def _refuse(request, message: str, params: dict, *, reason: str):
    logger.warning("Single sign-on refused (%s): %s", reason, params.get("email", ""))
    response = render(
        request,
        "socialaccount/sign_in_refused.html",
        {"message": _(message) % params, "provider_name": oidc.sso_name()},
        status=403,
    )
    raise ImmediateHttpResponse(response)


class StaffSocialAccountAdapter(DefaultSocialAccountAdapter):
    """Single sign-on matches carrier staff by their verified e-mail address; it signs nobody up."""

    def is_open_for_signup(self, request, sociallogin) -> bool:
        return False

    def is_auto_signup_allowed(self, request, sociallogin) -> bool:
        return False

    def pre_social_login(self, request, sociallogin) -> None:
        if sociallogin.state.get("process") == AuthProcess.CONNECT:
            _refuse(request, NO_CONNECT, {}, reason="connect")
        claims = oidc.claims_of(sociallogin.account.extra_data)
        refusal = oidc.email_refusal(claims, settings.SSO_STAFF_EMAIL_DOMAINS)
        if refusal is not None:
            message, params = refusal
            _refuse(request, message, params, reason="claims")
        email = claims["email"].strip()
        if sociallogin.is_existing:
            # Linked at an earlier sign-in: still an active staff member?
            if not sociallogin.user.is_active or staff_person(sociallogin.user) is None:
                _refuse(request, NOT_STAFF, {"email": email}, reason="linked user no longer staff")
            return
        users = staff_users_with_email(email=email)
        if not users:
            _refuse(request, UNKNOWN, {"email": email}, reason="unknown address")
        if len(users) > 1:
            _refuse(request, AMBIGUOUS, {"email": email}, reason="address of several users")
        sociallogin.connect(request, users[0])
        logger.info("Single sign-on linked to the staff user %s", users[0].pk)

    def on_authentication_error(self, request, provider, error=None, exception=None, extra_context=None):
        # A wrong issuer or signature, a refused code, an unreachable provider: the page stays vague
        # (socialaccount/authentication_error.html), the log says what it was.
        logger.warning("Single sign-on failed at %s: %s (%r)", getattr(provider, "id", provider), error, exception)


class PortalMFAAdapter(DefaultMFAAdapter):
    error_messages = DefaultMFAAdapter.error_messages | {"cannot_delete_authenticator": gettext_lazy(KEEP_TWO_FACTOR)}

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        if authenticator.type not in SECOND_STEPS or not two_factor_required(authenticator.user):
            return True
        others = Authenticator.objects.filter(user_id=authenticator.user_id, type__in=SECOND_STEPS)
        return others.exclude(pk=authenticator.pk).exists()
