"""REST API for the service package and its hours (/api/v1/service/…): the activity catalogue,
packages, time entries (carrier staff only: their notes are internal) and a company's month of
usage. The same services and selectors as the pages."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from accountteam import bounds
from accountteam.api_errors import ERROR_RESPONSES, ID_LOOKUP, ServiceActionsMixin
from accountteam.clock import carrier_today
from dossiers.models import Meeting
from escalations.models import Escalation
from postmortems.models import PostMortem
from teams.api import IsCarrierStaffForWrites, PersonBriefSerializer
from teams.models import Company
from teams.scoping import staff_person
from teams.tenancy import active_membership

from . import rules, selectors, services
from .models import Activity, ServicePackage, TimeEntry

MAX_ID = 2**63 - 1
_DOC = {code: ERROR_RESPONSES[code] for code in (400, 403, 404)}

# --- Fields -------------------------------------------------------------------------------------------


def hours_field(**kwargs) -> serializers.DecimalField:
    """Hours as a JSON number (quarter hours)."""
    return serializers.DecimalField(max_digits=6, decimal_places=2, coerce_to_string=False, **kwargs)


class ScopedPrimaryKeyField(serializers.PrimaryKeyRelatedField):
    """An id looked up in the caller's scope (``scope(user)``), also inside a list of rows."""

    def __init__(self, *, scope, **kwargs):
        self.scope = scope
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        if request is None:
            return self.queryset
        return self.scope(request.user)


def _companies(user):
    return selectors.loggable_companies(user)


def _escalations(user):
    return Escalation.objects.visible_to(user)


def _meetings(user):
    return Meeting.objects.visible_to(user).select_related("account")


def _postmortems(user):
    return PostMortem.objects.visible_to(user)


def _month_value(text: str):
    month = rules.parse_month(text)
    if month is None:
        raise ValidationError(_("Give a month as YYYY-MM, for example 2026-12."))
    return month


# --- Serializers -------------------------------------------------------------------------------------------


class ActivitySerializer(serializers.ModelSerializer):
    group_label = serializers.CharField(source="get_group_display", read_only=True)

    class Meta:
        model = Activity
        fields = ["id", "code", "name", "group", "group_label", "sort_order", "is_active"]


class PackageSerializer(serializers.ModelSerializer):
    company_name = serializers.CharField(source="company.name", read_only=True)
    hours_per_month = hours_field(read_only=True)
    activities = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = ServicePackage
        fields = ["id", "company", "company_name", "name", "hours_per_month", "activities", "start_date", "end_date",
                  "created_at"]


class PackageUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=services.NAME_LIMIT)
    hours_per_month = hours_field(help_text="Quarter hours, more than 0 and at most 744.")
    activities = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=Activity.objects.all(), help_text="Activity codes; at least one."
    )
    start_date = bounds.date_api_field()
    end_date = bounds.date_api_field(required=False, allow_null=True, help_text="Its last day; null: it runs on.")


class PackageCreateSerializer(PackageUpdateSerializer):
    company = ScopedPrimaryKeyField(scope=_companies, queryset=Company.objects.none(),
                                    help_text="A company you serve.")


class TimeEntrySerializer(serializers.ModelSerializer):
    person = PersonBriefSerializer(read_only=True)
    company_name = serializers.CharField(source="company.name", read_only=True)
    activity = serializers.SlugRelatedField(slug_field="code", read_only=True)
    hours = hours_field(read_only=True)

    class Meta:
        model = TimeEntry
        fields = ["id", "person", "company", "company_name", "activity", "date", "hours", "note", "escalation",
                  "meeting", "postmortem", "created_at", "updated_at"]


