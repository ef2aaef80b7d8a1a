"""REST API for service reports (/api/v1/service-reports/) and service credits
(/api/v1/service-credits/): the same selectors and services as the pages."""

from __future__ import annotations

from decimal import Decimal
from zoneinfo import ZoneInfo

from django.http import Http404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accountteam import bounds
from accountteam.api_errors import ERROR_RESPONSES, ID_LOOKUP, ServiceActionsMixin
from escalations.models import Escalation
from reviews.rules import ParamError
from teams.api import STAFF_WRITES
from teams.models import Company
from teams.scoping import staff_person
from teams.time_zones import time_zone_for

from . import rules, selectors, services
from .models import CURRENCIES, ServiceCredit

PERIOD_PARAMETERS = [
    OpenApiParameter("month", OpenApiTypes.STR, description="YYYY-MM"),
    OpenApiParameter("quarter", OpenApiTypes.STR, description="YYYY-Qn"),
    OpenApiParameter("from", OpenApiTypes.DATE, description="First day (with `to`)."),
    OpenApiParameter("to", OpenApiTypes.DATE, description="Last day."),
]


def _figures(f) -> dict:
    return {
        "label": str(f.label), "items": f.items, "met_target": f.met_target, "missed_target": f.missed_target,
        "met_due": f.met_due, "missed_due": f.missed_due, "escalated": f.escalated,
        "median_first_response_seconds": f.median_first_response_seconds,
        "p90_first_response_seconds": f.p90_first_response_seconds,
    }


def report_json(report) -> dict:
    return {
        "company": report.company.pk,
        "first": report.period.first.isoformat(),
        "last": report.period.last.isoformat(),
        "published_at": report.published.published_at.isoformat() if report.published else None,
        "total": _figures(report.compliance.total),
        "by_channel": [_figures(f) for f in report.compliance.by["channel"]],
        "by_category": [_figures(f) for f in report.compliance.by["category"]],
        "open_items": report.open_items,
        "overdue_items": report.overdue_items,
        "escalations_to_directors": report.escalated,
        "postmortems": [{"ticket": p.ticket_number, "account": p.account.number} for p in report.postmortems],
        "preventive_actions": {"open": report.actions_open, "overdue": report.actions_overdue,
                               "done": report.actions_done},
        "reviews": [{"review": str(r["label"]), "held_on": r["held_on"].isoformat()} for r in report.reviews],
        "hours": [{"activity": str(name), "hours": hours} for name, hours in report.hours],
        "package_hours": report.package_hours,
        "credits": [{"id": c.pk, "amount": str(c.amount), "currency": c.currency, "status": c.status,
                     "escalation": c.escalation_id} for c in report.credits],
    }


ReportSerializer = inline_serializer("ServiceReport", {"company": serializers.IntegerField(),
                                                       "first": serializers.DateField(),
                                                       "last": serializers.DateField()})


class ReportPublishSerializer(serializers.Serializer):
    """The period as the report's query takes it: ``month``, ``quarter``, or ``first`` and ``last``."""

    month = serializers.CharField(required=False, allow_blank=True, max_length=7, help_text="YYYY-MM")
    quarter = serializers.CharField(required=False, allow_blank=True, max_length=7, help_text="YYYY-Qn")
    first = serializers.CharField(required=False, allow_blank=True, max_length=10, help_text="YYYY-MM-DD")
    last = serializers.CharField(required=False, allow_blank=True, max_length=10, help_text="YYYY-MM-DD")
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=bounds.COMMENT)

    def period_params(self) -> dict:
        data = self.validated_data
        return {"month": data.get("month", ""), "quarter": data.get("quarter", ""), "from": data.get("first", ""),
                "to": data.get("last", "")}


