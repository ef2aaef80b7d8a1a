"""REST API for handoffs (/api/v1/handoffs/): carrier staff only, same services as the pages."""

from __future__ import annotations

from django.utils.functional import lazy
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from accountteam import bounds
from accountteam.api_errors import ERROR_RESPONSES, ID_LOOKUP, ServiceActionsMixin
from accountteam.uploads import validate_upload
from dossiers.models import Contact, Meeting
from teams.api import STAFF_WRITES, PersonBriefSerializer
from teams.models import Account, Person, Role

from . import selectors, services
from .models import ChecklistItem, Handoff, HandoffAccount, HandoffEvent

# --- Serializers ------------------------------------------------------------------------------


class ChecklistItemSerializer(serializers.ModelSerializer):
    done_by = serializers.CharField(source="done_by.get_username", read_only=True, allow_null=True, default=None)
    is_done = serializers.BooleanField(read_only=True)

    class Meta:
        model = ChecklistItem
        fields = [
            "id", "title", "description", "owner", "step", "is_done", "done_at", "done_by",
            "note", "link", "file", "meeting",
        ]


class HandoffAccountSerializer(serializers.ModelSerializer):
    account_number = serializers.CharField(source="account.number", read_only=True)
    account_name = serializers.CharField(source="account.name", read_only=True)
    company_name = serializers.CharField(source="account.company.name", read_only=True)
    items = ChecklistItemSerializer(many=True, read_only=True)
    progress = serializers.SerializerMethodField()

    class Meta:
        model = HandoffAccount
        fields = ["id", "account", "account_number", "account_name", "company_name", "ending", "starting",
                  "progress", "items"]

    def get_progress(self, obj) -> dict:
        p = selectors.progress(obj.items.all())
        return {"done": p.done, "total": p.total}


class HandoffEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.get_username", read_only=True, allow_null=True, default=None)

    class Meta:
        model = HandoffEvent
        fields = ["at", "actor", "text"]


class HandoffSerializer(serializers.ModelSerializer):
    role = serializers.SlugRelatedField(slug_field="code", read_only=True)
    outgoing = PersonBriefSerializer(read_only=True)
    incoming = PersonBriefSerializer(read_only=True)
    progress = serializers.SerializerMethodField()

    class Meta:
        model = Handoff
        fields = [
            "id", "role", "outgoing", "incoming", "effective_date", "scope", "status", "note",
            "started_at", "transferred_at", "confirmed_at", "completed_at", "cancel_reason", "progress",
        ]

    def get_progress(self, obj) -> dict:
        if hasattr(obj, "items_total"):
            return {"done": obj.items_done, "total": obj.items_total}
        p = selectors.progress(i for a in obj.accounts.all() for i in a.items.all())
        return {"done": p.done, "total": p.total}


class HandoffDetailSerializer(HandoffSerializer):
    accounts = HandoffAccountSerializer(many=True, read_only=True)
    open_items = serializers.SerializerMethodField()
    events = HandoffEventSerializer(many=True, read_only=True)

    class Meta(HandoffSerializer.Meta):
        fields = [*HandoffSerializer.Meta.fields, "accounts", "open_items", "events"]

    def get_open_items(self, obj) -> list[dict]:
        return services.open_work(obj)


class HandoffStartSerializer(serializers.Serializer):
    role = serializers.SlugRelatedField(slug_field="code", queryset=Role.objects.all())
    outgoing = serializers.PrimaryKeyRelatedField(queryset=Person.objects.filter(is_active=True))
    incoming = serializers.PrimaryKeyRelatedField(queryset=Person.objects.filter(is_active=True))
    effective_date = bounds.date_api_field()
    accounts = serializers.PrimaryKeyRelatedField(
        queryset=Account.objects.none(), many=True, required=False,
        help_text="Account ids; leave out (or set all_accounts) for every account held in the role.",
    )
    all_accounts = serializers.BooleanField(default=False)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=bounds.NOTE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["accounts"].child_relation.queryset = Account.objects.visible_to(request.user)
            self.fields["outgoing"].queryset = Person.objects.visible_to(request.user).filter(is_active=True)
            self.fields["incoming"].queryset = Person.objects.visible_to(request.user).filter(is_active=True)

    def validate(self, data):
        if data["outgoing"] == data["incoming"]:
            raise ValidationError(
                {"incoming": _("The incoming person must be someone other than the outgoing person.")}
            )
        if data.get("all_accounts") and data.get("accounts"):
            raise ValidationError({"accounts": _("Choose accounts or all accounts, not both.")})
        return data


class ItemCompleteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=bounds.NOTE)
    link = serializers.URLField(required=False, allow_blank=True, default="", max_length=200)
    file = serializers.FileField(
        required=False, allow_null=True, default=None, validators=[validate_upload],
        help_text="Evidence (multipart upload; the allowed types are in the API guide).",
    )
    meeting = serializers.PrimaryKeyRelatedField(queryset=Meeting.objects.none(), required=False, allow_null=True,
                                                 default=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["meeting"].queryset = Meeting.objects.visible_to(request.user)


class IntroductionSerializer(serializers.Serializer):
    account = serializers.PrimaryKeyRelatedField(queryset=Account.objects.none())
    starts_at = bounds.datetime_api_field()
    duration_minutes = serializers.IntegerField(default=30, min_value=5, max_value=480)
    location = serializers.CharField(required=False, allow_blank=True, default="", max_length=bounds.LINE)
    contacts = serializers.PrimaryKeyRelatedField(queryset=Contact.objects.none(), many=True, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["account"].queryset = Account.objects.visible_to(request.user)
            self.fields["contacts"].child_relation.queryset = Contact.objects.visible_to(request.user)


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=bounds.LINE)


class HandoffConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    blockers = serializers.ListField(child=serializers.DictField(), required=False)
    open_items = serializers.ListField(child=serializers.DictField(), required=False)


def _status_choice_message() -> str:
    # Translators: %(values)s lists the status codes (open, completed, cancelled), kept as they are.
    return _("One of %(values)s or all.") % {"values": ", ".join(Handoff.Status.values)}


class HandoffListParamsSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=[*Handoff.Status.values, "all"], default=Handoff.Status.OPEN,
        error_messages={"invalid_choice": lazy(_status_choice_message, str)()},
    )
    q = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Searches people, accounts and companies."
    )