class TimeEntryWriteSerializer(serializers.Serializer):
    company = ScopedPrimaryKeyField(scope=_companies, queryset=Company.objects.none(),
                                    help_text="A company you serve.")
    activity = serializers.SlugRelatedField(slug_field="code", queryset=Activity.objects.all(),
                                            help_text="An activity code the company's package covers.")
    date = bounds.date_api_field(help_text="The day, not after today.")
    hours = hours_field(help_text="Quarter hours, more than 0 and at most 24 (and 24 in one day).")
    note = serializers.CharField(required=False, allow_blank=True, max_length=bounds.NOTE,
                                 help_text="Internal: never shown to customers.")
    escalation = ScopedPrimaryKeyField(scope=_escalations, queryset=Escalation.objects.none(), required=False,
                                       allow_null=True)
    meeting = ScopedPrimaryKeyField(scope=_meetings, queryset=Meeting.objects.none(), required=False, allow_null=True)
    postmortem = ScopedPrimaryKeyField(scope=_postmortems, queryset=PostMortem.objects.none(), required=False,
                                       allow_null=True)


class TimeSheetSerializer(serializers.Serializer):
    week = bounds.date_api_field(required=False, help_text="Any day of the week; left out: the first entry's.")
    entries = TimeEntryWriteSerializer(many=True, min_length=1, max_length=rules.MAX_SHEET_ROWS)


class TimeEntryListParamsSerializer(serializers.Serializer):
    company = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    activity = serializers.SlugField(required=False, max_length=50, help_text="An activity code.")
    date_from = bounds.date_api_field(required=False)
    date_to = bounds.date_api_field(required=False)
    mine = serializers.BooleanField(required=False, default=False, help_text="Only the caller's own entries.")


class PackageListParamsSerializer(serializers.Serializer):
    company = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    current = serializers.BooleanField(required=False, default=False, help_text="Only the packages running today.")


class UsageParamsSerializer(serializers.Serializer):
    company = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID,
        help_text="Required for staff; a customer's user administrator may leave it out for their active company.",
    )
    month = serializers.CharField(required=False, max_length=7, help_text="YYYY-MM; the current month by default.")

    def validate_month(self, value):
        return _month_value(value)


class PackageBriefSerializer(serializers.ModelSerializer):
    hours_per_month = hours_field(read_only=True)

    class Meta:
        model = ServicePackage
        fields = ["id", "name", "hours_per_month", "start_date", "end_date"]


class ActivityUsageSerializer(serializers.Serializer):
    code = serializers.CharField(source="activity.code")
    name = serializers.CharField(source="activity.name")
    group = serializers.CharField(source="activity.group")
    group_label = serializers.CharField(source="activity.get_group_display")
    hours = hours_field()
    in_package = serializers.BooleanField()


class UsageSerializer(serializers.Serializer):
    company = serializers.IntegerField(source="company.pk")
    company_name = serializers.CharField(source="company.name")
    month = serializers.CharField(source="month_key", help_text="YYYY-MM")
    package = PackageBriefSerializer(allow_null=True, help_text="The package the month counts against, or null.")
    hours_included = hours_field(source="included", allow_null=True)
    hours_used = hours_field(source="used")
    percent = serializers.IntegerField(allow_null=True, help_text="Whole percent of the package's hours used.")
    over_by = hours_field(help_text="Hours beyond the package (overrun is allowed).")
    state = serializers.ChoiceField(choices=rules.USAGE_STATES)
    activities = ActivityUsageSerializer(source="by_activity", many=True)


# --- Permissions ---------------------------------------------------------------------------------------------


class PackageWrites(IsCarrierStaffForWrites):
    """Packages are set up by carrier admins and Service Directors: anyone else is refused before
    the body is read; on a package, the company's own Service Director (or an admin)."""

    message = gettext_lazy("Only a carrier admin or the company's Service Director can set up its package.")

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS or not hasattr(view, request.method.lower()):
            return True
        return getattr(view, "detail", False) or selectors.may_manage_some_package(request.user)

    def may_write(self, user, obj) -> bool:
        return selectors.can_manage_packages(user, obj.company)


class OwnEntryWrites(IsCarrierStaffForWrites):
    """Staff log time; an entry is changed or deleted only by the person who logged it."""

    message = gettext_lazy("Only the person who logged the time can change it.")

    def may_write(self, user, obj) -> bool:
        person = staff_person(user)
        return person is not None and obj.person_id == person.pk


