"""API token authentication: ``Authorization: Token <secret>``, checked against knox's digests.

Kept apart from the API views: DRF imports authentication classes while it loads its own views.
"""

from __future__ import annotations

import re

from allauth.account.adapter import get_adapter
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from knox.auth import TokenAuthentication
from rest_framework import exceptions

from .sign_in import TWO_FACTOR_MISSING_MESSAGE
from .tokens import api_token_touch

# What a secret can look like (knox makes hexadecimal ones); anything else is refused before it
# reaches a query (a NUL, say, which PostgreSQL cannot even compare).
SECRET_SHAPE = re.compile(r"[0-9A-Za-z_-]{1,200}")


class ApiTokenAuthentication(TokenAuthentication):
    """knox's token check on ``ApiToken``; notes each token's last use (at most once a minute).

    A token made before its user had to have two-factor sign-in stops working (403) until they have
    set it up: the sign-in adapter says whose (``api_token_refused``)."""

    request = None

    def authenticate(self, request):
        # DRF makes an authenticator per request: the request is kept for the audit trail, which
        # notes a token's use (with the client's address) at most once an hour (api_token_touch).
        self.request = request
        return super().authenticate(request)

    def authenticate_credentials(self, token: bytes):
        try:
            secret = token.decode("utf-8")
        except UnicodeDecodeError:
            secret = ""
        if not SECRET_SHAPE.fullmatch(secret):
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        user, api_token = super().authenticate_credentials(token)
        if get_adapter().api_token_refused(user):
            raise exceptions.PermissionDenied(_(TWO_FACTOR_MISSING_MESSAGE))
        api_token_touch(token=api_token, request=self.request)
        return user, api_token

    def _cleanup_token(self, auth_token) -> bool:
        # knox would also sweep all of the user's other expired tokens here, a query on every
        # request; they are swept when the user makes a token instead (api_token_create).
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            auth_token.delete()
            return True
        return False
