"""``GET /api/v1/audit/``: the audit trail, read-only, filtered as on the page. Carrier admins read
every event, a company's user managers their companies' (not the carrier's internal ones); anyone
else gets 404."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets

from accountteam import bounds
from accountteam.api_errors import ERROR_RESPONSES
from accountteam.models import AuditAction, AuditEvent

from . import selectors
from .forms import ACTOR_MAX

MAX_ID = 2_147_483_647


class AuditEventSerializer(serializers.ModelSerializer):
    action_label = serializers.CharField(source="get_action_display", read_only=True)
    actor = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text="The user who acted; null for a failed sign-in or a deleted user."
    )
    actor_name = serializers.CharField(
        read_only=True, help_text="Who it was then (a failed sign-in: the login name typed)."
    )
    ip_address = serializers.IPAddressField(read_only=True, allow_null=True)
    company = serializers.IntegerField(source="company_id", read_only=True, allow_null=True)
    summary = serializers.CharField(source="summary_text", read_only=True)
    details = serializers.JSONField(read_only=True)

    class Meta:
        model = AuditEvent
        fields = [
            "id", "at", "action", "action_label", "actor", "actor_name", "ip_address", "user_agent", "company",
            "company_name", "target", "summary", "details",
        ]
        read_only_fields = fields


class AuditListParamsSerializer(serializers.Serializer):
    date_from = bounds.date_api_field(required=False, help_text="From this day (on your clock), included.")
    date_to = bounds.date_api_field(required=False, help_text="Until this day (on your clock), included.")
    action = serializers.ChoiceField(choices=AuditAction.values, required=False)
    actor = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=ACTOR_MAX,
        help_text="Part of the actor's name (or of the login name typed at a sign-in).",
    )
    company = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)

    def validate(self, data):
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            raise serializers.ValidationError({"date_to": ["The end of the period comes before its start."]})
        return data


@extend_schema_view(
    list=extend_schema(
        summary="The audit trail",
        description="Who did what, when and from where, newest first. Carrier admins read every event; a "
        "company's user managers the events of the companies whose users they manage; anyone else 404.",
        parameters=[AuditListParamsSerializer],
        responses={200: AuditEventSerializer(many=True), 400: ERROR_RESPONSES[400], 404: ERROR_RESPONSES[404]},
    ),
)
class AuditEventViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The audit trail (read-only: nobody changes or deletes an event)."""

    serializer_class = AuditEventSerializer
    filter_backends: list = []

    def get_queryset(self):
        # Who may read comes first (404), then the parameters (400).
        selectors.audit_readable_companies(user=self.request.user)
        params = AuditListParamsSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        return selectors.audit_event_list(
            user=self.request.user, date_from=data.get("date_from"), date_to=data.get("date_to"),
            action=data.get("action", ""), actor=data["actor"], company_id=data.get("company"),
        )