# --- Views -------------------------------------------------------------------------------------------------------


class ActivityViewSet(viewsets.GenericViewSet):
    """The Client Service Partner's activities, in the catalogue's order (not paginated)."""

    serializer_class = ActivitySerializer
    pagination_class = None
    filter_backends: list = []

    def get_queryset(self):
        return selectors.activity_list()

    def list(self, request):
        return Response(ActivitySerializer(self.get_queryset(), many=True).data)


@extend_schema_view(
    list=extend_schema(parameters=[PackageListParamsSerializer]),
    retrieve=extend_schema(responses={200: PackageSerializer, 404: ERROR_RESPONSES[404]}),
)
class PackageViewSet(ServiceActionsMixin, viewsets.ReadOnlyModelViewSet):
    """Companies' service packages: staff read those of the companies they serve, a customer's user
    administrators their own; carrier admins and the company's Service Director set them up."""

    lookup_value_regex = ID_LOOKUP
    serializer_class = PackageSerializer
    detail_serializer_class = PackageSerializer
    filter_backends: list = []
    permission_classes = [permissions.IsAuthenticated, PackageWrites]

    def fetch_detail(self, pk) -> ServicePackage:
        return selectors.package_get(user=self.request.user, pk=pk)

    def get_queryset(self):
        if self.action == "list":
            params = PackageListParamsSerializer(data=self.request.query_params)
            params.is_valid(raise_exception=True)
            rows = selectors.package_list(
                user=self.request.user,
                current_on=carrier_today() if params.validated_data["current"] else None,
            )
            if "company" in params.validated_data:
                rows = rows.filter(company_id=params.validated_data["company"])
            return rows
        return ServicePackage.objects.visible_to(self.request.user).select_related("company").prefetch_related(
            "activities"
        )

    @extend_schema(request=PackageCreateSerializer, responses={201: PackageSerializer, **_DOC})
    def create(self, request, *args, **kwargs):
        """Set a company's package up. One that would overlap another of its packages answers 400."""
        data = self.validated(PackageCreateSerializer)
        package = services.package_create(actor=request.user, **data)
        return self.detail_response(package.pk, status.HTTP_201_CREATED)

    @extend_schema(request=PackageUpdateSerializer, responses={200: PackageSerializer, **_DOC})
    def update(self, request, *args, **kwargs):
        package = self.action_object()
        serializer = PackageUpdateSerializer(data=request.data, partial=kwargs.get("partial", False),
                                             context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        services.package_update(actor=request.user, package=package, **serializer.validated_data)
        return self.detail_response(package.pk)

    @extend_schema(request=PackageUpdateSerializer(partial=True), responses={200: PackageSerializer, **_DOC})
    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)


