"""REST API for the mail taken in (/api/v1/mail/): carrier staff only, same services as the pages.
Read every message (the quarantine by default); accept a quarantined one onto an account, or
discard it with a reason."""

from __future__ import annotations

from django.utils.functional import lazy
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action

from accountteam import bounds
from accountteam.api_errors import ERROR_RESPONSES, ID_LOOKUP, ServiceActionsMixin
from escalations.models import RAISABLE_CATEGORIES
from teams.api import STAFF_WRITES
from teams.models import Account
from teams.selectors import raisable_accounts

from . import selectors, services
from .models import InboundAttachment, InboundMessage

Status = InboundMessage.Status

# --- Serializers ------------------------------------------------------------------------------


class InboundAttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = InboundAttachment
        fields = ["name", "content_type", "size", "refused"]


class InboundMessageSerializer(serializers.ModelSerializer):
    reason_display = serializers.CharField(source="get_reason_display", read_only=True)
    escalation = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text="The item the message became (or was delivered onto), if any."
    )
    account = serializers.SlugRelatedField(
        slug_field="number", read_only=True, allow_null=True, help_text="The account's number, once known."
    )
    attachments = InboundAttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = InboundMessage
        fields = [
            "id", "message_id", "source", "received_at", "sender", "sender_name", "recipient", "subject", "text",
            "status", "reason", "reason_display", "detail", "escalation", "account", "attachments",
            "handled_at", "discard_reason",
        ]
        read_only_fields = fields


class QuarantineAcceptSerializer(serializers.Serializer):
    account = serializers.SlugRelatedField(
        slug_field="number", queryset=Account.objects.none(), help_text="The number of an account you serve.",
    )
    category = serializers.ChoiceField(
        choices=RAISABLE_CATEGORIES, required=False, allow_blank=True, default="",
        help_text="Leave out for the category the subject suggests.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["account"].queryset = raisable_accounts(user=request.user, right="can_escalate")


class QuarantineDiscardSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=bounds.LINE, help_text="Why the message is discarded (kept with it).")


def _status_choice_message() -> str:
    # Translators: %(values)s lists the status codes of e-mail taken in (quarantined, ignored, …),
    # kept as they are.
    return _("One of %(values)s or all.") % {"values": ", ".join(Status.values)}


class InboundListParamsSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=[*Status.values, "all"], default=Status.QUARANTINED,
        error_messages={"invalid_choice": lazy(_status_choice_message, str)()},
    )
    q = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=bounds.SUBJECT,
        help_text="Searches the sender's address and name, the subject and the recipient.",
    )


# --- Viewset ------------------------------------------------------------------------------------


@extend_schema_view(list=extend_schema(parameters=[InboundListParamsSerializer]))
class InboundMessageViewSet(ServiceActionsMixin, viewsets.ReadOnlyModelViewSet):
    """E-mail the portal received, the quarantine first (carrier staff only: a customer sees none)."""

    lookup_value_regex = ID_LOOKUP
    # Writes are the staff's; on a message's route the lookup comes first, and a customer sees no
    # message, so theirs is a 404 before the body is read.
    permission_classes = STAFF_WRITES
    serializer_class = InboundMessageSerializer
    detail_serializer_class = InboundMessageSerializer

    def get_queryset(self):
        if self.action == "list":
            params = InboundListParamsSerializer(data=self.request.query_params)
            params.is_valid(raise_exception=True)
            status_filter = params.validated_data["status"]
            return selectors.inbound_list(
                user=self.request.user, status=None if status_filter == "all" else status_filter,
                query=params.validated_data["q"],
            ).prefetch_related("attachments")
        return InboundMessage.objects.visible_to(self.request.user)

    def fetch_detail(self, pk) -> InboundMessage:
        return selectors.inbound_get(user=self.request.user, pk=pk)

    def retrieve(self, request, *args, **kwargs):
        return self.detail_response(kwargs["pk"])

    @extend_schema(request=QuarantineAcceptSerializer, responses={201: InboundMessageSerializer, **ERROR_RESPONSES})
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """Raise an e-mail item from a quarantined message on an account you serve, its clock started
        when the message arrived; the answer is the message, with the new item's id in `escalation`.
        A message no longer in quarantine is a 409."""
        message = self.action_object()
        data = self.validated(QuarantineAcceptSerializer)
        services.quarantine_accept(actor=request.user, message=message, account=data["account"],
                                   category=data["category"])
        return self.detail_response(message.pk, status.HTTP_201_CREATED)

    @extend_schema(request=QuarantineDiscardSerializer, responses={200: InboundMessageSerializer, **ERROR_RESPONSES})
    @action(detail=True, methods=["post"])
    def discard(self, request, pk=None):
        """Discard a quarantined message, saying why (it is kept, with its original, for the record)."""
        message = self.action_object()
        data = self.validated(QuarantineDiscardSerializer)
        services.quarantine_discard(actor=request.user, message=message, reason=data["reason"])
        return self.detail_response(message.pk)
