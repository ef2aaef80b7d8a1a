"""The active company: resolved once per request from the user's memberships.

The company a customer user works in comes from the session (switched in the header) or
their default membership, never from a request body.
"""

from __future__ import annotations

from .models import Membership
from .scoping import staff_person

SESSION_KEY = "active_company_id"


def active_membership(request):
    """The membership the request works in, or None (carrier staff, anonymous, no company)."""
    user = request.user
    if not user.is_authenticated:
        return None
    memberships = list(Membership.objects.filter(user=user).select_related("company"))
    # All of them, for the two-factor policy (teams.two_factor), which asks what every company wants.
    request.memberships = memberships
    if not memberships:
        return None
    chosen = request.session.get(SESSION_KEY)
    by_id = {m.company_id: m for m in memberships}
    if chosen in by_id:
        return by_id[chosen]
    return next((m for m in memberships if m.is_default), memberships[0])


class ActiveCompanyMiddleware:
    """Sets ``request.membership`` (None for staff and anonymous users) once per request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.membership = active_membership(request)
        return self.get_response(request)


def company_context(request) -> dict:
    """Template context: the active company, the user's other companies (for the switcher)
    and their staff profile."""
    user = getattr(request, "user", None)
    membership = getattr(request, "membership", None)
    context = {"active_membership": membership}
    if user is not None and user.is_authenticated:
        context["staff_person"] = staff_person(user)
        if membership is not None:
            context["memberships"] = Membership.objects.filter(user=user).select_related("company")
    return context
