"""REST API for post-mortems (/api/v1/postmortems/). Same services as the pages.

Customers see their requests and the published versions only: the draft analysis, internal
notes and the workspace are for the carrier's staff; reading a draft answers 404.
"""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from accountteam.api_errors import ERROR_RESPONSES, ServiceActionsMixin
from teams.api import PersonBriefSerializer
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


class PostMortemSerializer(serializers.ModelSerializer):
    account_number = serializers.CharField(source="account.number", read_only=True)
    company_name = serializers.CharField(source="company.name", read_only=True)
    manager = PersonBriefSerializer(read_only=True)
    duration = serializers.SerializerMethodField()
    tracking_escalation = serializers.IntegerField(source="tracking_id", read_only=True)
    next_deadline_at = serializers.DateTimeField(source="tracking.next_deadline_at", read_only=True)

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

    def get_draft(self, obj) -> dict | None:
        request = self.context.get("request")
        if request is None or staff_person(request.user) is None:
            return None
        return {name: getattr(obj, name) for name in (*services.ANALYSIS_FIELDS, "review_comment")}

    def to_representation(self, obj):
        data = super().to_representation(obj)
        request = self.context.get("request")
        if request is not None and staff_person(request.user) is None:
            data.pop("draft")
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
    event_start = serializers.DateTimeField()
    event_end = serializers.DateTimeField()
    impact = serializers.CharField()
    questions = serializers.CharField(required=False, allow_blank=True, default="")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["account"].queryset = Account.objects.visible_to(request.user)


class AcceptSerializer(serializers.Serializer):
    complexity = serializers.ChoiceField(choices=Complexity.choices)
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class DeclineSerializer(serializers.Serializer):
    reason = serializers.CharField()


class NoteCreateSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    source = serializers.ChoiceField(choices=Source.choices)
    text = serializers.CharField()
    internal = serializers.BooleanField(default=False)


class AnalysisSerializer(serializers.Serializer):
    summary = serializers.CharField(required=False, allow_blank=True)
    root_cause = serializers.CharField(required=False, allow_blank=True)
    restoration = serializers.CharField(required=False, allow_blank=True)
    recommendations = serializers.CharField(required=False, allow_blank=True)


class ActionUpdateSerializer(serializers.Serializer):
    done = serializers.BooleanField(required=False, allow_null=True, default=None)
    done_note = serializers.CharField(required=False, allow_blank=True, default="")
    description = serializers.CharField(required=False)
    owner = serializers.PrimaryKeyRelatedField(queryset=Person.objects.filter(is_active=True), required=False)
    due_on = serializers.DateField(required=False)


class PublishSerializer(serializers.Serializer):
    correction_note = serializers.CharField(required=False, allow_blank=True, default="",
                                            help_text="Required from the second version on.")


class PostMortemCommentSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


_DOC = {200: PostMortemDetailSerializer, **ERROR_RESPONSES}


# --- Viewset ------------------------------------------------------------------------------------------


