"""REST API for account dossiers (/api/v1/accounts/{id}/dossier/…). Same selectors and services as
the pages: the account is resolved through ``visible_to`` first (404 outside scope, 403 for a
customer user without the view-team right), every write goes through ``dossier_save`` /
``dossier_delete`` and so lands in the history."""

from __future__ import annotations

import json

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
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
from rest_framework import generics, permissions, renderers, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from accountteam import bounds
from accountteam.api_errors import DetailSerializer, FieldErrorsSerializer
from accountteam.uploads import validate_upload
from teams.api import AccountSerializer, CompanySerializer
from teams.models import Person
from teams.scoping import display_name, staff_person

from . import selectors, services
from .downloads import file_response, ics_response
from .ical import meetings_ics
from .models import AccountProfile, Amendment, Change, Contact, DossierFile, Meeting, Proposal

# --- Serializers ------------------------------------------------------------------------------


class StrictFieldsMixin:
    # Refuse body fields the serializer does not know: a typo (or ``account``/``company``: the
    # account comes from the URL) must not be silently dropped while the rest is saved.
    # (A comment, not a docstring: the schema would show it as every serializer's description.)

    IGNORED = {"csrfmiddlewaretoken"}

    def validate(self, attrs):
        attrs = super().validate(attrs)
        known = set(self.fields)
        unknown = sorted(set(getattr(self, "initial_data", {}) or {}) - known - self.IGNORED)
        if unknown:
            raise ValidationError({name: _("Unknown field.") for name in unknown})
        return attrs  # read-only fields are ignored, so a GET's body can be sent back with a PUT


def _who(user) -> str | None:
    return None if user is None else display_name(user)


class _AccountLinkMixin:
    # Download links are built from the account in the serializer's context.

    def _url(self, name: str, pk: int) -> str:
        path = reverse(f"api:{name}", kwargs={"account_id": self.context["account"].pk, "pk": pk})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class ContactSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    class Meta:
        model = Contact
        fields = ["id", "name", "role", "email", "phone", "cell", "is_primary", "created_at"]
        read_only_fields = ["created_at"]


class AmendmentSerializer(StrictFieldsMixin, _AccountLinkMixin, serializers.ModelSerializer):
    document = serializers.FileField(
        write_only=True, required=False, validators=[validate_upload],
        help_text="The signed or draft document (multipart upload; the allowed types are in the API guide).",
    )
    document_name = serializers.SerializerMethodField()
    document_url = serializers.SerializerMethodField(help_text="Download through the scoped API (null: none).")

    class Meta:
        model = Amendment
        fields = [
            "id", "kind", "title", "status", "is_pending", "requested_on", "signed_on", "effective_on",
            "expires_on", "document", "document_name", "document_url", "created_at",
        ]
        read_only_fields = ["is_pending", "created_at"]

    def get_document_name(self, obj) -> str:
        return obj.document.name.rsplit("/", 1)[-1] if obj.document else ""

    def get_document_url(self, obj) -> str | None:
        return self._url("dossier-amendment-document", obj.pk) if obj.document else None


class AttendeeSerializer(serializers.Serializer):
    name = serializers.CharField()
    email = serializers.EmailField(allow_blank=True)
    side = serializers.ChoiceField(choices=["carrier", "customer"])


