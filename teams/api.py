"""REST API for tenants and account teams (/api/v1/). Every queryset is ``visible_to`` scoped."""

from __future__ import annotations

import django_filters
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.decorators import action
from rest_framework.response import Response

from accountteam import bounds
from accountteam.api_errors import ERROR_RESPONSES, ID_LOOKUP, ServiceActionsMixin
from accountteam.languages import remember_language
from accountteam.models import Notification

from . import selectors, services
from .models import Account, Assignment, Company, Invitation, Membership, Person, Role
from .scoping import display_name, out_of_office, staff_person
from .time_zones import TIME_ZONE_MAX_LENGTH, remember_time_zone

# --- Serializers ------------------------------------------------------------------------------


class CompanySerializer(serializers.ModelSerializer):
    class Meta:
        model = Company
        fields = ["id", "name", "kind", "profile", "require_two_factor"]
        read_only_fields = fields


class CompanyTwoFactorSerializer(serializers.Serializer):
    require_two_factor = serializers.BooleanField(
        help_text="Every user of the company must set up two-factor sign-in before using the portal or the API."
    )


class AccountSerializer(serializers.ModelSerializer):
    company_name = serializers.CharField(source="company.name", read_only=True)

    class Meta:
        model = Account
        fields = ["id", "number", "name", "state", "is_active", "company", "company_name"]


class RoleSerializer(serializers.ModelSerializer):
    class Meta:
        model = Role
        fields = ["id", "code", "name", "team", "also_known_as", "description", "allows_multiple"]


class PersonBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Person
        fields = ["id", "name", "title", "email", "phone", "pager", "cell"]


class PersonSerializer(serializers.ModelSerializer):
    time_zone = serializers.CharField(source="calendar.time_zone", read_only=True)
    availability = serializers.SerializerMethodField(
        help_text="Now: out of office once the absence has begun (a planned one reads in office until then)."
    )
    availability_from = serializers.DateTimeField(
        read_only=True, allow_null=True,
        help_text="When the absence begins (begun, or planned ahead: the latter for the carrier's staff only).",
    )
    availability_until = serializers.DateTimeField(read_only=True, allow_null=True)
    backup = PersonBriefSerializer(read_only=True, allow_null=True)
    reports_to = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = Person
        fields = [
            "id", "name", "title", "email", "phone", "pager", "cell", "time_zone",
            "availability", "availability_from", "availability_until", "backup", "reports_to",
        ]

    @extend_schema_field(serializers.ChoiceField(choices=Person.Availability.choices))
    def get_availability(self, obj) -> str:
        return Person.Availability.OUT_OF_OFFICE if obj.is_out_of_office() else Person.Availability.IN_OFFICE

    def to_representation(self, obj):
        data = super().to_representation(obj)
        now = timezone.now()
        planned = (
            obj.availability == Person.Availability.OUT_OF_OFFICE
            and obj.availability_from is not None and obj.availability_from > now
            and (obj.availability_until is None or obj.availability_until > now)
        )
        request = self.context.get("request")
        staff = request is not None and staff_person(request.user) is not None
        if not (obj.is_out_of_office(now) or (planned and staff)):
            # A lapsed absence says nothing; one planned ahead is the staff's to know.
            data["availability_from"] = data["availability_until"] = None
        return data


class MyAvailabilitySerializer(serializers.Serializer):
    """The caller's own availability as they set it, and whether they are out of office now."""

    availability = serializers.ChoiceField(choices=Person.Availability.choices)
    availability_from = serializers.DateTimeField(allow_null=True)
    availability_until = serializers.DateTimeField(allow_null=True)
    out_of_office_now = serializers.SerializerMethodField()
    backup = PersonBriefSerializer(allow_null=True)

    def get_out_of_office_now(self, obj) -> bool:
        return obj.is_out_of_office()


