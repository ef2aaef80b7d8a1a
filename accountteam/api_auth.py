"""API token sign-in: username and password in, ``{"token": ...}`` out, throttled per client."""

from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.throttling import AnonRateThrottle


class TokenSignInThrottle(AnonRateThrottle):
    scope = "token"


class ObtainTokenView(ObtainAuthToken):
    """Exchange a username and password for an API token (send it as `Authorization: Token <key>`).

    Throttled per client; a wrong password answers 400 with a message.
    """

    throttle_classes = [TokenSignInThrottle]
