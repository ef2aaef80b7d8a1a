"""The payload's schema: what a receiver gets, documented as components of the OpenAPI schema
(``WebhookPayload``: one shape per subject, told apart by ``event``).

A body is ``{"id": <delivery uuid>, "event": "<name>", "occurred_at": "<ISO 8601>", "data": {…}}``.
``data`` is built by the app where the event happened (``escalations.webhook_events`` and the like)
and holds only what a customer of the account may read: never an internal note, a staff-only
reason or a time entry. These serializers describe it; ``tests/webhooks/test_payloads.py`` holds
every app's ``data`` to them, field for field. Adding a field is compatible; removing or renaming
one is not (receivers parse these).
"""

from __future__ import annotations

import json

from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field
from rest_framework import serializers

from .events import ESCALATION_EVENTS, HANDOFF_COMPLETED, MAINTENANCE_PUBLISHED, POSTMORTEM_PUBLISHED


class WebhookCompanySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class WebhookAccountSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField(help_text="The account number.")
    company = WebhookCompanySerializer()


class EscalationWebhookDataSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The item's number (#id on the pages and in the API).")
    subject = serializers.CharField()
    company = WebhookCompanySerializer()
    account = WebhookAccountSerializer()
    channel = serializers.CharField(help_text="`pager`, `voicemail`, `email`, `conference_call` or `meeting`.")
    category = serializers.CharField(help_text="The category's code, as in the escalations API.")
    status = serializers.CharField(
        help_text="`new`, `acknowledged`, `in_progress`, `waiting_on_customer`, `resolved` or `cancelled`."
    )
    level = serializers.IntegerField(help_text="1: with the assignee; 2: with their director.")
    received_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField(allow_null=True, help_text="The response deadline (none for some policies).")
    next_deadline_at = serializers.DateTimeField(
        allow_null=True, help_text="The deadline it works towards now (the response, then a promised follow-up)."
    )
    resolved_at = serializers.DateTimeField(allow_null=True)
    url = serializers.URLField(help_text="The item's page in the portal.")


class WebhookRoleSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class WebhookPersonSerializer(serializers.Serializer):
    name = serializers.CharField()
    email = serializers.CharField()


class HandoffWebhookDataSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    role = WebhookRoleSerializer()
    outgoing = WebhookPersonSerializer()
    incoming = WebhookPersonSerializer(help_text="The customers' new contact.")
    effective_date = serializers.DateField(help_text="The day the incoming person starts (may be later than planned).")
    completed_at = serializers.DateTimeField()
    accounts = WebhookAccountSerializer(many=True)
    url = serializers.URLField()


class PostMortemWebhookDataSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    version = serializers.IntegerField(help_text="1 for the first publication; each correction adds one.")
    ticket_number = serializers.CharField()
    circuit_id = serializers.CharField()
    company = WebhookCompanySerializer()
    account = WebhookAccountSerializer()
    event_start = serializers.DateTimeField()
    event_end = serializers.DateTimeField()
    published_at = serializers.DateTimeField()
    escalation = serializers.IntegerField(help_text="The escalation item that tracked it.")
    url = serializers.URLField()
    pdf_url = serializers.URLField(help_text="The published version as a PDF (signed-in users).")


class MaintenanceWebhookDataSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField(help_text="`maintenance` (planned) or `outage` (major outage).")
    reference = serializers.CharField(help_text="A maintenance's GCR number; an outage's MO-<year>-<nnnn>.")
    title = serializers.CharField()
    status = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField(allow_null=True, help_text="None for an outage (set when restored).")
    impact = serializers.CharField()
    published_at = serializers.DateTimeField()
    accounts = WebhookAccountSerializer(many=True)
    url = serializers.URLField()


def _event_field(names: tuple[str, ...]):
    @extend_schema_field({"type": "string", "enum": list(names)})
    class EventField(serializers.CharField):
        pass

    return EventField(help_text="The event's name (also in the `X-Portal-Event` header).")


def _envelope(name: str, events: tuple[str, ...], data) -> type[serializers.Serializer]:
    return type(
        name,
        (serializers.Serializer,),
        {
            "__doc__": "A webhook body (and its signed bytes).",
            "id": serializers.UUIDField(help_text="The delivery's id (also `X-Portal-Delivery`): drop a repeat."),
            "event": _event_field(events),
            "occurred_at": serializers.DateTimeField(help_text="When it happened (ISO 8601)."),
            "data": data(),
        },
    )


EscalationWebhookSerializer = _envelope(
    "EscalationWebhookSerializer", ESCALATION_EVENTS, EscalationWebhookDataSerializer
)
HandoffWebhookSerializer = _envelope("HandoffWebhookSerializer", (HANDOFF_COMPLETED,), HandoffWebhookDataSerializer)
PostMortemWebhookSerializer = _envelope(
    "PostMortemWebhookSerializer", (POSTMORTEM_PUBLISHED,), PostMortemWebhookDataSerializer
)
MaintenanceWebhookSerializer = _envelope(
    "MaintenanceWebhookSerializer", (MAINTENANCE_PUBLISHED,), MaintenanceWebhookDataSerializer
)

# Event name → the shape of its ``data`` (the test of every app's payloads reads it).
DATA_SERIALIZERS = {
    **dict.fromkeys(ESCALATION_EVENTS, EscalationWebhookDataSerializer),
    HANDOFF_COMPLETED: HandoffWebhookDataSerializer,
    POSTMORTEM_PUBLISHED: PostMortemWebhookDataSerializer,
    MAINTENANCE_PUBLISHED: MaintenanceWebhookDataSerializer,
}
ENVELOPES = {
    **dict.fromkeys(ESCALATION_EVENTS, EscalationWebhookSerializer),
    HANDOFF_COMPLETED: HandoffWebhookSerializer,
    POSTMORTEM_PUBLISHED: PostMortemWebhookSerializer,
    MAINTENANCE_PUBLISHED: MaintenanceWebhookSerializer,
}

WEBHOOK_PAYLOAD = PolymorphicProxySerializer(
    component_name="WebhookPayload",
    serializers=ENVELOPES,
    resource_type_field_name="event",
    many=False,
)


@extend_schema_field(WEBHOOK_PAYLOAD)
class PayloadField(serializers.JSONField):
    """A delivery's body (stored as the JSON text it is signed as), parsed."""

    def to_representation(self, value):
        return json.loads(value) if isinstance(value, str) else value
