"""API token sign-in: username and password in, ``{"token": ...}`` out, throttled per client."""

from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.throttling import AnonRateThrottle


class TokenSignInThrottle(AnonRateThrottle):
    scope = "token"


class ObtainTokenView(ObtainAuthToken):
    throttle_classes = [TokenSignInThrottle]
