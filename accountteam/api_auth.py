"""API tokens: sign in with a username and password for a token, and list, make and revoke them.

``POST /api/v1/auth/token/`` checks the credentials as allauth's sign-in page does (one counter
of failures and one lockout for both, two-factor codes: ``accountteam.sign_in``), throttled per
client address; ``/api/v1/auth/tokens/`` manages the caller's tokens.
"""

from __future__ import annotations

import logging

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from .api_errors import ERROR_RESPONSES, DetailSerializer
from .audit import record
from .models import ApiToken, AuditAction
from .sign_in import (
    CACHE_UNREACHABLE,
    RETRY_AFTER_SECONDS,
    UNAVAILABLE_MESSAGE,
    SignInRefused,
    credentials_check,
)
from .tokens import SIGN_IN_TOKEN_NAME, api_token_create, api_token_list, api_token_revoke

logger = logging.getLogger(__name__)

NAME_HELP = "What the token is for, to recognise it in the list (a script, a server)."


class TokenSignInThrottle(SimpleRateThrottle):
    """Per client address (``NUM_PROXIES`` says which address that is), signed in or not."""

    scope = "token"

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


# --- Serializers ------------------------------------------------------------------------------


class TokenSignInSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=254, help_text="Username or email address.")
    password = serializers.CharField(max_length=4096, trim_whitespace=False, style={"input_type": "password"})
    code = serializers.CharField(
        max_length=64,
        required=False,
        allow_blank=True,
        help_text="For an account with two-factor sign-in: the authenticator app's code, or an unused recovery code.",
    )
    name = serializers.CharField(
        max_length=100, required=False, help_text=f"{NAME_HELP} Default: {SIGN_IN_TOKEN_NAME}."
    )


class ApiTokenSerializer(serializers.ModelSerializer):
    expires = serializers.DateTimeField(source="expiry", read_only=True)

    class Meta:
        model = ApiToken
        fields = ["id", "name", "created", "last_used_at", "expires"]
        read_only_fields = fields


class NewApiTokenSerializer(ApiTokenSerializer):
    token = serializers.CharField(
        source="secret",
        read_only=True,
        help_text="The secret, shown only in this answer: send `Authorization: Token <it>`.",
    )

    class Meta(ApiTokenSerializer.Meta):
        fields = ["token", *ApiTokenSerializer.Meta.fields]
        read_only_fields = fields


class ApiTokenCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, help_text=NAME_HELP)


def secret_response(token: ApiToken, secret: str, code: int) -> Response:
    """The answer that carries a new token's secret: the only one, so no cache may keep it."""
    token.secret = secret
    return Response(NewApiTokenSerializer(token).data, status=code, headers={"Cache-Control": "no-store"})


UNAUTHENTICATED = OpenApiResponse(DetailSerializer, description="Not signed in, or the token is unknown or expired.")

# --- Sign-in ----------------------------------------------------------------------------------


class ObtainTokenView(APIView):
    """Exchange a username and password (and a two-factor code, if the account has two-factor
    sign-in) for an API token; send it as `Authorization: Token <token>`.

    A wrong username or password answers 400. A missing or wrong two-factor code answers 401. A
    password that may not be used (carrier staff who sign in through single sign-on), an account that
    must set up two-factor sign-in first, or one whose second step is only a security key: 403. After
    too many failed attempts for a username, or from one address (counted together with the
    sign-in page), the account is locked for a while: 429. Throttled per client address (429).
    """

    authentication_classes = []  # credentials are in the body; a token or session changes nothing
    permission_classes = [AllowAny]
    throttle_classes = [TokenSignInThrottle]

    @extend_schema(
        operation_id="auth_token_create",
        request=TokenSignInSerializer,
        responses={
            200: NewApiTokenSerializer,
            400: ERROR_RESPONSES[400],
            401: OpenApiResponse(DetailSerializer, description="A two-factor code is required, or it is wrong."),
            403: OpenApiResponse(
                DetailSerializer,
                description="This account may not get a token with its password: it signs in through single "
                "sign-on, must set up two-factor sign-in in the browser first, or has only a security key.",
            ),
            429: OpenApiResponse(DetailSerializer, description="Too many attempts: throttled, or the account locked."),
            503: OpenApiResponse(DetailSerializer, description="Sign-in is briefly unavailable; try again shortly."),
        },
        auth=[],
    )
    def post(self, request):
        body = TokenSignInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            user = credentials_check(
                request=request._request, login=data["username"], password=data["password"], code=data.get("code", "")
            )
        except SignInRefused as refused:
            if refused.status_code == status.HTTP_400_BAD_REQUEST:
                raise exceptions.ValidationError({api_settings.NON_FIELD_ERRORS_KEY: [refused.message]}) from None
            return Response({"detail": refused.message}, status=refused.status_code)
        record(AuditAction.SIGN_IN_SUCCEEDED, actor=user, request=request, target=f"user:{user.pk}",
               summary=gettext_noop("Signed in."), details={"via": "api"})
        token, secret = api_token_create(
            user=user, name=data.get("name") or SIGN_IN_TOKEN_NAME, request=request, via="sign-in"
        )
        return secret_response(token, secret, status.HTTP_200_OK)

    def handle_exception(self, exc):
        if isinstance(exc, CACHE_UNREACHABLE):
            logger.error("Token sign-in unavailable: the rate-limit cache cannot be reached (%s)", exc)
            return Response(
                {"detail": _(UNAVAILABLE_MESSAGE)},
                status=status.HTTP_503_SERVICE_UNAVAILABLE,
                headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
            )
        return super().handle_exception(exc)


# --- The caller's tokens -------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Your API tokens", responses={200: ApiTokenSerializer(many=True), 401: UNAUTHENTICATED}),
    retrieve=extend_schema(
        summary="One of your API tokens",
        responses={200: ApiTokenSerializer, 401: UNAUTHENTICATED, 404: ERROR_RESPONSES[404]},
    ),
    create=extend_schema(
        summary="Make a named API token",
        description="The answer holds the token's secret; it is not shown again.",
        request=ApiTokenCreateSerializer,
        responses={201: NewApiTokenSerializer, 400: ERROR_RESPONSES[400], 401: UNAUTHENTICATED},
    ),
    destroy=extend_schema(
        summary="Revoke one of your API tokens",
        responses={204: None, 401: UNAUTHENTICATED, 404: ERROR_RESPONSES[404]},
    ),
)
class ApiTokenViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The caller's own API tokens (never anyone else's: another user's token is a 404).

    A token made while signed in with a token expires no later than that token."""

    serializer_class = ApiTokenSerializer
    filter_backends = []

    def get_queryset(self):
        return api_token_list(user=self.request.user)

    def create(self, request):
        body = ApiTokenCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        used = request.auth if isinstance(request.auth, ApiToken) else None
        token, secret = api_token_create(
            user=request.user, name=body.validated_data["name"], not_after=used.expiry if used else None,
            request=request, via="api",
        )
        return secret_response(token, secret, status.HTTP_201_CREATED)

    def destroy(self, request, pk=None):
        api_token_revoke(token=self.get_object(), request=request)
        return Response(status=status.HTTP_204_NO_CONTENT)
