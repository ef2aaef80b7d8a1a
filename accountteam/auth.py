"""Sign-in policy: invitation only, no open sign-up; a lockout is written to the audit trail.

Also the hooks through which the floors above say who may not sign in with a password, and who
must set up two-factor sign-in first. They answer "nobody" here (``accountteam`` knows nothing of
staff or companies); the adapter in use (``ACCOUNT_ADAPTER``, ``teams.sign_in.PortalAccountAdapter``)
fills them in, and allauth's pages and the API's token sign-in (``accountteam.sign_in``) both ask it.
"""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from django.core.exceptions import ValidationError

# allauth's error code for a sign-in refused by its lockout (too many failed attempts).
LOCKED = "too_many_login_attempts"
# The code of the sign-in form's error when the password is right but may not be used.
PASSWORD_SIGN_IN_OFF = "password_sign_in_off"


class InviteOnlyAccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        # Users join through an emailed invitation from a company admin or carrier staff.
        return False

    def password_sign_in_refusal(self, user) -> str | None:
        """Why ``user`` may not sign in with their password (the message to show), or None."""
        return None

    def two_factor_setup_required(self, user) -> bool:
        """Must ``user`` set up two-factor sign-in before anything else (required, and none)?"""
        return False

    def api_token_refused(self, user) -> bool:
        """Is an API token of ``user`` refused for now, because they must set up two-factor sign-in?
        Asked on every request that carries a token, so it should cost no query when it can."""
        return False

    def authenticate(self, request, **credentials):
        user = super().authenticate(request, **credentials)
        if user is not None and "password" in credentials and not getattr(self, "_reauthenticating", False):
            # Only once the password is known to be right, so the refusal tells nothing to a guesser;
            # allauth has already taken the attempt back from the failed sign-ins' count.
            refusal = self.password_sign_in_refusal(user)
            if refusal:
                raise ValidationError(refusal, code=PASSWORD_SIGN_IN_OFF)
        return user

    def reauthenticate(self, user, password: str) -> bool:
        # Confirming the password of a session already signed in (before a sensitive change) is not
        # a sign-in: a staff member who signed in through single sign-on may still confirm it.
        self._reauthenticating = True
        try:
            return super().reauthenticate(user, password)
        finally:
            self._reauthenticating = False

    def pre_authenticate(self, request, **credentials):
        # Kept for ``validation_error``: the same adapter refuses the attempt that follows.
        self.audit_login = str(credentials.get("email") or credentials.get("username") or "")
        super().pre_authenticate(request, **credentials)

    def validation_error(self, code, *args):
        """allauth builds every refusal here, the lockout's too: at the password step (a login name
        or an address over its limit) and at the two-factor step (a user's wrong codes)."""
        error = super().validation_error(code, *args)
        if code == LOCKED:
            from .audit_receivers import sign_in_locked

            request = getattr(self, "request", None) or context.request
            # At the two-factor step the user is the pending sign-in's (allauth's login stage).
            stage = getattr(request, "_login_stage", None)
            user = getattr(getattr(stage, "login", None), "user", None)
            login = getattr(self, "audit_login", "")
            if login or user is not None:
                sign_in_locked(request=request, login=login, user=user)
        return error