class MeetingSerializer(StrictFieldsMixin, _AccountLinkMixin, serializers.ModelSerializer):
    people = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=Person.objects.none(), help_text="Carrier attendees (person ids)."
    )
    contacts = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=Contact.objects.none(),
        help_text="Customer attendees (contact ids of this account).",
    )
    attendees = serializers.SerializerMethodField()
    ends_at = serializers.DateTimeField(read_only=True)
    ics_url = serializers.SerializerMethodField()

    class Meta:
        model = Meeting
        fields = [
            "id", "kind", "title", "starts_at", "ends_at", "duration_minutes", "location", "recurrence",
            "repeat_until", "people", "contacts", "attendees", "notes", "uid", "sequence", "ics_url", "created_at",
        ]
        read_only_fields = ["uid", "sequence", "created_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request, account = self.context.get("request"), self.context.get("account")
        if request is not None and account is not None:
            # Attendees are looked up in the caller's scope: a foreign id is "not found".
            self.fields["people"].child_relation.queryset = Person.objects.visible_to(request.user)
            self.fields["contacts"].child_relation.queryset = Contact.objects.visible_to(request.user).filter(
                account=account
            )

    @extend_schema_field(AttendeeSerializer(many=True))
    def get_attendees(self, obj) -> list[dict]:
        people = [{"name": p.name, "email": p.email, "side": "carrier"} for p in obj.people.all()]
        contacts = [{"name": c.name, "email": c.email, "side": "customer"} for c in obj.contacts.all()]
        return people + contacts

    def get_ics_url(self, obj) -> str:
        return self._url("dossier-meeting-ics", obj.pk)


class ProposalSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    owner = serializers.PrimaryKeyRelatedField(
        queryset=Person.objects.none(), required=False, help_text="Person id; default: the caller."
    )
    owner_name = serializers.CharField(source="owner.name", read_only=True)

    class Meta:
        model = Proposal
        fields = [
            "id", "title", "value", "stage", "is_open", "owner", "owner_name", "background", "parties",
            "commitments", "next_step", "due_date", "created_at",
        ]
        read_only_fields = ["is_open", "created_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["owner"].queryset = Person.objects.visible_to(request.user).filter(is_active=True)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if self.instance is None and "owner" not in attrs:
            owner = staff_person(self.context["request"].user)
            if owner is None:
                raise ValidationError({"owner": _("Name the proposal's owner.")})
            attrs["owner"] = owner
        return attrs


class DossierFileSerializer(StrictFieldsMixin, _AccountLinkMixin, serializers.ModelSerializer):
    file = serializers.FileField(
        write_only=True, validators=[validate_upload],
        help_text="The document or saved email (multipart upload; the allowed types are in the API guide).",
    )
    title = serializers.CharField(max_length=200, required=False, help_text="Default: the file's name.")
    file_name = serializers.SerializerMethodField()
    added_by = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = DossierFile
        fields = [
            "id", "title", "kind", "section", "file", "file_name", "internal", "added_by", "added_at",
            "download_url",
        ]
        read_only_fields = ["added_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance is not None:
            self.fields["file"].required = False  # keep the stored file unless a new one comes

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if self.instance is None and not attrs.get("title"):
            attrs["title"] = attrs["file"].name[:200]
        return attrs

    def get_file_name(self, obj) -> str:
        return obj.file.name.rsplit("/", 1)[-1] if obj.file else ""

    def get_added_by(self, obj) -> str | None:
        return _who(obj.added_by)

    def get_download_url(self, obj) -> str:
        return self._url("dossier-file-download", obj.pk)


class ChangeSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField(help_text="Who made the change (null: the system).")
    changes = serializers.DictField(
        child=serializers.ListField(), help_text="Field → [before, after]; for a removal, what the row held."
    )

    class Meta:
        model = Change
        fields = ["id", "at", "actor", "part", "object_id", "label", "action", "changes", "note"]

    def get_actor(self, obj) -> str | None:
        return _who(obj.actor)


class AccountProfileSerializer(serializers.ModelSerializer):
    updated_at = serializers.SerializerMethodField()

    class Meta:
        model = AccountProfile
        fields = [
            "sales_objectives", "service_objectives", "network_summary", "switches",
            "points_of_interconnection", "key_locations", "updated_at",
        ]

    def get_updated_at(self, obj) -> str | None:
        return serializers.DateTimeField().to_representation(obj.updated_at) if obj.pk else None


class CanEditSerializer(serializers.Serializer):
    profile = serializers.BooleanField(help_text="The corporate and account profile.")
    contacts = serializers.BooleanField()
    amendments = serializers.BooleanField()
    meetings = serializers.BooleanField()
    proposals = serializers.BooleanField()
    files = serializers.BooleanField()


class DossierSerializer(serializers.Serializer):
    account = AccountSerializer()
    company = CompanySerializer(source="account.company", help_text="The company with its corporate profile.")
    profile = AccountProfileSerializer()
    contacts = ContactSerializer(many=True)
    amendments = AmendmentSerializer(many=True)
    meetings = MeetingSerializer(many=True)
    proposals = ProposalSerializer(many=True)
    files = DossierFileSerializer(many=True)
    changes = ChangeSerializer(many=True, help_text="The 20 most recent changes; all of them under history/.")
    can_edit = CanEditSerializer()


def _profile_text(**kwargs) -> serializers.CharField:
    return serializers.CharField(required=False, allow_blank=True, max_length=bounds.DESCRIPTION, **kwargs)


class DossierUpdateSerializer(StrictFieldsMixin, serializers.Serializer):
    company_profile = _profile_text(help_text="The corporate profile (shown in each of the company's dossiers).")
    sales_objectives = _profile_text()
    service_objectives = _profile_text()
    network_summary = _profile_text()
    switches = _profile_text()
    points_of_interconnection = _profile_text()
    key_locations = _profile_text()


# --- Helpers ----------------------------------------------------------------------------------


class MayEditPartForWrites(permissions.BasePermission):
    """A write to the view's part of the dossier is refused (403) before the body is read unless
    the caller may change that part; the account is looked up first (404 outside their scope)."""

    message = gettext_lazy("You may not change this part of the dossier.")

    def has_permission(self, request, view):
        # A method the route does not serve answers 405.
        if request.method in permissions.SAFE_METHODS or not hasattr(view, request.method.lower()):
            return True
        return selectors.can_edit(user=request.user, account=view.get_account(), part=view.part)


def _save(*, user, account, part: str, instance, validated: dict):
    """Hand a serializer's validated data to the service (many-to-many apart)."""
    m2m_names = {f.name for f in instance._meta.many_to_many}
    values = {k: v for k, v in validated.items() if k not in m2m_names}
    m2m = {k: v for k, v in validated.items() if k in m2m_names}
    return services.dossier_save(actor=user, account=account, part=part, instance=instance, values=values, m2m=m2m)


class DownloadRenderer(renderers.BaseRenderer):
    """Lets a download be asked for with any Accept header (a calendar app sends text/calendar);
    errors on such a request still answer JSON."""

    media_type = "*/*"
    format = "download"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes):
            return data
        return json.dumps(data).encode()


ACCOUNT_ID = OpenApiParameter("account_id", int, OpenApiParameter.PATH, description="The account's id.")
PK = OpenApiParameter("id", int, OpenApiParameter.PATH, description="The row's id.")  # {pk} shows as {id}
NOT_FOUND = OpenApiResponse(DetailSerializer, description="Not found or not yours")
FORBIDDEN = OpenApiResponse(DetailSerializer, description="Visible but not yours to change (or no view-team right)")
BAD_INPUT = OpenApiResponse(FieldErrorsSerializer, description="Bad input: a message per field")


# --- Views ---------------------------------------------------------------------------------------


class DossierAccountMixin:
    """The account comes from the URL, through ``visible_to``, once per request."""

    filter_backends: list = []
    permission_classes = [permissions.IsAuthenticated, MayEditPartForWrites]

    def get_account(self):
        if not hasattr(self, "_account"):
            self._account = selectors.dossier_account_get(user=self.request.user, pk=self.kwargs["account_id"])
        return self._account

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if getattr(self, "swagger_fake_view", False):
            return context
        return context | {"account": self.get_account()}


@extend_schema_view(
    get=extend_schema(
        parameters=[ACCOUNT_ID],
        responses={200: DossierSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
        description="The whole dossier of an account: corporate and account profile, contacts, agreement and "
        "amendments, meetings, proposals, files (customers: not the internal ones), recent changes, and what the "
        "caller may edit.",
    ),
    patch=extend_schema(
        parameters=[ACCOUNT_ID],
        request=DossierUpdateSerializer,
        responses={200: DossierSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND},
        description="Carrier staff: change the profile fields and the corporate profile (`company_profile`).",
    ),
)
class DossierView(DossierAccountMixin, APIView):
    part = services.PROFILE  # what a PATCH changes

    def get(self, request, account_id):
        return self._respond(request)

    def patch(self, request, account_id):
        account = self.get_account()
        serializer = DossierUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        company_profile = data.pop("company_profile", None)
        with transaction.atomic():
            if data:
                services.dossier_save(
                    actor=request.user, account=account, part=services.PROFILE,
                    instance=services.profile_for(account), values=data,
                )
            if company_profile is not None:
                services.company_profile_update(actor=request.user, account=account, profile=company_profile)
        return self._respond(request)

    def _respond(self, request):
        account = self.get_account()
        dossier = selectors.dossier_get(user=request.user, account=account)
        context = {"request": request, "account": account}
        return Response(DossierSerializer(dossier, context=context).data)


class PartListView(DossierAccountMixin, generics.ListCreateAPIView):
    """Rows of one part of the dossier; POST adds one (multipart for files and documents)."""

    part: str

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return selectors.PART_MODELS[self.part].objects.none()
        return selectors.part_list(user=self.request.user, account=self.get_account(), part=self.part)

    def create(self, request, *args, **kwargs):
        account = self.get_account()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        instance = _save(
            user=request.user, account=account, part=self.part,
            instance=selectors.PART_MODELS[self.part](), validated=serializer.validated_data,
        )
        return Response(self.get_serializer(instance).data, status=status.HTTP_201_CREATED)


class PartDetailView(DossierAccountMixin, generics.RetrieveUpdateDestroyAPIView):
    """One row; PUT/PATCH change it and DELETE removes it (the history keeps what it held)."""

    part: str

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return selectors.PART_MODELS[self.part].objects.none()
        return selectors.part_list(user=self.request.user, account=self.get_account(), part=self.part)

    def get_object(self):
        return selectors.part_get(
            user=self.request.user, account=self.get_account(), part=self.part, pk=self.kwargs["pk"]
        )

    def update(self, request, *args, **kwargs):
        instance = self.get_object()
        account = self.get_account()
        serializer = self.get_serializer(instance, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        instance = _save(
            user=request.user, account=account, part=self.part, instance=instance, validated=serializer.validated_data
        )
        return Response(self.get_serializer(instance).data)

    def destroy(self, request, *args, **kwargs):
        instance = self.get_object()
        account = self.get_account()
        services.dossier_delete(actor=request.user, account=account, part=self.part, instance=instance)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _part_schema(noun: str, serializer):
    """The OpenAPI description of a part's list and detail views."""
    read = {403: FORBIDDEN, 404: NOT_FOUND}  # 403: a customer user without the view-team right
    write = {400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND}
    list_schema = extend_schema_view(
        get=extend_schema(parameters=[ACCOUNT_ID], responses={200: serializer(many=True), **read},
                          description=f"The account's {noun}s."),
        post=extend_schema(parameters=[ACCOUNT_ID], responses={201: serializer, **write},
                           description=f"Add a {noun}."),
    )
    detail_schema = extend_schema_view(
        get=extend_schema(parameters=[ACCOUNT_ID, PK], responses={200: serializer, **read}),
        put=extend_schema(parameters=[ACCOUNT_ID, PK], responses={200: serializer, **write}),
        patch=extend_schema(parameters=[ACCOUNT_ID, PK], responses={200: serializer, **write}),
        delete=extend_schema(parameters=[ACCOUNT_ID, PK], responses={204: None, 403: FORBIDDEN, 404: NOT_FOUND}),
    )
    return list_schema, detail_schema


_contact_list, _contact_detail = _part_schema("contact", ContactSerializer)
_amendment_list, _amendment_detail = _part_schema("agreement or amendment", AmendmentSerializer)
_meeting_list, _meeting_detail = _part_schema("meeting", MeetingSerializer)
_proposal_list, _proposal_detail = _part_schema("proposal", ProposalSerializer)
_file_list, _file_detail = _part_schema("file", DossierFileSerializer)


@_contact_list
class ContactListView(PartListView):
    part = services.CONTACTS
    serializer_class = ContactSerializer


@_contact_detail
class ContactDetailView(PartDetailView):
    part = services.CONTACTS
    serializer_class = ContactSerializer


@_amendment_list
class AmendmentListView(PartListView):
    part = services.AMENDMENTS
    serializer_class = AmendmentSerializer


@_amendment_detail
class AmendmentDetailView(PartDetailView):
    part = services.AMENDMENTS
    serializer_class = AmendmentSerializer


@_meeting_list
class MeetingListView(PartListView):
    part = services.MEETINGS
    serializer_class = MeetingSerializer


@_meeting_detail
class MeetingDetailView(PartDetailView):
    part = services.MEETINGS
    serializer_class = MeetingSerializer


@_proposal_list
class ProposalListView(PartListView):
    part = services.PROPOSALS
    serializer_class = ProposalSerializer


@_proposal_detail
class ProposalDetailView(PartDetailView):
    part = services.PROPOSALS
    serializer_class = ProposalSerializer


@_file_list
class FileListView(PartListView):
    part = services.FILES
    serializer_class = DossierFileSerializer


@_file_detail
class FileDetailView(PartDetailView):
    part = services.FILES
    serializer_class = DossierFileSerializer


class HistoryParamsSerializer(serializers.Serializer):
    part = serializers.ChoiceField(
        choices=[services.PROFILE, services.COMPANY, *selectors.PART_MODELS], required=False,
        help_text="Only the changes to this part.",
    )


@extend_schema(
    parameters=[ACCOUNT_ID, HistoryParamsSerializer],
    responses={200: ChangeSerializer(many=True), 403: FORBIDDEN, 404: NOT_FOUND},
    description="Every change to the dossier, newest first: who, when, and field → [before, after].",
)
class HistoryView(DossierAccountMixin, generics.ListAPIView):
    serializer_class = ChangeSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Change.objects.none()
        changes = selectors.change_list(user=self.request.user, account=self.get_account())
        params = HistoryParamsSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        part = params.validated_data.get("part")
        return changes.filter(part=part) if part else changes


class _DownloadView(DossierAccountMixin, APIView):
    renderer_classes = [renderers.JSONRenderer, DownloadRenderer]


@extend_schema(
    parameters=[ACCOUNT_ID, PK],
    responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, 403: FORBIDDEN, 404: NOT_FOUND},
    description="Download a dossier file (customers: not the internal ones).",
)
class FileDownloadView(_DownloadView):
    def get(self, request, account_id, pk):
        row = selectors.part_get(user=request.user, account=self.get_account(), part=services.FILES, pk=pk)
        return file_response(row.file)


@extend_schema(
    parameters=[ACCOUNT_ID, PK],
    responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, 403: FORBIDDEN, 404: NOT_FOUND},
    description="Download the document of the agreement or an amendment (404 when it has none).",
)
class AmendmentDocumentView(_DownloadView):
    def get(self, request, account_id, pk):
        row = selectors.part_get(user=request.user, account=self.get_account(), part=services.AMENDMENTS, pk=pk)
        return file_response(row.document)


@extend_schema(
    parameters=[ACCOUNT_ID, PK],
    responses={(200, "text/calendar"): OpenApiTypes.STR, 403: FORBIDDEN, 404: NOT_FOUND},
    description="The meeting as an iCalendar file (RRULE for a recurring one, attendees with their emails).",
)
class MeetingIcsView(_DownloadView):
    def get(self, request, account_id, pk):
        meeting = selectors.part_get(user=request.user, account=self.get_account(), part=services.MEETINGS, pk=pk)
        return ics_response(meetings_ics([meeting], stamp=timezone.now()), filename=f"meeting-{meeting.pk}.ics")
