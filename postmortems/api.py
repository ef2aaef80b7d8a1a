"""REST API for post-mortems (/api/v1/postmortems/). Same services as the pages.

Customers see their requests and the published versions only: the draft analysis, internal
notes and the workspace are for the carrier's staff; reading a draft answers 404.
"""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from accountteam import bounds, idempotency
from accountteam.api_errors import ERROR_RESPONSES, ID_LOOKUP, ServiceActionsMixin
from teams.api import STAFF_WRITES, IsCarrierStaffForWrites, PersonBriefSerializer
from teams.models import Account, Person
from teams.scoping import staff_person

from . import pdf, rules, selectors, services
from .models import Complexity, Note, PostMortem, PreventiveAction, Source, Status, Version
from .rules import format_duration
from .selectors import published_action_ids

# --- Serializers ----------------------------------------------------------------------------------


class NoteSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.get_username", read_only=True, default=None)

    class Meta:
        model = Note
        fields = ["id", "at", "source", "text", "internal", "author", "created_at"]
        read_only_fields = ["id", "author", "created_at"]


class PreventiveActionSerializer(serializers.ModelSerializer):
    owner = serializers.PrimaryKeyRelatedField(queryset=Person.objects.filter(is_active=True))
    owner_name = serializers.CharField(source="owner.name", read_only=True)

    class Meta:
        model = PreventiveAction
        fields = ["id", "description", "owner", "owner_name", "due_on", "state", "done_at", "done_note"]
        read_only_fields = ["id", "state", "done_at", "done_note"]


class VersionSerializer(serializers.ModelSerializer):
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = Version
        fields = ["number", "published_at", "correction_note", "summary", "root_cause", "restoration",
                  "recommendations", "timeline", "actions", "pdf_url"]

    def get_pdf_url(self, obj) -> str:
        return f"/api/v1/postmortems/{obj.postmortem_id}/pdf/?version={obj.number}"


class DraftSerializer(serializers.Serializer):
    summary = serializers.CharField()
    root_cause = serializers.CharField()
    restoration = serializers.CharField()
    recommendations = serializers.CharField()
    review_comment = serializers.CharField()


class PostMortemSerializer(serializers.ModelSerializer):
    account_number = serializers.CharField(source="account.number", read_only=True)
    company_name = serializers.CharField(source="company.name", read_only=True)
    manager = PersonBriefSerializer(read_only=True)
    duration = serializers.SerializerMethodField()
    tracking_escalation = serializers.IntegerField(source="tracking_id", read_only=True)
    next_deadline_at = serializers.DateTimeField(
        source="tracking.next_deadline_at", read_only=True, allow_null=True,
        help_text="The tracking item's next deadline; null while its clock is stopped or once it is closed.",
    )

    class Meta:
        model = PostMortem
        fields = [
            "id", "company", "company_name", "account", "account_number", "ticket_number", "circuit_id",
            "event_start", "event_end", "duration", "impact", "questions", "below_threshold", "status",
            "complexity", "business_days", "due_on", "next_deadline_at", "decline_reason", "manager",
            "requested_at", "tracking_escalation",
        ]

    def get_duration(self, obj) -> str:
        return format_duration(obj.duration)


class PostMortemDetailSerializer(PostMortemSerializer):
    """Adds the published versions (everyone), the preventive actions' status (everyone) and, for
    staff only, the draft, notes and review comment."""

    versions = VersionSerializer(many=True, read_only=True)
    preventive_actions = PreventiveActionSerializer(source="actions", many=True, read_only=True)
    notes = NoteSerializer(many=True, read_only=True)
    draft = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField(
        help_text="The actions the caller may take now (empty for customers)."
    )

    class Meta(PostMortemSerializer.Meta):
        fields = [*PostMortemSerializer.Meta.fields, "versions", "preventive_actions", "notes", "draft",
                  "allowed_actions"]

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=rules.ACTIONS)))
    def get_allowed_actions(self, obj) -> list[str]:
        request = self.context.get("request")
        if request is None:
            return []
        allowed = selectors.postmortem_allowed_actions(user=request.user, postmortem=obj)
        return [name for name in rules.ACTIONS if name in allowed]

    @extend_schema_field(DraftSerializer(allow_null=True, help_text="The draft analysis; null for customers."))
    def get_draft(self, obj) -> dict | None:
        request = self.context.get("request")
        if request is None or staff_person(request.user) is None:
            return None
        return {name: getattr(obj, name) for name in (*services.ANALYSIS_FIELDS, "review_comment")}

    def to_representation(self, obj):
        data = super().to_representation(obj)
        request = self.context.get("request")
        if request is not None and staff_person(request.user) is None:
            # The customer follows the actions as published (with their live status), not a
            # correction's draft; and reads the event's timeline in the published version.
            published = published_action_ids(obj)
            data["preventive_actions"] = [a for a in data["preventive_actions"] if a["id"] in published]
            data["notes"] = []
        return data


