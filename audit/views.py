"""The audit trail page (``/audit/``) and its CSV (``/audit/export.csv``): carrier admins and a
company's user managers (their companies' events); anyone else gets a 404."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accountteam import bounds
from teams.scoping import staff_person

from . import exports, selectors
from .forms import AuditFiltersForm

PAGE_SIZE = 50


def _filtered(request):
    """The form bound to the query, and the events its valid filters select (``Http404`` for a
    user who may read none, before anything else)."""
    companies = selectors.audit_company_choices(user=request.user)
    form = AuditFiltersForm(request.GET, companies=companies)
    filters = form.filters()
    rows = selectors.audit_event_list(
        user=request.user, date_from=filters.get("date_from"), date_to=filters.get("date_to"),
        action=filters.get("action", ""), actor=filters.get("actor", ""), company_id=filters.get("company"),
    )
    return form, filters, companies, rows


@login_required
@require_GET
def audit_list(request):
    form, filters, companies, rows = _filtered(request)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    # The filters in use (the refused ones left out, as from the list): the pages' and the CSV's links.
    params = urlencode({name: value.isoformat() if hasattr(value, "isoformat") else value
                        for name, value in filters.items()})
    person = staff_person(request.user)
    context = {
        "page": page, "filter_form": form, "filters": filters, "page_params": params,
        # A carrier admin reads every company's events; a user manager of several companies may too.
        "show_company": (person is not None and person.is_carrier_admin) or len(companies) > 1,
        "companies": companies, "max_rows": exports.MAX_ROWS,
        "earliest": bounds.EARLIEST.isoformat(), "latest": bounds.LATEST.isoformat(),
    }
    if request.htmx:
        return render(request, "audit/partials/_rows.html", context)
    return render(request, "audit/list.html", context)


@login_required
@require_GET
def audit_export(request):
    """The filtered events as CSV, newest first, at most ``exports.MAX_ROWS`` rows; a refused filter
    answers 400 with its messages as CSV (``field,message``)."""
    form, _filters, _companies, rows = _filtered(request)
    if form.errors:
        return HttpResponse(exports.error_csv(form.errors), status=400, content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return exports.csv_stream(rows, filename=f"audit-trail-{stamp}.csv")