@extend_schema_view(
    list=extend_schema(parameters=[TimeEntryListParamsSerializer]),
    retrieve=extend_schema(responses={200: TimeEntrySerializer, 404: ERROR_RESPONSES[404]}),
)
class TimeEntryViewSet(ServiceActionsMixin, viewsets.ReadOnlyModelViewSet):
    """Time logged by carrier staff (customers see none): the entries on the companies the caller
    serves and their own. Each person changes and deletes their own entries only."""

    lookup_value_regex = ID_LOOKUP
    serializer_class = TimeEntrySerializer
    detail_serializer_class = TimeEntrySerializer
    filter_backends: list = []
    permission_classes = [permissions.IsAuthenticated, OwnEntryWrites]

    def fetch_detail(self, pk) -> TimeEntry:
        return selectors.time_entry_get(user=self.request.user, pk=pk)

    def get_queryset(self):
        if self.action == "list":
            params = TimeEntryListParamsSerializer(data=self.request.query_params)
            params.is_valid(raise_exception=True)
            data = params.validated_data
            rows = selectors.time_entry_list(
                user=self.request.user, date_from=data.get("date_from"), date_to=data.get("date_to"),
                person=staff_person(self.request.user) if data["mine"] else None,
            )
            if "company" in data:
                rows = rows.filter(company_id=data["company"])
            if "activity" in data:
                rows = rows.filter(activity__code=data["activity"])
            return rows
        return TimeEntry.objects.visible_to(self.request.user).select_related("person", "company", "activity")

    def get_exception_handler(self):
        """A refused time sheet answers each wrong row's messages under its index in ``entries``
        (``{"entries": {"1": {"hours": ["…"]}}}``), as DRF answers a list of rows it cannot read."""
        handler = super().get_exception_handler()

        def handle(exc, context):
            if isinstance(exc, rules.SheetRefused):
                exc = ValidationError({"entries": {str(i): errors for i, errors in enumerate(exc.rows) if errors}})
            return handler(exc, context)

        return handle

    @extend_schema(request=TimeEntryWriteSerializer, responses={201: TimeEntrySerializer, **_DOC})
    def create(self, request, *args, **kwargs):
        """Log one entry. The company's package on that day must cover the activity; a day holds at
        most 24 hours. Reaching 80% and 100% of the month's hours warns the service people."""
        data = self.validated(TimeEntryWriteSerializer)
        entry = services.time_entry_create(actor=request.user, **data)
        return self.detail_response(entry.pk, status.HTTP_201_CREATED)

    @extend_schema(request=TimeEntryWriteSerializer, responses={200: TimeEntrySerializer, **_DOC})
    def update(self, request, *args, **kwargs):
        entry = self.action_object()
        serializer = TimeEntryWriteSerializer(data=request.data, partial=kwargs.get("partial", False),
                                              context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        services.time_entry_update(actor=request.user, entry=entry, **serializer.validated_data)
        return self.detail_response(entry.pk)

    @extend_schema(request=TimeEntryWriteSerializer(partial=True), responses={200: TimeEntrySerializer, **_DOC})
    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    @extend_schema(responses={204: None, 403: ERROR_RESPONSES[403], 404: ERROR_RESPONSES[404]})
    def destroy(self, request, *args, **kwargs):
        services.time_entry_delete(actor=request.user, entry=self.action_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        request=TimeSheetSerializer,
        responses={
            201: TimeEntrySerializer(many=True),
            400: OpenApiResponse(
                ERROR_RESPONSES[400].response,
                description="Nothing was saved: each wrong row's messages under its index in `entries`.",
            ),
            403: ERROR_RESPONSES[403],
        },
    )
    @action(detail=False, methods=["post"], pagination_class=None, filter_backends=[])
    def bulk(self, request):
        """A week's entries in one request, all or nothing (at most 50; every day in one week)."""
        data = self.validated(TimeSheetSerializer)
        rows = data["entries"]
        week = data.get("week") or rows[0]["date"]
        entries = services.time_entries_create_week(actor=request.user, week=week, rows=rows)
        return Response(TimeEntrySerializer(
            TimeEntry.objects.filter(pk__in=[e.pk for e in entries]).select_related("person", "company", "activity")
            .order_by("date", "pk"),
            many=True, context=self.get_serializer_context(),
        ).data, status=status.HTTP_201_CREATED)


class UsageView(APIView):
    """A company's month: its package, the hours used and by activity (overrun shown as
    ``over_by``). Staff: a company they serve; a customer's user administrators: their own."""

    @extend_schema(parameters=[UsageParamsSerializer], responses={200: UsageSerializer, **_DOC})
    def get(self, request):
        params = UsageParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        company_id = params.validated_data.get("company")
        if company_id is None and staff_person(request.user) is None:
            # The active company, resolved for the caller as authenticated here (a token too).
            membership = active_membership(request)
            company_id = membership.company_id if membership is not None else None
        if company_id is None:
            raise ValidationError({"company": [_("Choose a company.")]})
        company = selectors.usage_company_get(user=request.user, pk=company_id)
        month = params.validated_data.get("month") or rules.month_start(carrier_today())
        return Response(UsageSerializer(selectors.month_usage(company=company, month=month)).data)