class RequestSerializer(serializers.Serializer):
    account = serializers.PrimaryKeyRelatedField(queryset=Account.objects.none())
    ticket_number = serializers.CharField(max_length=60)
    circuit_id = serializers.CharField(max_length=120)
    event_start = bounds.datetime_api_field()
    event_end = bounds.datetime_api_field()
    impact = serializers.CharField(max_length=bounds.DESCRIPTION)
    questions = serializers.CharField(required=False, allow_blank=True, default="", max_length=bounds.DESCRIPTION)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["account"].queryset = Account.objects.visible_to(request.user)


class AcceptSerializer(serializers.Serializer):
    complexity = serializers.ChoiceField(choices=Complexity.choices)
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=bounds.COMMENT)


class DeclineSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=bounds.COMMENT)


class NoteCreateSerializer(serializers.Serializer):
    at = bounds.datetime_api_field()
    source = serializers.ChoiceField(choices=Source.choices)
    text = serializers.CharField(max_length=bounds.NOTE)
    internal = serializers.BooleanField(default=False)


class AnalysisSerializer(serializers.Serializer):
    summary = serializers.CharField(required=False, allow_blank=True, max_length=bounds.DESCRIPTION)
    root_cause = serializers.CharField(required=False, allow_blank=True, max_length=bounds.DESCRIPTION)
    restoration = serializers.CharField(required=False, allow_blank=True, max_length=bounds.DESCRIPTION)
    recommendations = serializers.CharField(required=False, allow_blank=True, max_length=bounds.DESCRIPTION)


class ActionUpdateSerializer(serializers.Serializer):
    done = serializers.BooleanField(required=False, allow_null=True, default=None)
    done_note = serializers.CharField(required=False, allow_blank=True, default="", max_length=bounds.LINE)
    description = serializers.CharField(required=False, max_length=bounds.NOTE)
    owner = serializers.PrimaryKeyRelatedField(queryset=Person.objects.filter(is_active=True), required=False)
    due_on = bounds.date_api_field(required=False)


class PublishSerializer(serializers.Serializer):
    correction_note = serializers.CharField(required=False, allow_blank=True, default="", max_length=bounds.LINE,
                                            help_text="Required from the second version on.")


class PostMortemCommentSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=bounds.COMMENT)


_DOC = {200: PostMortemDetailSerializer, **ERROR_RESPONSES}


class PostMortemListParamsSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=["open", *Status.values], required=False, allow_blank=True,
        help_text="open: every status before published.",
    )
    overdue = serializers.BooleanField(required=False, help_text="Only those past their next deadline.")
    q = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Ticket, circuit, account or company."
    )


class IsWorkerForWrites(IsCarrierStaffForWrites):
    """A post-mortem's workspace is written by its workers: the account's service manager, their
    directors and the carrier admins (after the post-mortem is found: 404 first)."""

    message = gettext_lazy("Only the account's service manager, their director or a carrier admin can do this.")

    def may_write(self, user, obj) -> bool:
        return selectors.can_work(user, obj)


WORKER_WRITES = [permissions.IsAuthenticated, IsWorkerForWrites]


# --- Viewset ------------------------------------------------------------------------------------------