class ServiceReportViewSet(viewsets.ViewSet):
    """A company's service report for a period (`{id}` is the company's id): staff for any period
    of a company they serve, the company's users for a published one (404 otherwise)."""

    permission_classes = [IsAuthenticated]
    lookup_value_regex = ID_LOOKUP

    def _company(self, pk) -> Company:
        return selectors.company_get(user=self.request.user, pk=pk)

    def _period(self, params):
        zone = ZoneInfo(time_zone_for(self.request.user))
        try:
            return rules.parse_report_period(params, today=timezone.now().astimezone(zone).date()), zone
        except ParamError as exc:
            raise ValidationError(exc.errors) from None

    @extend_schema(parameters=PERIOD_PARAMETERS, responses={200: ReportSerializer, **ERROR_RESPONSES})
    def retrieve(self, request, pk=None):
        company = self._company(pk)
        period, zone = self._period(request.query_params)
        if not selectors.may_read(request.user, company, period):
            raise Http404
        report = selectors.report_for(user=request.user, company=company, period=period, zone=zone,
                                      now=timezone.now())
        return Response(report_json(report))

    @extend_schema(request=ReportPublishSerializer, responses={201: ReportSerializer, **ERROR_RESPONSES})
    @action(detail=True, methods=["post"], permission_classes=STAFF_WRITES)
    def publish(self, request, pk=None):
        """Publish the period's report to the company (staff); its administrators are told. 409 when
        that period is already published."""
        if staff_person(request.user) is None:
            raise Http404
        company = self._company(pk)
        data = ReportPublishSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        period, zone = self._period(data.period_params())
        services.report_publish(actor=request.user, company=company, period=period, note=data.validated_data["note"])
        report = selectors.report_for(user=request.user, company=company, period=period, zone=zone,
                                      now=timezone.now())
        return Response(report_json(report), status=status.HTTP_201_CREATED)


class CreditSerializer(serializers.ModelSerializer):
    company = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = ServiceCredit
        fields = ["id", "company", "escalation", "amount", "currency", "reason", "status", "requested_at",
                  "approved_at", "applied_at"]
        read_only_fields = fields


class CreditCreateSerializer(serializers.Serializer):
    company = serializers.PrimaryKeyRelatedField(queryset=Company.objects.none())
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0.01"),
                                      max_value=Decimal(10_000_000))
    currency = serializers.ChoiceField(choices=CURRENCIES)
    reason = serializers.CharField(max_length=bounds.COMMENT)
    escalation = serializers.PrimaryKeyRelatedField(queryset=Escalation.objects.none(), required=False,
                                                    allow_null=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["company"].queryset = Company.objects.visible_to(request.user)
            self.fields["escalation"].queryset = Escalation.objects.visible_to(request.user)


class ServiceCreditViewSet(ServiceActionsMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Service credits of the companies you may see; staff request, approve (directors and carrier
    admins) and apply them."""

    serializer_class = detail_serializer_class = CreditSerializer
    lookup_value_regex = ID_LOOKUP

    def get_queryset(self):
        return selectors.credit_list(user=self.request.user).order_by("-requested_at", "-pk")

    @extend_schema(request=CreditCreateSerializer, responses={201: CreditSerializer, **ERROR_RESPONSES})
    def create(self, request, *args, **kwargs):
        if staff_person(request.user) is None:
            raise Http404
        data = self.validated(CreditCreateSerializer)
        credit = services.credit_request(actor=request.user, **data)
        return self.detail_response(credit, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: CreditSerializer, **ERROR_RESPONSES})
    @action(detail=True, methods=["post"], permission_classes=STAFF_WRITES)
    def approve(self, request, pk=None):
        return self.detail_response(services.credit_approve(actor=request.user, credit=self.action_object()))

    @extend_schema(request=None, responses={200: CreditSerializer, **ERROR_RESPONSES})
    @action(detail=True, methods=["post"], permission_classes=STAFF_WRITES)
    def apply(self, request, pk=None):
        return self.detail_response(services.credit_apply(actor=request.user, credit=self.action_object()))
