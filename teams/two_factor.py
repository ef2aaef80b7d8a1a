"""The two-factor policy: who must have two-factor sign-in, and the middleware that sends a user who
must and has none to set it up before anything else.

Carrier staff must when ``MFA_REQUIRED_FOR_STAFF`` is on; a customer user must when any company they
belong to asks it of its users (``Company.require_two_factor``, its administrator's choice). An
authenticator app or a security key counts; recovery codes alone do not (they come with either).
A single sign-on whose provider asserted its own second step counts too when the portal is told to
trust it (``SSO_TRUSTS_PROVIDER_MFA``; noted in the session at sign-in by ``teams.sign_in``).
"""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from accountteam.sign_in import TWO_FACTOR_MISSING_MESSAGE, is_allauth_view

from .models import Membership
from .scoping import staff_person

SECOND_STEPS = [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
# Set at a single sign-on whose provider asserted multi-factor authentication (see module docstring).
PROVIDER_MFA_SESSION_KEY = "two_factor_by_provider"
# Pages a user who must set up two-factor sign-in may still open, besides allauth's own (sign-out,
# the two-factor pages, e-mail confirmation): the language switch and the scripts' words, and the
# container's health checks.
OPEN_URL_NAMES = {"language_switch", "javascript-catalog", "healthz", "readyz"}


def two_factor_required(user, *, memberships=None) -> bool:
    """Must ``user`` have two-factor sign-in? ``memberships``: their memberships with their companies
    selected, when the request has them already (``teams.tenancy``); else they are queried."""
    if not getattr(user, "is_authenticated", False):
        return False
    if settings.MFA_REQUIRED_FOR_STAFF and staff_person(user) is not None:
        return True
    if memberships is None:
        return Membership.objects.filter(user=user, company__require_two_factor=True).exists()
    return any(m.company.require_two_factor for m in memberships)


def has_two_factor(user) -> bool:
    """Has ``user`` an authenticator app or a security key?"""
    return is_mfa_enabled(user, SECOND_STEPS)


def staff_two_factor_missing(user) -> bool:
    """Is ``user`` carrier staff who must have two-factor sign-in (``MFA_REQUIRED_FOR_STAFF``) and
    has none? No query while the setting is off."""
    return bool(settings.MFA_REQUIRED_FOR_STAFF and staff_person(user) is not None and not has_two_factor(user))


def two_factor_missing(user, *, memberships=None, session=None) -> bool:
    """Must ``user`` have two-factor sign-in, and have they none? A session signed in through a
    provider that asserted its own second step (and is trusted to) has it."""
    if not two_factor_required(user, memberships=memberships):
        return False
    if session is not None and settings.SSO_TRUSTS_PROVIDER_MFA and session.get(PROVIDER_MFA_SESSION_KEY):
        return False
    return not has_two_factor(user)


class TwoFactorRequiredMiddleware:
    """A signed-in user who must have two-factor sign-in and has none sees only the pages that set it
    up (and sign-out, the language switch): any other page redirects to the two-factor page, and the
    API answers 403 saying why. ``request.two_factor_missing`` tells the two-factor page to say so.

    Costs no query unless the policy applies to the user: the memberships come from the active
    company's lookup, the staff profile is looked up only when staff must have it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        request.two_factor_missing = False
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        memberships = getattr(request, "memberships", None)
        if not two_factor_missing(user, memberships=memberships, session=request.session):
            return None
        request.two_factor_missing = True
        match = request.resolver_match
        if is_allauth_view(request) or (match is not None and match.url_name in OPEN_URL_NAMES):
            return None
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": _(TWO_FACTOR_MISSING_MESSAGE)}, status=403)
        if getattr(request, "htmx", False):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = reverse("mfa_index")
            return response
        return redirect("mfa_index")
