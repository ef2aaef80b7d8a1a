"""The customer's service report: a page for staff (any period of a company they serve) and for
the company's users (the periods published to them), a CSV for each table, a PDF in the reader's
language for a service review, and the staff's forms: publish, and record, approve and apply
service credits. Actions follow Post/Redirect/Get."""

from __future__ import annotations

from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accountteam.errors import StateConflict
from escalations.models import Escalation
from reviews import charts, compliance, exports
from reviews.rules import ParamError
from teams.models import Company
from teams.scoping import staff_person
from teams.time_zones import time_zone_for

from . import pdf, rules, selectors, services
from .forms import CreditForm, PublishForm
from .models import ServiceCredit

TABLES = ("channel", "category", "postmortems", "credits", "hours", "reviews")


def _zone(request) -> ZoneInfo:
    return ZoneInfo(time_zone_for(request.user))


def _period(request, zone: ZoneInfo):
    return rules.parse_report_period(request.GET, today=timezone.now().astimezone(zone).date())


@login_required
def report_index(request):
    """Staff: the companies they serve; customers: the reports published to their companies."""
    staff = staff_person(request.user) is not None
    context = {"staff": staff, "published": selectors.published_list(user=request.user)[:100]}
    if staff:
        context["companies"] = Company.objects.visible_to(request.user).order_by("name")
    return render(request, "servicereports/index.html", context)


def _report_context(request, company, period, zone):
    now = timezone.now()
    report = selectors.report_for(user=request.user, company=company, period=period, zone=zone, now=now)
    trend_title = _("Share of items that met their due time, per ISO week")
    return {
        "company": company, "period": period, "report": report, "zone": zone,
        "staff": staff_person(request.user) is not None,
        "tables": [("channel", _("By channel"), _("Channel"), report.compliance.by["channel"]),
                   ("category", _("By category"), _("Category"), report.compliance.by["category"])],
        "trend_chart": charts.line_chart([(p.label, p.met_due_rate) for p in report.compliance.trend]),
        "trend_title": trend_title,
        "query": urlencode(rules.period_query(period)),
    }


@login_required
def report_page(request, company_id: int):
    company = selectors.company_get(user=request.user, pk=company_id)
    zone = _zone(request)
    try:
        period = _period(request, zone)
    except ParamError as exc:
        return render(request, "servicereports/report.html", {"company": company, "errors": exc.errors}, status=400)
    if not selectors.may_read(request.user, company, period):
        raise Http404("No report published for this period.")
    if request.GET.get("format") == "csv":
        return _csv(request, company, period, zone)
    context = _report_context(request, company, period, zone)
    if context["staff"]:
        context |= {"credit_form": CreditForm(), "publish_form": PublishForm()}
    return render(request, "servicereports/report.html", context)


@login_required
def report_pdf(request, company_id: int):
    company = selectors.company_get(user=request.user, pk=company_id)
    zone = _zone(request)
    try:
        period = _period(request, zone)
    except ParamError as exc:
        return HttpResponse(" ".join(exc.errors.values()), status=400, content_type="text/plain; charset=utf-8")
    if not selectors.may_read(request.user, company, period):
        raise Http404("No report published for this period.")
    document = pdf.report_pdf(_report_context(request, company, period, zone))
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf.filename(company, period)}"'
    return response


def _csv(request, company, period, zone):
    table = request.GET.get("table", "channel")
    if table not in TABLES:
        return HttpResponse(_("Unknown table."), status=400, content_type="text/plain; charset=utf-8")
    report = selectors.report_for(user=request.user, company=company, period=period, zone=zone, now=timezone.now())
    stamp = f"{company.pk}-{period.first:%Y%m%d}-{period.last:%Y%m%d}"
    if table in ("channel", "category"):
        rows = [compliance.csv_row(f.as_dict()) for f in report.compliance.by[table]]
        return exports.csv_response(f"service-report-{table}-{stamp}.csv", compliance.CSV_COLUMNS, rows)
    if table == "postmortems":
        rows = [{"ticket": p.ticket_number, "account": p.account.number, "status": p.get_status_display()}
                for p in report.postmortems]
        return exports.csv_response(f"service-report-postmortems-{stamp}.csv", ("ticket", "account", "status"), rows)
    if table == "credits":
        rows = [{"requested_at": c.requested_at.astimezone(zone).date().isoformat(), "amount": str(c.amount),
                 "currency": c.currency, "status": c.status, "escalation": c.escalation_id or "",
                 "reason": c.reason} for c in report.credits]
        columns = ("requested_at", "amount", "currency", "status", "escalation", "reason")
        return exports.csv_response(f"service-report-credits-{stamp}.csv", columns, rows)
    if table == "hours":
        rows = [{"activity": name, "hours": hours} for name, hours in report.hours]
        return exports.csv_response(f"service-report-hours-{stamp}.csv", ("activity", "hours"), rows)
    rows = [{"review": r["label"], "held_on": r["held_on"]} for r in report.reviews]
    return exports.csv_response(f"service-report-reviews-{stamp}.csv", ("review", "held_on"), rows)


def _back(company, request):
    query = {k: request.POST.get(k, "") for k in ("from", "to") if request.POST.get(k)}
    return redirect(f"{_url(company)}?{urlencode(query)}" if query else _url(company))


def _url(company) -> str:
    from django.urls import reverse

    return reverse("service_report", args=[company.pk])


def _require_staff(request):
    if staff_person(request.user) is None:
        raise Http404


@login_required
@require_POST
def report_publish(request, company_id: int):
    _require_staff(request)
    company = selectors.company_get(user=request.user, pk=company_id)
    try:
        period = rules.parse_report_period(request.POST, today=timezone.now().astimezone(_zone(request)).date())
    except ParamError as exc:
        messages.error(request, " ".join(exc.errors.values()))
        return _back(company, request)
    form = PublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(m for ms in form.errors.values() for m in ms))
        return _back(company, request)
    try:
        services.report_publish(actor=request.user, company=company, period=period, note=form.cleaned_data["note"])
    except (StateConflict, PermissionDenied, ValidationError) as exc:
        messages.error(request, " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc))
    else:
        messages.success(request, _("The report for %(period)s is published; the company's administrators are told.")
                         % {"period": period.label})
    return _back(company, request)


@login_required
@require_POST
def credit_create(request, company_id: int):
    _require_staff(request)
    company = selectors.company_get(user=request.user, pk=company_id)
    form = CreditForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(m for ms in form.errors.values() for m in ms))
        return _back(company, request)
    data = form.cleaned_data
    escalation = None
    if data["escalation"]:
        escalation = Escalation.objects.visible_to(request.user).filter(pk=data["escalation"]).first()
        if escalation is None:
            messages.error(request, _("No escalation #%(number)s among yours.") % {"number": data["escalation"]})
            return _back(company, request)
    try:
        services.credit_request(actor=request.user, company=company, amount=data["amount"],
                                currency=data["currency"], reason=data["reason"], escalation=escalation)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc))
    else:
        messages.success(request, _("Credit requested."))
    return _back(company, request)


@login_required
@require_POST
def credit_action(request, pk: int, action: str):
    _require_staff(request)
    credit = get_object_or_404(ServiceCredit.objects.visible_to(request.user), pk=pk)
    service = {"approve": services.credit_approve, "apply": services.credit_apply}.get(action)
    if service is None:
        raise Http404
    try:
        service(actor=request.user, credit=credit)
    except (StateConflict, PermissionDenied) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Credit approved.") if action == "approve" else _("Credit applied."))
    return _back(credit.company, request)