class TransferResultSerializer(serializers.Serializer):
    escalations = serializers.IntegerField()
    proposals = serializers.IntegerField()


_DOC = {
    **ERROR_RESPONSES,
    409: OpenApiResponse(
        HandoffConflictSerializer, description="Not allowed now; `blockers` lists what stands in the way."
    ),
}


# --- Viewset ------------------------------------------------------------------------------------


@extend_schema_view(list=extend_schema(parameters=[HandoffListParamsSerializer]))
class HandoffViewSet(ServiceActionsMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Reassignment handoffs with their per-account checklists and progress (carrier staff only)."""

    lookup_value_regex = ID_LOOKUP
    # Every write is the staff's: a customer is refused before the body is read (and, on a
    # handoff's route, after it is looked up: a customer sees none, so that is a 404).
    permission_classes = STAFF_WRITES

    def get_queryset(self):
        if self.action == "list":
            params = HandoffListParamsSerializer(data=self.request.query_params)
            params.is_valid(raise_exception=True)
            status_filter = params.validated_data["status"]
            return selectors.handoff_list(
                user=self.request.user, status=None if status_filter == "all" else status_filter,
                query=params.validated_data["q"],
            )
        return Handoff.objects.visible_to(self.request.user)

    def get_serializer_class(self):
        return HandoffSerializer if self.action == "list" else HandoffDetailSerializer

    detail_serializer_class = HandoffDetailSerializer

    def fetch_detail(self, pk) -> Handoff:
        return selectors.handoff_get(user=self.request.user, pk=pk)

    def _handoff(self) -> Handoff:
        return self.action_object()

    def retrieve(self, request, *args, **kwargs):
        return self.detail_response(kwargs["pk"])

    @extend_schema(request=HandoffStartSerializer, responses={201: HandoffDetailSerializer, **_DOC})
    def create(self, request, *args, **kwargs):
        """Start a handoff for chosen accounts, or for every account the outgoing person holds in the role."""
        data = self.validated(HandoffStartSerializer)
        accounts = None if data["all_accounts"] or not data.get("accounts") else data["accounts"]
        handoff = services.handoff_start(actor=request.user, role=data["role"], outgoing=data["outgoing"],
            incoming=data["incoming"], effective_date=data["effective_date"], accounts=accounts, note=data["note"],
        )
        return self.detail_response(handoff.pk, status.HTTP_201_CREATED)

    @extend_schema(request=ItemCompleteSerializer, responses={200: HandoffDetailSerializer, **_DOC})
    @action(detail=True, methods=["post"], url_path=r"items/(?P<item_id>\d+)/complete")
    def complete_item(self, request, pk=None, item_id=None):
        """Tick a checklist item with its evidence (note, link, file upload or meeting id)."""
        handoff = self._handoff()
        item = selectors.item_get(handoff=handoff, item_id=item_id)
        data = self.validated(ItemCompleteSerializer)
        services.handoff_item_complete(actor=request.user, handoff=handoff, item=item, **data)
        return self.detail_response(handoff.pk)

    @extend_schema(request=None, responses={200: TransferResultSerializer, **_DOC})
    @action(detail=True, methods=["post"])
    def transfer(self, request, pk=None):
        """Move every open escalation and proposal of the outgoing person on the accounts, in one go."""
        counts = services.handoff_transfer_open_items(actor=request.user, handoff=self._handoff())
        return Response(counts)

    @extend_schema(request=IntroductionSerializer, responses={201: HandoffDetailSerializer, **_DOC})
    @action(detail=True, methods=["post"])
    def introduction(self, request, pk=None):
        """Schedule the introduction meeting; the invitation (.ics) is emailed to everyone invited."""
        handoff = self._handoff()
        data = self.validated(IntroductionSerializer)
        contacts = data.pop("contacts", None) or None
        services.handoff_schedule_introduction(actor=request.user, handoff=handoff, contacts=contacts, **data)
        return self.detail_response(handoff.pk, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: HandoffDetailSerializer, **_DOC})
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        """The incoming person confirms (or the director, on their behalf)."""
        services.handoff_confirm(actor=request.user, handoff=self._handoff())
        return self.detail_response(pk)

    @extend_schema(request=None, responses={200: HandoffDetailSerializer, **_DOC})
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        """Switch the assignments. 409 lists every blocker (open items naming the outgoing person,
        unticked checklist items, no confirmation, before the effective date)."""
        services.handoff_complete(actor=request.user, handoff=self._handoff())
        return self.detail_response(pk)

    @extend_schema(request=CancelSerializer, responses={200: HandoffDetailSerializer, **_DOC})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        handoff = self._handoff()
        data = self.validated(CancelSerializer)
        services.handoff_cancel(actor=request.user, handoff=handoff, reason=data["reason"])
        return self.detail_response(pk)