@extend_schema_view(list=extend_schema(parameters=[PostMortemListParamsSerializer]))
class PostMortemViewSet(ServiceActionsMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Post-mortems: request, the manager's workspace, publication and the PDF."""

    lookup_value_regex = ID_LOOKUP

    def get_queryset(self):
        if self.action != "list":
            return PostMortem.objects.visible_to(self.request.user)
        params = PostMortemListParamsSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        return selectors.postmortem_list(
            user=self.request.user, status=params.validated_data.get("status", ""), query=params.validated_data["q"],
            overdue=params.validated_data.get("overdue", False),
        )

    def get_serializer_class(self):
        return PostMortemSerializer if self.action == "list" else PostMortemDetailSerializer

    detail_serializer_class = PostMortemDetailSerializer

    def fetch_detail(self, pk) -> PostMortem:
        return selectors.postmortem_get(user=self.request.user, pk=pk)

    def _pm(self) -> PostMortem:
        return self.action_object()

    def retrieve(self, request, *args, **kwargs):
        return self.detail_response(kwargs["pk"])

    @extend_schema(
        request=RequestSerializer, responses={201: PostMortemDetailSerializer, **ERROR_RESPONSES},
        parameters=[idempotency.PARAMETER],
    )
    @idempotency.idempotent
    def create(self, request, *args, **kwargs):
        """Request a post-mortem (customers with the post-mortem right, or staff on their behalf)."""
        data = self.validated(RequestSerializer)
        pm = services.postmortem_request(actor=request.user, **data)
        return self.detail_response(pm.pk, status.HTTP_201_CREATED)

    @extend_schema(request=AcceptSerializer, responses=_DOC)
    @action(detail=True, methods=["post"], permission_classes=WORKER_WRITES)
    def accept(self, request, pk=None):
        pm = self._pm()
        data = self.validated(AcceptSerializer)
        services.postmortem_accept(actor=request.user, postmortem=pm, **data)
        return self.detail_response(pk)

    @extend_schema(request=DeclineSerializer, responses=_DOC)
    @action(detail=True, methods=["post"], permission_classes=WORKER_WRITES)
    def decline(self, request, pk=None):
        pm = self._pm()
        data = self.validated(DeclineSerializer)
        services.postmortem_decline(actor=request.user, postmortem=pm, reason=data["reason"])
        return self.detail_response(pk)

    @extend_schema(methods=["GET"], responses={200: NoteSerializer(many=True)})
    @extend_schema(methods=["POST"], request=NoteCreateSerializer, responses={201: NoteSerializer, **ERROR_RESPONSES})
    # The whole log (not a page), and none of the list's filters.
    @action(
        detail=True, methods=["get", "post"], permission_classes=WORKER_WRITES, pagination_class=None,
        filter_backends=[],
    )
    def notes(self, request, pk=None):
        """The logged notes of the event (GET), or log one (POST: `at`, `source`, `text`, `internal`)."""
        pm = self._pm()
        if request.method == "GET":
            if staff_person(request.user) is None:
                # The workspace is the carrier's; customers read the published timeline.
                raise Http404
            return Response(NoteSerializer(pm.notes.all(), many=True).data)
        data = self.validated(NoteCreateSerializer)
        note = services.postmortem_note_add(actor=request.user, postmortem=pm, **data)
        return Response(NoteSerializer(note).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["GET"], responses={200: AnalysisSerializer, 404: OpenApiResponse(description="Unpublished")}
    )
    @extend_schema(methods=["PATCH"], request=AnalysisSerializer, responses=_DOC)
    @action(detail=True, methods=["get", "patch"], permission_classes=WORKER_WRITES)
    def analysis(self, request, pk=None):
        """GET: staff read the draft; customers the latest published analysis (404 while unpublished).
        PATCH (staff): save draft sections `summary`, `root_cause`, `restoration`, `recommendations`."""
        pm = self._pm()
        if request.method == "GET":
            source = pm if staff_person(request.user) is not None else selectors.version_get(postmortem=pm)
            return Response({name: getattr(source, name) for name in services.ANALYSIS_FIELDS})
        data = self.validated(AnalysisSerializer)
        services.postmortem_analysis_update(actor=request.user, postmortem=pm, **data)
        return self.detail_response(pk)

    @extend_schema(request=PreventiveActionSerializer, responses={201: PreventiveActionSerializer, **ERROR_RESPONSES})
    @action(detail=True, methods=["post"], url_path="preventive-actions", permission_classes=WORKER_WRITES)
    def preventive_actions(self, request, pk=None):
        pm = self._pm()
        data = self.validated(PreventiveActionSerializer)
        item = services.preventive_action_add(actor=request.user, postmortem=pm, **data)
        return Response(PreventiveActionSerializer(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], responses={200: PreventiveActionSerializer})
    @extend_schema(
        methods=["PATCH"], request=ActionUpdateSerializer,
        responses={200: PreventiveActionSerializer, **ERROR_RESPONSES},
    )
    @extend_schema(methods=["DELETE"], responses={204: None, **ERROR_RESPONSES})
    # Staff write (the action's owner may mark it done); the service asks for the workers where it must.
    @action(
        detail=True, methods=["get", "patch", "delete"], url_path=r"preventive-actions/(?P<action_id>\d+)",
        permission_classes=STAFF_WRITES,
    )
    def preventive_action(self, request, pk=None, action_id=None):
        """GET one action; PATCH to mark it done (`done`, `done_note`; the owner may too) or rewrite it
        while in preparation; DELETE while in preparation."""
        pm = self._pm()
        item = selectors.preventive_action_get(user=request.user, postmortem=pm, pk=action_id)
        if request.method == "GET":
            return Response(PreventiveActionSerializer(item).data)
        if request.method == "DELETE":
            services.preventive_action_delete(actor=request.user, action=item)
            return Response(status=status.HTTP_204_NO_CONTENT)
        data = {k: v for k, v in self.validated(ActionUpdateSerializer).items() if v is not None}
        item = services.preventive_action_update(actor=request.user, action=item, **data)
        return Response(PreventiveActionSerializer(item).data)

    @extend_schema(request=None, responses=_DOC)
    @action(detail=True, methods=["post"], url_path="submit-for-review", permission_classes=WORKER_WRITES)
    def submit_for_review(self, request, pk=None):
        services.postmortem_submit_for_review(actor=request.user, postmortem=self._pm())
        return self.detail_response(pk)

    @extend_schema(request=PostMortemCommentSerializer, responses=_DOC)
    @action(detail=True, methods=["post"], url_path="return-to-preparation", permission_classes=WORKER_WRITES)
    def return_to_preparation(self, request, pk=None):
        pm = self._pm()
        data = self.validated(PostMortemCommentSerializer)
        services.postmortem_return_to_preparation(actor=request.user, postmortem=pm, comment=data["comment"])
        return self.detail_response(pk)

    @extend_schema(request=PublishSerializer, responses={201: VersionSerializer, **ERROR_RESPONSES})
    @action(detail=True, methods=["post"], permission_classes=WORKER_WRITES)
    def publish(self, request, pk=None):
        """Publish a new immutable version. 400 names the missing sections (`sections`)."""
        pm = self._pm()
        data = self.validated(PublishSerializer)
        version = services.postmortem_publish(actor=request.user, postmortem=pm, **data)
        return Response(VersionSerializer(version).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=_DOC)
    @action(detail=True, methods=["post"], permission_classes=WORKER_WRITES)
    def correct(self, request, pk=None):
        """Reopen a published analysis for a correction (published versions stay readable)."""
        services.postmortem_correct(actor=request.user, postmortem=self._pm())
        return self.detail_response(pk)

    @extend_schema(request=PostMortemCommentSerializer, responses=_DOC)
    @action(detail=True, methods=["post"], url_path="wait-on-customer", permission_classes=WORKER_WRITES)
    def wait_on_customer(self, request, pk=None):
        pm = self._pm()
        data = self.validated(PostMortemCommentSerializer)
        services.postmortem_wait(actor=request.user, postmortem=pm, comment=data["comment"])
        return self.detail_response(pk)

    @extend_schema(request=PostMortemCommentSerializer, responses=_DOC)
    @action(detail=True, methods=["post"], permission_classes=WORKER_WRITES)
    def resume(self, request, pk=None):
        pm = self._pm()
        data = self.validated(PostMortemCommentSerializer)
        services.postmortem_resume(actor=request.user, postmortem=pm, comment=data["comment"])
        return self.detail_response(pk)

    @extend_schema(responses={200: VersionSerializer(many=True)})
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])  # every version, unfiltered
    def versions(self, request, pk=None):
        return Response(VersionSerializer(self._pm().versions.all(), many=True).data)

    @extend_schema(
        parameters=[OpenApiParameter("version", int, description="A version number; default the latest.")],
        responses={(200, "application/pdf"): OpenApiTypes.BINARY, 404: OpenApiResponse(description="Not published")},
    )
    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        """The published analysis as a PDF; 404 while nothing is published."""
        pm = self._pm()
        number = request.query_params.get("version")
        if number is not None and not number.isdigit():
            raise ValidationError({"version": _("A version number.")})
        version = selectors.version_get(postmortem=pm, number=int(number) if number else None)
        return pdf_response(version)


def pdf_response(version: Version) -> HttpResponse:
    response = HttpResponse(pdf.version_pdf(version), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf.filename(version)}"'
    return response
