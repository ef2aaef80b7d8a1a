"""REST API of the director's review (/api/v1/reports/): compliance per group and the group's
overdue items. Same selectors as the pages; ``?format=csv`` answers text/csv."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import BaseRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from escalations.models import Escalation

from . import compliance, exports, rules, selectors

# --- Rendering -------------------------------------------------------------------------------------------


class CSVRenderer(BaseRenderer):
    """text/csv for ``?format=csv`` (or ``Accept: text/csv``): the rows of ``results`` under the
    view's ``csv_columns``; an error answer, or anything else that is not a report (OPTIONS'
    description of the view), becomes one ``field,message`` line per message."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        renderer_context = renderer_context or {}
        response = renderer_context.get("response")
        view = renderer_context.get("view")
        not_a_report = not isinstance(data, dict | list) or isinstance(data, dict) and "results" not in data
        if response is not None and response.status_code >= 400 or not_a_report:
            return exports.csv_text(("field", "message"), _error_rows(data))
        rows = data["results"] if isinstance(data, dict) else data
        if getattr(view, "csv_row", None) is not None:  # the figures as a spreadsheet reads them
            rows = [view.csv_row(row) for row in rows]
        columns = getattr(view, "csv_columns", None) or (list(rows[0]) if rows else [])
        if response is not None:
            response["Content-Disposition"] = f'attachment; filename="{getattr(view, "csv_filename", "report.csv")}"'
        return exports.csv_text(columns, rows)


def _error_rows(data):
    if isinstance(data, dict):
        for field, messages in data.items():
            for message in messages if isinstance(messages, list) else [messages]:
                yield {"field": field, "message": str(message)}
    else:
        yield {"field": "detail", "message": str(data)}


RENDERERS = [*api_settings.DEFAULT_RENDERER_CLASSES, CSVRenderer]


def _scope(request) -> selectors.ReviewScope:
    return selectors.review_scope(user=request.user, director=request.query_params.get("director"))


def _bad(exc: rules.ParamError):
    return ValidationError({name: [message] for name, message in exc.errors.items()})


DIRECTOR_PARAM = OpenApiParameter(
    "director",
    OpenApiTypes.INT,
    description="Carrier admins: one director's group (default: every group). Directors: a director "
    "inside their own group (default: their own). Out of reach: 404.",
)
FORMAT_PARAM = OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "csv"], description="csv: text/csv")


# --- Compliance -------------------------------------------------------------------------------------------


class ComplianceRowSerializer(serializers.Serializer):
    key = serializers.JSONField(help_text="Person or company id, or channel or category code (null for the total)")
    label = serializers.CharField()
    items = serializers.IntegerField(help_text="Items received in the period")
    with_target = serializers.IntegerField(help_text="Items with a target time")
    met_target = serializers.IntegerField(help_text="Answered by the target")
    missed_target = serializers.IntegerField(help_text="Answered later, or unanswered past the target")
    met_due = serializers.IntegerField(help_text="Answered by the due time")
    missed_due = serializers.IntegerField(help_text="Answered late, or unanswered past due (clock running)")
    escalated = serializers.IntegerField(help_text="Escalated to the director (level 2)")
    met_target_rate = serializers.FloatField(allow_null=True, help_text="met / (met + missed); null: none decided")
    met_due_rate = serializers.FloatField(allow_null=True, help_text="met / (met + missed); null: none decided")
    median_first_response_seconds = serializers.FloatField(
        allow_null=True, help_text="Wall-clock seconds from received to the first response (or resolution)"
    )
    p90_first_response_seconds = serializers.FloatField(allow_null=True)


class ComplianceSerializer(serializers.Serializer):
    group_by = serializers.ChoiceField(choices=rules.GROUP_BY)
    director = serializers.IntegerField(allow_null=True, help_text="Whose group; null: every group")
    time_zone = serializers.CharField(help_text="The days of the period are local days in this zone")
    period = serializers.DictField(child=serializers.DateField(), help_text="{from, to}, both inclusive")
    results = ComplianceRowSerializer(many=True)
    total = ComplianceRowSerializer()


