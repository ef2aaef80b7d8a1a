"""REST API for outgoing webhooks (/api/v1/webhooks/): carrier admins register endpoints, rotate
their secrets, read the delivery log and replay a delivery, with the same services as the pages.

Anyone else reads empty lists and gets 404 for any endpoint or delivery; a create is refused with
403 before its body is read. The payload a receiver gets is the schema's ``WebhookPayload``
(a delivery's ``payload``).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accountteam.api_errors import ERROR_RESPONSES, ID_LOOKUP, ServiceActionsMixin
from teams.api import IsCarrierStaffForWrites
from teams.scoping import staff_person

from . import selectors, services
from .events import EVENT_CHOICES
from .models import Delivery, Endpoint
from .payloads import PayloadField
from .rules import NAME_LENGTH, URL_LENGTH

# --- Permissions ------------------------------------------------------------------------------


def _is_carrier_admin(user) -> bool:
    person = staff_person(user)
    return person is not None and person.is_carrier_admin


class IsCarrierAdminForWrites(IsCarrierStaffForWrites):
    """Writes are a carrier admin's: anyone else is refused (403) before the body is read. On a
    detail route the object is looked up first, so that for anyone else it is a 404."""

    message = _("Only a carrier admin can manage webhooks.")

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS or not hasattr(view, request.method.lower()):
            return True
        return getattr(view, "detail", False) or _is_carrier_admin(request.user)

    def may_write(self, user, obj) -> bool:
        return _is_carrier_admin(user)


ADMIN_WRITES = [permissions.IsAuthenticated, IsCarrierAdminForWrites]

# --- Serializers ------------------------------------------------------------------------------


class EndpointSerializer(serializers.ModelSerializer):
    events = serializers.ListField(child=serializers.ChoiceField(choices=EVENT_CHOICES), read_only=True)
    created_by = serializers.SerializerMethodField(
        help_text="The admin who registered it (told if it is switched off)."
    )
    disabled_at = serializers.DateTimeField(
        read_only=True, allow_null=True,
        help_text="When the portal switched it off after `WEBHOOKS_DISABLE_AFTER` failed deliveries in a row.",
    )

    class Meta:
        model = Endpoint
        fields = [
            "id", "name", "url", "events", "is_active", "created_by", "created_at", "updated_at",
            "secret_rotated_at", "consecutive_failures", "disabled_at",
        ]
        read_only_fields = fields

    def get_created_by(self, obj) -> str | None:
        return obj.created_by.name if obj.created_by is not None else None


class EndpointWithSecretSerializer(EndpointSerializer):
    secret = serializers.CharField(
        read_only=True,
        help_text="The signing secret. Shown only in this answer (on creation and rotation): keep it.",
    )

    class Meta(EndpointSerializer.Meta):
        fields = [*EndpointSerializer.Meta.fields, "secret"]
        read_only_fields = fields


class EndpointWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=NAME_LENGTH)
    url = serializers.CharField(
        max_length=URL_LENGTH,
        help_text="https://… (plain http:// only where the portal allows it: DEBUG or WEBHOOKS_ALLOW_HTTP).",
    )
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=EVENT_CHOICES), max_length=len(EVENT_CHOICES) * 2,
        help_text="The events it receives (at least one).",
    )
    is_active = serializers.BooleanField(required=False, default=True)


class EndpointChangeSerializer(EndpointWriteSerializer):
    """PUT: every field but ``is_active`` (unchanged when left out); PATCH: any of them."""

    is_active = serializers.BooleanField(
        required=False, help_text="Switching it on again clears its run of failures.",
    )


class DeliverySerializer(serializers.ModelSerializer):
    uuid = serializers.UUIDField(read_only=True, help_text="The body's `id` and the `X-Portal-Delivery` header.")
    endpoint_name = serializers.CharField(source="endpoint.name", read_only=True)
    response_code = serializers.IntegerField(read_only=True, allow_null=True)
    duration_ms = serializers.IntegerField(read_only=True, allow_null=True, help_text="The last attempt's.")

    class Meta:
        model = Delivery
        fields = [
            "id", "uuid", "endpoint", "endpoint_name", "event", "occurred_at", "status", "attempts", "max_attempts",
            "next_attempt_at", "last_attempt_at", "response_code", "duration_ms", "last_error", "created_at",
        ]
        read_only_fields = fields


class DeliveryDetailSerializer(DeliverySerializer):
    payload = PayloadField(source="body", read_only=True, help_text="The body posted, parsed.")

    class Meta(DeliverySerializer.Meta):
        fields = [*DeliverySerializer.Meta.fields, "payload"]
        read_only_fields = fields


class DeliveryListParamsSerializer(serializers.Serializer):
    endpoint = serializers.IntegerField(required=False, min_value=1, help_text="One endpoint's deliveries.")
    status = serializers.ChoiceField(choices=Delivery.Status.choices, required=False)
    event = serializers.ChoiceField(choices=EVENT_CHOICES, required=False)


# --- Viewsets ---------------------------------------------------------------------------------


class EndpointViewSet(ServiceActionsMixin, viewsets.GenericViewSet):
    """Webhook endpoints (carrier admins; anyone else: none)."""

    lookup_value_regex = ID_LOOKUP
    permission_classes = ADMIN_WRITES
    filter_backends = []
    serializer_class = EndpointSerializer
    detail_serializer_class = EndpointSerializer

    def get_queryset(self):
        return selectors.endpoint_list(user=self.request.user)

    def fetch_detail(self, pk) -> Endpoint:
        return selectors.endpoint_get(user=self.request.user, pk=pk)

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(EndpointSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return self.detail_response(self.fetch_detail(pk))

    @extend_schema(request=EndpointWriteSerializer, responses={201: EndpointWithSecretSerializer, **ERROR_RESPONSES})
    def create(self, request):
        """Register an endpoint; the answer carries its signing secret, the only time it is shown."""
        data = self.validated(EndpointWriteSerializer)
        endpoint, secret = services.endpoint_create(actor=request.user, request=request, **data)
        return self._with_secret(endpoint, secret, status.HTTP_201_CREATED)

    @extend_schema(request=EndpointChangeSerializer, responses={200: EndpointSerializer, **ERROR_RESPONSES})
    def update(self, request, pk=None):
        """Change the name, address, events and (optionally) whether it is on."""
        return self._change(partial=False)

    @extend_schema(request=EndpointChangeSerializer, responses={200: EndpointSerializer, **ERROR_RESPONSES})
    def partial_update(self, request, pk=None):
        """Change any of the name, address, events and whether it is on."""
        return self._change(partial=True)

    @extend_schema(responses={204: OpenApiResponse(description="Removed, with its delivery log."), **ERROR_RESPONSES})
    def destroy(self, request, pk=None):
        services.endpoint_delete(actor=request.user, endpoint=self.action_object(), request=request)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses={200: EndpointWithSecretSerializer, **ERROR_RESPONSES})
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request, pk=None):
        """A new signing secret, at once (shown only in this answer); the old one signs nothing more."""
        endpoint, secret = services.endpoint_rotate_secret(
            actor=request.user, endpoint=self.action_object(), request=request
        )
        return self._with_secret(endpoint, secret, status.HTTP_200_OK)

    def _change(self, *, partial: bool):
        endpoint = self.action_object()
        serializer = EndpointChangeSerializer(data=self.request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        services.endpoint_update(
            actor=self.request.user, endpoint=endpoint, request=self.request, **serializer.validated_data
        )
        return self.detail_response(endpoint.pk)

    def _with_secret(self, endpoint: Endpoint, secret: str, code: int) -> Response:
        endpoint = self.fetch_detail(endpoint.pk)
        endpoint.secret = secret
        return Response(EndpointWithSecretSerializer(endpoint).data, status=code)


@extend_schema_view(list=extend_schema(parameters=[DeliveryListParamsSerializer]))
class DeliveryViewSet(ServiceActionsMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """The delivery log: what was sent to which endpoint, newest first (carrier admins)."""

    lookup_value_regex = ID_LOOKUP
    permission_classes = ADMIN_WRITES
    filter_backends = []
    serializer_class = DeliverySerializer
    detail_serializer_class = DeliveryDetailSerializer

    def get_queryset(self):
        if self.action == "list":
            params = DeliveryListParamsSerializer(data=self.request.query_params)
            params.is_valid(raise_exception=True)
            data = params.validated_data
            rows = selectors.delivery_list(
                user=self.request.user, status=data.get("status", ""), event=data.get("event", "")
            )
            return rows.filter(endpoint_id=data["endpoint"]) if "endpoint" in data else rows
        return Delivery.objects.visible_to(self.request.user)

    def fetch_detail(self, pk) -> Delivery:
        return selectors.delivery_get(user=self.request.user, pk=pk)

    @extend_schema(responses={200: DeliveryDetailSerializer, **ERROR_RESPONSES})
    def retrieve(self, request, pk=None):
        return self.detail_response(self.fetch_detail(pk))

    @extend_schema(request=None, responses={202: DeliveryDetailSerializer, **ERROR_RESPONSES})
    @action(detail=True, methods=["post"])
    def replay(self, request, pk=None):
        """Send a finished delivery once more (same body and id), now. 409 while it is still pending or
        when its endpoint is switched off."""
        delivery = services.delivery_replay(actor=request.user, delivery=self.action_object())
        return self.detail_response(delivery.pk, status.HTTP_202_ACCEPTED)

