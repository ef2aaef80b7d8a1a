"""API token authentication: ``Authorization: Token <secret>``, checked against knox's digests.

Kept apart from the API views: DRF imports authentication classes while it loads its own views.
"""

from __future__ import annotations

import re

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from knox.auth import TokenAuthentication
from rest_framework import exceptions

from .tokens import api_token_touch

# What a secret can look like (knox makes hexadecimal ones); anything else is refused before it
# reaches a query (a NUL, say, which PostgreSQL cannot even compare).
SECRET_SHAPE = re.compile(r"[0-9A-Za-z_-]{1,200}")


class ApiTokenAuthentication(TokenAuthentication):
    """knox's token check on ``ApiToken``; notes each token's last use (at most once a minute)."""

    def authenticate_credentials(self, token: bytes):
        try:
            secret = token.decode("utf-8")
        except UnicodeDecodeError:
            secret = ""
        if not SECRET_SHAPE.fullmatch(secret):
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        user, api_token = super().authenticate_credentials(token)
        api_token_touch(token=api_token)
        return user, api_token

    def _cleanup_token(self, auth_token) -> bool:
        # knox would also sweep all of the user's other expired tokens here, a query on every
        # request; they are swept when the user makes a token instead (api_token_create).
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            auth_token.delete()
            return True
        return False
