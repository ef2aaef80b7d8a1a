"""REST API for network notices (/api/v1/network-notices/): planned maintenance and major outages.
Everyone signed in reads the notices they see (staff: all; customers: those on their companies'
accounts, with only their own accounts listed); the carrier's staff publish, change, cancel and
move them on, with the same services as the pages (the network operations' tooling, with a
staff member's token)."""

from __future__ import annotations

from django.utils.functional import lazy
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action

from accountteam import bounds, idempotency
from accountteam.api_errors import ERROR_RESPONSES, ID_LOOKUP, ServiceActionsMixin
from teams.api import STAFF_WRITES
from teams.models import Account, Company
from teams.scoping import display_name, staff_person

from . import selectors, services
from .forms import STATUS_FILTERS
from .models import OUTAGE_STATUSES, Kind, NetworkNotice, NoticeAccount, NoticeUpdate, Status

# --- Serializers ------------------------------------------------------------------------------


class NoticeAccountSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source="account.id", read_only=True)
    number = serializers.CharField(source="account.number", read_only=True)
    name = serializers.CharField(source="account.name", read_only=True)
    company = serializers.IntegerField(source="account.company_id", read_only=True)
    company_name = serializers.CharField(source="account.company.name", read_only=True)

    class Meta:
        model = NoticeAccount
        fields = ["id", "number", "name", "company", "company_name"]


class NoticeUpdateSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField(help_text="Who made the change (for the carrier's staff only).")
    changes = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField(allow_null=True)), read_only=True,
        help_text="field → [before, after], as text (times in ISO 8601, UTC).",
    )

    class Meta:
        model = NoticeUpdate
        fields = ["at", "event", "status", "changes", "message", "actor"]

    def get_actor(self, obj) -> str | None:
        request = self.context.get("request")
        if request is None or staff_person(request.user) is None or obj.actor is None:
            return None
        return display_name(obj.actor)


class NetworkNoticeSerializer(serializers.ModelSerializer):
    accounts = NoticeAccountSerializer(
        source="notice_accounts", many=True, read_only=True,
        help_text="The affected accounts the caller may see (a customer: their companies' only).",
    )

    class Meta:
        model = NetworkNotice
        fields = [
            "id", "kind", "reference", "title", "status", "starts_at", "ends_at", "impact", "description",
            "published_at", "updated_at", "accounts",
        ]


class NetworkNoticeDetailSerializer(NetworkNoticeSerializer):
    updates = NoticeUpdateSerializer(many=True, read_only=True)

    class Meta(NetworkNoticeSerializer.Meta):
        fields = [*NetworkNoticeSerializer.Meta.fields, "updates"]


class NoticePublishSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Kind.choices)
    reference = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=services.REFERENCE_LENGTH,
        help_text="A planned maintenance's GCR number (required, unique); leave out for a major outage.",
    )
    title = serializers.CharField(max_length=bounds.SUBJECT)
    starts_at = bounds.datetime_api_field(help_text="A maintenance's window start; when an outage began.")
    ends_at = bounds.datetime_api_field(
        required=False, allow_null=True, default=None,
        help_text="A maintenance's window end (required); leave out for an outage (set when restored).",
    )
    impact = serializers.CharField(max_length=bounds.COMMENT)
    description = serializers.CharField(required=False, allow_blank=True, default="", max_length=bounds.DESCRIPTION)
    accounts = serializers.PrimaryKeyRelatedField(
        queryset=Account.objects.none(), many=True, required=False, default=list,
        help_text="Account ids, among those the caller sees.",
    )
    companies = serializers.PrimaryKeyRelatedField(
        queryset=Company.objects.none(), many=True, required=False, default=list,
        help_text="Company ids: every active account of each (that the caller sees) is affected.",
    )
    message = serializers.CharField(required=False, allow_blank=True, default="", max_length=bounds.COMMENT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["accounts"].child_relation.queryset = Account.objects.visible_to(request.user)
            self.fields["companies"].child_relation.queryset = Company.objects.visible_to(request.user)


class NoticeChangeSerializer(serializers.Serializer):
    title = serializers.CharField(required=False, max_length=bounds.SUBJECT)
    starts_at = bounds.datetime_api_field(required=False)
    ends_at = bounds.datetime_api_field(required=False, help_text="A maintenance's only.")
    impact = serializers.CharField(required=False, max_length=bounds.COMMENT)
    description = serializers.CharField(required=False, allow_blank=True, max_length=bounds.DESCRIPTION)
    message = serializers.CharField(max_length=bounds.COMMENT, help_text="What changed, for the customers.")


class NoticeCancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=bounds.COMMENT, help_text="Why it is cancelled, for the customers.")


class OutageStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=[(s.value, s.label) for s in OUTAGE_STATUSES])
    message = serializers.CharField(max_length=bounds.COMMENT)
    restored_at = bounds.datetime_api_field(
        required=False, allow_null=True, default=None, help_text="With `restored`: when (default: now)."
    )


def _status_choice_message() -> str:
    # Translators: %(values)s lists the codes of the statuses and their groups, kept as they are.
    return _("One of %(values)s.") % {"values": ", ".join(LIST_STATUSES)}


LIST_STATUSES = [value for value, _label in STATUS_FILTERS] + list(Status.values)


class NoticeListParamsSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=LIST_STATUSES, default="current",
        help_text="`current` (upcoming and under way), `finished`, `all`, or one status.",
        error_messages={"invalid_choice": lazy(_status_choice_message, str)()},
    )
    kind = serializers.ChoiceField(choices=Kind.choices, required=False)
    q = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Searches references, titles, accounts and companies."
    )


# --- Viewset ------------------------------------------------------------------------------------


@extend_schema_view(list=extend_schema(parameters=[NoticeListParamsSerializer]))
class NetworkNoticeViewSet(ServiceActionsMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Planned maintenance and major outages, with the accounts they affect and their history."""

    lookup_value_regex = ID_LOOKUP
    # Every write is the staff's: a customer is refused before the body is read (403; on a notice
    # they cannot see, 404).
    permission_classes = STAFF_WRITES
    filter_backends = []
    detail_serializer_class = NetworkNoticeDetailSerializer

    def get_queryset(self):
        if self.action == "list":
            params = NoticeListParamsSerializer(data=self.request.query_params)
            params.is_valid(raise_exception=True)
            data = params.validated_data
            return selectors.notice_list(
                user=self.request.user, status=data["status"], kind=data.get("kind", ""), query=data["q"]
            )
        return NetworkNotice.objects.visible_to(self.request.user)

    def get_serializer_class(self):
        return NetworkNoticeSerializer if self.action == "list" else NetworkNoticeDetailSerializer

    def fetch_detail(self, pk) -> NetworkNotice:
        return selectors.notice_get(user=self.request.user, pk=pk)

    def retrieve(self, request, *args, **kwargs):
        return self.detail_response(kwargs["pk"])

    @extend_schema(
        request=NoticePublishSerializer, responses={201: NetworkNoticeDetailSerializer, **ERROR_RESPONSES},
        parameters=[idempotency.PARAMETER],
    )
    @idempotency.idempotent
    def create(self, request, *args, **kwargs):
        """Publish a planned maintenance (its GCR number and window) or a major outage (its MO number
        is given); the customers of the affected accounts are told."""
        data = self.validated(NoticePublishSerializer)
        notice = services.notice_publish(actor=request.user, **data)
        return self.detail_response(notice.pk, status.HTTP_201_CREATED)

    @extend_schema(request=NoticeChangeSerializer, responses={200: NetworkNoticeDetailSerializer, **ERROR_RESPONSES})
    def partial_update(self, request, pk=None):
        """Change the title, window, impact or description, with a message for the customers."""
        notice = self.action_object()
        data = self.validated(NoticeChangeSerializer)
        services.notice_update(actor=request.user, notice=notice, **data)
        return self.detail_response(pk)

    @extend_schema(request=NoticeCancelSerializer, responses={200: NetworkNoticeDetailSerializer, **ERROR_RESPONSES})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Cancel a planned maintenance that has not started (409 otherwise)."""
        notice = self.action_object()
        data = self.validated(NoticeCancelSerializer)
        services.notice_cancel(actor=request.user, notice=notice, reason=data["reason"])
        return self.detail_response(pk)

    @extend_schema(request=OutageStatusSerializer, responses={200: NetworkNoticeDetailSerializer, **ERROR_RESPONSES})
    @action(detail=True, methods=["post"], url_path="status")
    def set_status(self, request, pk=None):
        """Move a major outage on: investigating → identified → restored (restored sets its end)."""
        notice = self.action_object()
        data = self.validated(OutageStatusSerializer)
        services.outage_status_update(actor=request.user, notice=notice, **data)
        return self.detail_response(pk)