@extend_schema(
    tags=["reports"],
    parameters=[
        OpenApiParameter("group_by", OpenApiTypes.STR, enum=list(rules.GROUP_BY), description="Default: person"),
        OpenApiParameter("from", OpenApiTypes.DATE, description="First day (YYYY-MM-DD), inclusive"),
        OpenApiParameter("to", OpenApiTypes.DATE, description="Last day (YYYY-MM-DD), inclusive; default today"),
        OpenApiParameter(
            "period",
            OpenApiTypes.INT,
            enum=list(rules.PERIOD_CHOICES),
            description="The last 7, 30 or 90 days (default 30) when from/to are not given",
        ),
        DIRECTOR_PARAM,
        FORMAT_PARAM,
    ],
    responses={
        200: ComplianceSerializer,
        400: OpenApiResponse(description="Bad group_by or period"),
        403: OpenApiResponse(description="Not a director or carrier admin"),
    },
    description=(
        "Response compliance of the items received in the period in the caller's group (directors) or "
        "every group (carrier admins), per person, channel, category or customer company. An item met "
        "its target/due time when answered (first response, else resolution) by it; unanswered past due "
        "is missed; not yet due, waiting on the customer or cancelled unanswered is not counted. Waiting "
        "on the customer moves target and due, so paused time never counts as late. `?format=csv` gives "
        "the results as text/csv: the same columns, except that the rates are percentages to one decimal "
        "(`met_target_percent`, `met_due_percent`) and the times whole seconds; an empty cell for null."
    ),
)
class ComplianceReportView(APIView):
    renderer_classes = RENDERERS
    csv_columns = compliance.CSV_COLUMNS
    csv_row = staticmethod(compliance.csv_row)
    csv_filename = "compliance.csv"

    def get(self, request):
        scope = _scope(request)
        now = timezone.now()
        try:
            group_by = rules.parse_group_by(request.query_params.get("group_by"))
            period = rules.parse_period(request.query_params, today=now.astimezone(scope.zone).date())
        except rules.ParamError as exc:
            raise _bad(exc) from exc
        report = compliance.compliance_report(scope, period=period, now=now, group_bys=(group_by,), trend=False)
        self.csv_filename = f"compliance-{group_by}-{period.first:%Y%m%d}-{period.last:%Y%m%d}.csv"
        return Response(
            {
                "group_by": group_by,
                "director": scope.director.pk if scope.director else None,
                "time_zone": str(scope.zone),
                "period": {"from": period.first, "to": period.last},
                "results": [f.as_dict() for f in report.by[group_by]],
                "total": report.total.as_dict(),
            }
        )


# --- Overdue --------------------------------------------------------------------------------------------


class OverdueItemSerializer(serializers.ModelSerializer):
    company = serializers.CharField(source="company.name")
    company_id = serializers.IntegerField()
    account = serializers.CharField(source="account.number")
    account_id = serializers.IntegerField()
    assignee = serializers.CharField(source="assignee.name")
    assignee_id = serializers.IntegerField()
    overdue_by_seconds = serializers.SerializerMethodField(help_text="Seconds since the next deadline passed")

    class Meta:
        model = Escalation
        fields = [
            "id",
            "subject",
            "company",
            "company_id",
            "account",
            "account_id",
            "channel",
            "category",
            "status",
            "level",
            "assignee",
            "assignee_id",
            "received_at",
            "due_at",
            "next_deadline_at",
            "overdue_by_seconds",
        ]
        read_only_fields = fields

    def get_overdue_by_seconds(self, obj) -> int:
        return int((self.context["now"] - obj.next_deadline_at).total_seconds())


@extend_schema(
    tags=["reports"],
    parameters=[DIRECTOR_PARAM, FORMAT_PARAM],
    responses={
        200: OverdueItemSerializer(many=True),
        403: OpenApiResponse(description="Not a director or carrier admin"),
        404: OpenApiResponse(description="director out of reach"),
    },
    description=(
        "Open items of the group past their next deadline (clock running), longest overdue first. "
        "Paginated as JSON; `?format=csv` exports the whole list."
    ),
)
class OverdueReportView(generics.ListAPIView):
    serializer_class = OverdueItemSerializer
    renderer_classes = RENDERERS
    filter_backends: list = []
    csv_columns = [f for f in OverdueItemSerializer.Meta.fields]
    csv_filename = "overdue.csv"

    def get_queryset(self):
        return selectors.overdue_list(_scope(self.request), now=self._now)

    def get_serializer_context(self):
        return super().get_serializer_context() | {"now": self._now}

    def paginate_queryset(self, queryset):
        if getattr(self.request.accepted_renderer, "format", None) == "csv":
            return None  # the export is the whole list
        return super().paginate_queryset(queryset)

    def list(self, request, *args, **kwargs):
        self._now = timezone.now()
        return super().list(request, *args, **kwargs)