class PostMortemViewSet(ServiceActionsMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Post-mortems: request, the manager's workspace, publication and the PDF."""

    def get_queryset(self):
        params = self.request.query_params
        status_filter = params.get("status", "")
        if status_filter and status_filter not in {*Status.values, "open"}:
            raise ValidationError({"status": f"One of open, {', '.join(Status.values)}."})
        return selectors.postmortem_list(
            user=self.request.user, status=status_filter, query=params.get("q", ""),
            overdue=params.get("overdue") in ("1", "true"),
        )

    def get_serializer_class(self):
        return PostMortemSerializer if self.action == "list" else PostMortemDetailSerializer

    detail_serializer_class = PostMortemDetailSerializer

    def fetch_detail(self, pk) -> PostMortem:
        return selectors.postmortem_get(user=self.request.user, pk=pk)

    def _pm(self) -> PostMortem:
        return self.fetch_detail(self.kwargs["pk"])

    def retrieve(self, request, *args, **kwargs):
        return self.detail_response(kwargs["pk"])

    @extend_schema(request=RequestSerializer, responses={201: PostMortemDetailSerializer, **_DOC})
    def create(self, request, *args, **kwargs):
        """Request a post-mortem (customers with the post-mortem right, or staff on their behalf)."""
        data = self.validated(RequestSerializer)
        pm = services.postmortem_request(actor=request.user, **data)
        return self.detail_response(pm.pk, status.HTTP_201_CREATED)

    @extend_schema(request=AcceptSerializer, responses=_DOC)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        pm = self._pm()
        data = self.validated(AcceptSerializer)
        services.postmortem_accept(actor=request.user, postmortem=pm, **data)
        return self.detail_response(pk)

    @extend_schema(request=DeclineSerializer, responses=_DOC)
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        pm = self._pm()
        data = self.validated(DeclineSerializer)
        services.postmortem_decline(actor=request.user, postmortem=pm, reason=data["reason"])
        return self.detail_response(pk)

    @extend_schema(methods=["GET"], responses={200: NoteSerializer(many=True)})
    @extend_schema(methods=["POST"], request=NoteCreateSerializer, responses={201: NoteSerializer, **_DOC})
    @action(detail=True, methods=["get", "post"])
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
    @action(detail=True, methods=["get", "patch"])
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

    @extend_schema(request=PreventiveActionSerializer, responses={201: PreventiveActionSerializer, **_DOC})
    @action(detail=True, methods=["post"], url_path="preventive-actions")
    def preventive_actions(self, request, pk=None):
        pm = self._pm()
        data = self.validated(PreventiveActionSerializer)
        item = services.preventive_action_add(actor=request.user, postmortem=pm, **data)
        return Response(PreventiveActionSerializer(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ActionUpdateSerializer, responses={200: PreventiveActionSerializer, **_DOC})
    @action(detail=True, methods=["get", "patch", "delete"], url_path=r"preventive-actions/(?P<action_id>\d+)")
    def preventive_action(self, request, pk=None, action_id=None):
        """GET one action; PATCH to mark it done (`done`, `done_note`; the owner may too) or rewrite it
        while in preparation; DELETE while in preparation."""
        pm = self._pm()
        item = get_object_or_404(pm.actions, pk=action_id)
        if request.method == "GET":
            return Response(PreventiveActionSerializer(item).data)
        if request.method == "DELETE":
            services.preventive_action_delete(actor=request.user, action=item)
            return Response(status=status.HTTP_204_NO_CONTENT)
        data = {k: v for k, v in self.validated(ActionUpdateSerializer).items() if v is not None}
        item = services.preventive_action_update(actor=request.user, action=item, **data)
        return Response(PreventiveActionSerializer(item).data)

    @extend_schema(request=None, responses=_DOC)
    @action(detail=True, methods=["post"], url_path="submit-for-review")
    def submit_for_review(self, request, pk=None):
        services.postmortem_submit_for_review(actor=request.user, postmortem=self._pm())
        return self.detail_response(pk)

    @extend_schema(request=PostMortemCommentSerializer, responses=_DOC)
    @action(detail=True, methods=["post"], url_path="return-to-preparation")
    def return_to_preparation(self, request, pk=None):
        pm = self._pm()
        data = self.validated(PostMortemCommentSerializer)
        services.postmortem_return_to_preparation(actor=request.user, postmortem=pm, comment=data["comment"])
        return self.detail_response(pk)

    @extend_schema(request=PublishSerializer, responses={201: VersionSerializer, **_DOC})
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Publish a new immutable version. 400 names the missing sections (`sections`)."""
        pm = self._pm()
        data = self.validated(PublishSerializer)
        version = services.postmortem_publish(actor=request.user, postmortem=pm, **data)
        return Response(VersionSerializer(version).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=_DOC)
    @action(detail=True, methods=["post"])
    def correct(self, request, pk=None):
        """Reopen a published analysis for a correction (published versions stay readable)."""
        services.postmortem_correct(actor=request.user, postmortem=self._pm())
        return self.detail_response(pk)

    @extend_schema(request=PostMortemCommentSerializer, responses=_DOC)
    @action(detail=True, methods=["post"], url_path="wait-on-customer")
    def wait_on_customer(self, request, pk=None):
        pm = self._pm()
        data = self.validated(PostMortemCommentSerializer)
        services.postmortem_wait(actor=request.user, postmortem=pm, comment=data["comment"])
        return self.detail_response(pk)

    @extend_schema(request=PostMortemCommentSerializer, responses=_DOC)
    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        pm = self._pm()
        data = self.validated(PostMortemCommentSerializer)
        services.postmortem_resume(actor=request.user, postmortem=pm, comment=data["comment"])
        return self.detail_response(pk)

    @extend_schema(responses={200: VersionSerializer(many=True)})
    @action(detail=True, methods=["get"])
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
            raise ValidationError({"version": "A version number."})
        version = selectors.version_get(postmortem=pm, number=int(number) if number else None)
        return pdf_response(version)


def pdf_response(version: Version) -> HttpResponse:
    response = HttpResponse(pdf.version_pdf(version), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf.filename(version)}"'
    return response