class AvailabilityUpdateSerializer(serializers.Serializer):
    """Set one's availability. Out of office may be planned ahead: ``availability_from`` and
    ``availability_until`` both in the future, the end after the start."""

    availability = serializers.ChoiceField(choices=Person.Availability.choices)
    availability_from = bounds.datetime_api_field(
        required=False, allow_null=True, default=None,
        help_text="A planned absence: when it begins (in the future). Empty: from now.",
    )
    availability_until = bounds.datetime_api_field(
        required=False, allow_null=True, default=None,
        help_text="When it ends by itself (in the future); a planned absence needs one.",
    )
    backup = serializers.PrimaryKeyRelatedField(
        queryset=Person.objects.filter(is_active=True), required=False, allow_null=True,
        help_text="Who covers your items while you are out. Left out: unchanged; null: nobody.",
    )


class AssignmentSerializer(serializers.ModelSerializer):
    account = serializers.PrimaryKeyRelatedField(queryset=Account.objects.none())
    role = serializers.SlugRelatedField(slug_field="code", queryset=Role.objects.all())
    person = serializers.PrimaryKeyRelatedField(queryset=Person.objects.none())
    product_area = serializers.ChoiceField(
        choices=Assignment.ProductArea.choices,
        required=False,
        allow_blank=True,
        help_text="Sales engineers: the products they cover (one engineer per customer and product area).",
    )
    product_area_label = serializers.CharField(source="get_product_area_display", read_only=True)
    is_current = serializers.SerializerMethodField()

    class Meta:
        model = Assignment
        fields = [
            "id", "account", "role", "person", "start_date", "end_date", "product_area", "product_area_label",
            "note", "is_current",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            # Related objects are looked up in the caller's scope: a foreign id is "not found".
            self.fields["account"].queryset = Account.objects.visible_to(request.user)
            self.fields["person"].queryset = Person.objects.visible_to(request.user)

    def get_is_current(self, obj) -> bool:
        return obj.is_current()


class AvailabilitySerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    until = serializers.DateTimeField(allow_null=True)
    planned_from = serializers.DateTimeField(
        allow_null=True, help_text="An absence planned ahead, not begun (shown to the carrier's staff): its start."
    )
    planned_until = serializers.DateTimeField(allow_null=True, help_text="... and its end.")


class TeamMemberSerializer(serializers.Serializer):
    assignment_id = serializers.IntegerField(source="assignment.id")
    role = RoleSerializer()
    person = PersonBriefSerializer()
    start_date = serializers.DateField(source="assignment.start_date")
    product_area = serializers.CharField(
        source="assignment.product_area", help_text="Sales engineers: data, data_center or voice; else empty."
    )
    product_area_label = serializers.CharField(source="assignment.get_product_area_display")
    availability = AvailabilitySerializer()
    backup = PersonBriefSerializer(allow_null=True)


class TeamChangeSerializer(serializers.Serializer):
    role = serializers.CharField(source="role_name")
    person = serializers.CharField(source="person_name")
    replaces = serializers.CharField()
    start_date = serializers.DateField()


class TeamSerializer(serializers.Serializer):
    account = AccountSerializer()
    sales = TeamMemberSerializer(many=True)
    service = TeamMemberSerializer(many=True)
    duty_manager = TeamMemberSerializer(allow_null=True)
    changing = TeamChangeSerializer(many=True, source="handovers", help_text="Handoffs in progress.")


class NoticeKindSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField(help_text="What the settings page says of it.")


class MySettingsSerializer(serializers.Serializer):
    """The caller's settings, as the settings page shows them."""

    time_zone = serializers.CharField(help_text="An IANA name; empty: the default zone.")
    language = serializers.CharField(help_text="`en`, `es` or `pt-br`; empty: the browser's, until chosen.")
    notify_by_email = serializers.BooleanField()
    notify_in_app = serializers.BooleanField(help_text="Notices under the bell.")
    muted_notices = serializers.ListField(
        child=serializers.CharField(), help_text="The kinds of `notice_kinds` muted, in that order."
    )
    notice_kinds = NoticeKindSerializer(many=True, help_text="What the caller may mute; empty for staff.")


class MySettingsUpdateSerializer(serializers.Serializer):
    """Change your settings: `PUT` needs the three settings, `PATCH` any of them; `muted_notices`
    left out stays as it is."""

    # The shape only: which zones and kinds are allowed is ``user_settings_update``'s to say.
    time_zone = serializers.CharField(
        max_length=TIME_ZONE_MAX_LENGTH, allow_blank=True,
        help_text="An IANA name such as America/Denver (or a city: Buenos Aires); empty: the default zone.",
    )
    # Optional for PUT too: clients written before languages existed keep working.
    language = serializers.ChoiceField(choices=[code for code, _name in settings.LANGUAGES], required=False,
                                       help_text="The language of pages, notices and e-mails.")
    notify_by_email = serializers.BooleanField()
    notify_in_app = serializers.BooleanField(help_text="Notices under the bell.")
    muted_notices = serializers.ListField(
        # A kind is never longer than a stored notice's kind.
        child=serializers.CharField(max_length=Notification._meta.get_field("kind").max_length),
        max_length=services.MUTED_NOTICES_MAX, required=False,
        help_text="The kinds of `notice_kinds` you do not want (the others you get); left out: unchanged. "
        "Staff may send only an empty list.",
    )


# --- Filters ----------------------------------------------------------------------------------


class AccountFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Company, account or person"))

    class Meta:
        model = Account
        fields = ["company", "number", "is_active"]

    def search(self, queryset, name, value):
        return selectors.account_list(user=self.request.user, query=value).filter(
            pk__in=queryset.values("pk")
        )


class PersonFilter(django_filters.FilterSet):
    availability = django_filters.ChoiceFilter(
        choices=Person.Availability.choices, method="filter_availability", label=_("Availability now")
    )
    role = django_filters.CharFilter(field_name="assignments__role__code", distinct=True)
    account = django_filters.NumberFilter(field_name="assignments__account", distinct=True)

    class Meta:
        model = Person
        fields = ["availability", "reports_to", "role", "account"]

    def filter_availability(self, queryset, name, value):
        # As shown: out of office once the absence has begun, not while it is only planned.
        away = out_of_office(timezone.now())
        return queryset.filter(away) if value == Person.Availability.OUT_OF_OFFICE else queryset.exclude(away)


class AssignmentFilter(django_filters.FilterSet):
    current = django_filters.BooleanFilter(method="filter_current", label=_("Only current"))
    role = django_filters.CharFilter(field_name="role__code")

    class Meta:
        model = Assignment
        fields = ["account", "person", "role", "account__company"]

    def filter_current(self, queryset, name, value):
        current = queryset.current()
        return current if value else queryset.exclude(pk__in=current.values("pk"))


# --- Permissions -------------------------------------------------------------------------------


class IsCarrierAdminForWrites(permissions.BasePermission):
    def has_permission(self, request, view):
        # A method the route does not serve answers 405 (never a 403 that hints at something there).
        if request.method in permissions.SAFE_METHODS or not hasattr(view, request.method.lower()):
            return True
        person = staff_person(request.user)
        return person is not None and person.is_carrier_admin


class IsCarrierStaffForWrites(permissions.BasePermission):
    """Writes are for the carrier's staff: anyone else is refused (403) before the body is read.
    On a detail route the check is on the object, once ``get_object`` has found it in the caller's
    scope, so an object that is not theirs stays a 404 (and a subclass can ask more of the object)."""

    message = _("Only the carrier's staff can do this.")

    def has_permission(self, request, view):
        # A method the route does not serve answers 405 (never a 403 that hints at something there).
        if request.method in permissions.SAFE_METHODS or not hasattr(view, request.method.lower()):
            return True
        return getattr(view, "detail", False) or staff_person(request.user) is not None

    def has_object_permission(self, request, view, obj):
        return request.method in permissions.SAFE_METHODS or self.may_write(request.user, obj)

    def may_write(self, user, obj) -> bool:
        return staff_person(user) is not None


class IsCarrierStaff(permissions.IsAuthenticated):
    """Reads and writes for the carrier's staff only (their own things: availability)."""

    message = _("Only the carrier's staff can do this.")

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        # A method the route does not serve answers 405 (never a 403 that hints at something there).
        return not hasattr(view, request.method.lower()) or staff_person(request.user) is not None


# Per action: ``@action(..., permission_classes=STAFF_WRITES)``.
STAFF_WRITES = [permissions.IsAuthenticated, IsCarrierStaffForWrites]


# --- Viewsets ------------------------------------------------------------------------------------


class CompanyViewSet(viewsets.ReadOnlyModelViewSet):
    """Customer companies the caller may see."""

    lookup_value_regex = ID_LOOKUP
    serializer_class = CompanySerializer
    filterset_fields = ["kind"]
    search_fields = ["name"]
    ordering_fields = ["name"]

    def get_queryset(self):
        return Company.objects.visible_to(self.request.user).order_by("name")

    @extend_schema(
        summary="Set the company's two-factor rule",
        description="Whether every user of the company must have two-factor sign-in (`require_two_factor`). "
        "For who manages all of the company's users: its user managers of all accounts, carrier staff.",
        request=CompanyTwoFactorSerializer,
        responses={
            200: CompanySerializer, 400: ERROR_RESPONSES[400], 403: ERROR_RESPONSES[403], 404: ERROR_RESPONSES[404],
        },
    )
    def partial_update(self, request, pk=None):
        company = self.get_object()
        body = CompanyTwoFactorSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        company = services.company_two_factor_set(
            actor=request.user, company=company, required=body.validated_data["require_two_factor"]
        )
        return Response(CompanySerializer(company).data)


@extend_schema_view(
    list=extend_schema(description="Accounts the caller may see. `q` searches company, account and person."),
)
class AccountViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_value_regex = ID_LOOKUP
    serializer_class = AccountSerializer
    filterset_class = AccountFilter
    ordering_fields = ["number", "name", "company__name"]

    def get_queryset(self):
        return Account.objects.visible_to(self.request.user).select_related("company").order_by(
            "company__name", "number"
        )

    @extend_schema(
        responses={200: TeamSerializer, 404: OpenApiResponse(description="Not found or not yours")},
        description="The account's current sales and service team, availability now and backups.",
    )
    @action(detail=True, methods=["get"])
    def team(self, request, pk=None):
        account = self.get_object()
        return Response(TeamSerializer(selectors.team_get(user=request.user, account=account)).data)


class PersonViewSet(viewsets.ReadOnlyModelViewSet):
    """Carrier staff: the whole directory for staff, the people serving them for customers."""

    lookup_value_regex = ID_LOOKUP
    serializer_class = PersonSerializer
    filterset_class = PersonFilter
    search_fields = ["name", "email", "title"]
    ordering_fields = ["name"]

    def get_queryset(self):
        return selectors.person_list(user=self.request.user).order_by("name")

    @extend_schema(
        methods=["get"],
        responses={200: MyAvailabilitySerializer, 403: ERROR_RESPONSES[403]},
        description="The caller's own availability (carrier staff only).",
    )
    @extend_schema(
        methods=["put"],
        request=AvailabilityUpdateSerializer,
        responses={200: MyAvailabilitySerializer, 400: ERROR_RESPONSES[400], 403: ERROR_RESPONSES[403]},
        description="Set the caller's availability and backup (carrier staff only). Out of office may be "
        "planned ahead: `availability_from` and `availability_until` both in the future, the end after the start.",
    )
    @action(
        detail=False, methods=["get", "put"], url_path="me/availability", permission_classes=[IsCarrierStaff],
        # No OPTIONS description: DRF's would look up a detail object that this route has not.
        pagination_class=None, filter_backends=[], metadata_class=None,
    )
    def my_availability(self, request):
        person = staff_person(request.user)
        if request.method == "PUT":
            serializer = AvailabilityUpdateSerializer(data=request.data, context=self.get_serializer_context())
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
            person = services.person_set_availability(
                person=person,
                state=data["availability"],
                starts=data["availability_from"],
                until=data["availability_until"],
                backup=data["backup"] if "backup" in data else person.backup,
                request=request,
            )
        return Response(MyAvailabilitySerializer(person, context=self.get_serializer_context()).data)


class MeViewSet(viewsets.ViewSet):
    """The caller's own things, whoever they are: ``me/settings/``."""

    @extend_schema(
        methods=["get"],
        responses={200: MySettingsSerializer},
        description="The caller's settings: time zone, how they get notices and the customer notices they muted. "
        "A user who never saved any reads the defaults.",
    )
    @extend_schema(
        methods=["put", "patch"],
        request=MySettingsUpdateSerializer,
        responses={200: MySettingsSerializer, 400: ERROR_RESPONSES[400]},
        description="Change the caller's settings (`PUT`: `time_zone`, `notify_by_email` and `notify_in_app`; "
        "`PATCH`: any of them). `muted_notices` replaces the muted kinds, among `notice_kinds`. An unknown time "
        "zone or kind answers 400 under the field, as does a staff member muting anything.",
    )
    @action(
        detail=False, methods=["get", "put", "patch"], url_path="settings", url_name="settings",
        # No OPTIONS description, as on ``people/me/availability/``.
        metadata_class=None,
    )
    def my_settings(self, request):
        if request.method in ("PUT", "PATCH"):
            serializer = MySettingsUpdateSerializer(data=request.data, partial=request.method == "PATCH")
            serializer.is_valid(raise_exception=True)
            services.user_settings_update(user=request.user, **serializer.validated_data)
            if isinstance(request.successful_authenticator, SessionAuthentication):
                remember_time_zone(request, request.user)  # the pages of this session show the new zone
                if serializer.validated_data.get("language"):
                    remember_language(request, serializer.validated_data["language"])
        current = selectors.user_settings_get(user=request.user)
        return Response(MySettingsSerializer(current).data)


class RoleViewSet(viewsets.ReadOnlyModelViewSet):
    """The role catalogue, tagged Sales or Service team."""

    lookup_value_regex = ID_LOOKUP
    serializer_class = RoleSerializer
    filterset_fields = ["team"]
    pagination_class = None

    def get_queryset(self):
        return selectors.role_list()


class AssignmentViewSet(
    mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Assignments (history included). Carrier admins may add one; it never overwrites another."""

    lookup_value_regex = ID_LOOKUP
    serializer_class = AssignmentSerializer
    filterset_class = AssignmentFilter
    ordering_fields = ["start_date", "end_date"]
    permission_classes = [permissions.IsAuthenticated, IsCarrierAdminForWrites]

    def get_queryset(self):
        return selectors.assignment_list(user=self.request.user).order_by("account_id", "-start_date")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        assignment = services.assignment_create(created_by=request.user, **serializer.validated_data)
        return Response(self.get_serializer(assignment).data, status=status.HTTP_201_CREATED)


# --- Company users: memberships and invitations --------------------------------------------------


class MembershipSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    name = serializers.SerializerMethodField()
    email = serializers.CharField(source="user.email", read_only=True)
    accounts = serializers.SerializerMethodField(help_text="With all_accounts false: the only accounts the rights "
                                                           "apply to (ids); else [].")

    class Meta:
        model = Membership
        fields = ["id", "company", "username", "name", "email", *Membership.PERMISSION_FIELDS, "all_accounts",
                  "accounts", "created_at"]
        read_only_fields = fields

    def get_name(self, m) -> str:
        return display_name(m.user)

    def get_accounts(self, m) -> list[int]:
        return sorted(a.pk for a in m.accounts.all())


class MembershipUpdateSerializer(serializers.Serializer):
    can_view_team = serializers.BooleanField(required=False)
    can_escalate = serializers.BooleanField(required=False)
    can_request_postmortem = serializers.BooleanField(required=False)
    can_manage_users = serializers.BooleanField(required=False)
    all_accounts = serializers.BooleanField(required=False)
    accounts = serializers.ListField(child=serializers.PrimaryKeyRelatedField(queryset=Account.objects.all()),
                                     required=False, max_length=200,
                                     help_text="Account ids of the member's company; sets all_accounts false.")


class InvitationSerializer(serializers.ModelSerializer):
    accounts = serializers.SerializerMethodField()

    class Meta:
        model = Invitation
        fields = ["id", "company", "email", *Invitation.PERMISSION_FIELDS, "all_accounts", "accounts", "created_at",
                  "expires_at", "accepted_at"]
        read_only_fields = fields

    def get_accounts(self, inv) -> list[int]:
        return sorted(a.pk for a in inv.accounts.all())


class InvitationCreateSerializer(MembershipUpdateSerializer):
    company = serializers.PrimaryKeyRelatedField(queryset=Company.objects.none())
    email = serializers.EmailField(max_length=254)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["company"].queryset = Company.objects.visible_to(request.user)


def _scope(data: dict) -> dict:
    """The accounts part of a membership or invitation body, as the services take it."""
    if "accounts" in data:
        return {"all_accounts": data.get("all_accounts", False), "accounts": data["accounts"]}
    if "all_accounts" in data:
        return {"all_accounts": data["all_accounts"], "accounts": []}
    return {}


class MembershipViewSet(ServiceActionsMixin, mixins.DestroyModelMixin, viewsets.ReadOnlyModelViewSet):
    """The users of the companies whose users the caller manages (carrier staff: the companies they
    serve), with their rights and the accounts those apply to. ``PATCH`` changes them (a user
    manager limited to some accounts only members within those, granting only those; the company
    keeps a user manager of all its accounts); ``DELETE`` removes the member."""

    lookup_value_regex = ID_LOOKUP
    serializer_class = MembershipSerializer
    detail_serializer_class = MembershipSerializer
    filterset_fields = ["company"]
    http_method_names = ["get", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return (
            Membership.objects.visible_to(self.request.user)
            .select_related("user__staff_profile").prefetch_related("accounts").order_by("company__name", "user_id")
        )

    def fetch_detail(self, pk):
        membership = self.get_object()
        if not selectors.user_can_manage_company_users(user=self.request.user, company=membership.company):
            raise PermissionDenied(_("You cannot manage this company's users."))
        return membership

    @extend_schema(request=MembershipUpdateSerializer, responses={200: MembershipSerializer, **ERROR_RESPONSES})
    def partial_update(self, request, *args, **kwargs):
        membership = self.action_object()
        data = self.validated(MembershipUpdateSerializer)
        permissions_ = {name: data[name] for name in Membership.PERMISSION_FIELDS if name in data}
        services.membership_update(actor=request.user, membership=membership, permissions=permissions_,
                                   request=request, **_scope(data))
        return self.detail_response(membership.pk)

    @extend_schema(responses={204: None, **ERROR_RESPONSES})
    def destroy(self, request, *args, **kwargs):
        membership = self.action_object()
        services.membership_remove(actor=request.user, membership=membership, request=request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationViewSet(ServiceActionsMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Invitations to the companies whose users the caller manages. ``POST`` invites (the e-mail with
    the link goes out after commit; a pending invitation of the same address is replaced)."""

    lookup_value_regex = ID_LOOKUP
    serializer_class = InvitationSerializer
    filterset_fields = ["company"]

    def get_queryset(self):
        managed = Membership.objects.visible_to(self.request.user).values("company_id")
        if staff_person(self.request.user) is not None:
            managed = Company.objects.visible_to(self.request.user).values("pk")
        return Invitation.objects.filter(company__in=managed).prefetch_related("accounts").order_by("-created_at")

    @extend_schema(request=InvitationCreateSerializer, responses={201: InvitationSerializer, **ERROR_RESPONSES})
    def create(self, request, *args, **kwargs):
        if staff_person(request.user) is None and not Membership.objects.filter(
            user=request.user, can_manage_users=True
        ).exists():
            raise PermissionDenied(_("You cannot manage any company's users."))
        data = self.validated(InvitationCreateSerializer)
        permissions_ = {name: data.get(name, name in ("can_view_team", "can_escalate"))
                        for name in Membership.PERMISSION_FIELDS}
        invitation = services.invitation_create(
            actor=request.user, company=data["company"], email=data["email"], permissions=permissions_,
            request=request,
            accept_url_builder=lambda token: request.build_absolute_uri(reverse("invitation_accept", args=[token])),
            **({"all_accounts": True} | _scope(data)),
        )
        return Response(InvitationSerializer(invitation).data, status=status.HTTP_201_CREATED)
