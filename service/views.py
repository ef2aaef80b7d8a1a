"""HTML pages for the service package and its hours: the staff's week time sheet and single
entries (also reached from an escalation, a meeting or a post-mortem), the usage by company for
staff and for the customer's user administrators, and the package set-up.

Time entries and their notes are the carrier's: customers reach none of these pages but the usage
of their own company (user administrators only); everything else answers them 404."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accountteam.clock import carrier_today
from accountteam.dates import local_format
from accountteam.forms import add_service_errors
from dossiers.models import Meeting
from escalations.models import Escalation
from postmortems.models import PostMortem
from teams.models import Company, Person
from teams.scoping import staff_person

from . import rules, selectors, services
from .forms import PackageForm, SheetFormSet, TimeEntryForm, UsageFiltersForm, WeekFiltersForm
from .models import ServicePackage, TimeEntry

HISTORY_MONTHS = 12


def _require_staff(request) -> Person:
    person = staff_person(request.user)
    if person is None:
        raise Http404  # time entries are internal to the carrier
    return person


def _choices(user, *, entry: TimeEntry | None = None) -> dict:
    """The companies and activities a form offers, fetched once (two queries): the active
    activities, and what ``entry`` already has if it is no longer offered."""
    companies = {c.pk: c for c in selectors.loggable_companies(user)}
    activities = {a.pk: a for a in selectors.activity_list(active_only=True)}
    if entry is not None:
        companies.setdefault(entry.company_id, entry.company)
        activities.setdefault(entry.activity_id, entry.activity)
    return {"companies": companies, "activities": activities}


def _sheet_url(day: dt.date) -> str:
    return reverse("service_time_sheet") + "?" + urlencode({"week": rules.week_start(day).isoformat()})


# --- The week's time sheet ---------------------------------------------------------------------------


@login_required
def time_sheet(request):
    """The caller's week: their entries (to change or delete) and rows to fill in, saved at once."""
    _require_staff(request)
    today = carrier_today()
    filters = WeekFiltersForm(request.GET)
    monday = rules.week_start(filters.filters().get("week") or today)
    days = rules.week_days(monday)
    choices = _choices(request.user)
    formset = SheetFormSet(request.POST or None, prefix="rows", days=days, form_kwargs=choices)
    if request.method == "POST" and formset.is_valid():
        filled = formset.filled()
        if not filled:
            formset._non_form_errors = formset.error_class([_("Fill in at least one row.")])
        else:
            try:
                entries = services.time_entries_create_week(
                    actor=request.user, week=monday, rows=[values for _form, values in filled]
                )
            except rules.SheetRefused as exc:
                for (form, _values), errors in zip(filled, exc.rows, strict=True):
                    if errors:
                        add_service_errors(form, ValidationError(errors))
                formset._non_form_errors = formset.error_class(exc.messages)
            except ValidationError as exc:
                formset._non_form_errors = formset.error_class(exc.messages)
            else:
                messages.success(request, ngettext(
                    "%(count)s entry saved.", "%(count)s entries saved.", len(entries)
                ) % {"count": len(entries)})
                return redirect(_sheet_url(monday))
    entries = selectors.time_sheet(user=request.user, monday=monday)
    by_day = {day: [] for day in days}
    for entry in entries:
        by_day[entry.date].append(entry)
    day_rows = [{"day": day, "entries": rows, "total": sum((e.hours for e in rows), rules.ZERO)}
                for day, rows in by_day.items()]
    return render(request, "service/time_sheet.html", {
        "monday": monday, "sunday": days[-1], "today": today, "formset": formset, "filter_form": filters,
        "days": day_rows,
        "logged_days": [row for row in day_rows if row["total"]],  # the week's totals, day by day
        "week_total": sum((e.hours for e in entries), rules.ZERO),
        "has_entries": bool(entries),
        "previous_week": (monday - dt.timedelta(days=7)).isoformat(),
        "next_week": (monday + dt.timedelta(days=7)).isoformat() if monday + dt.timedelta(days=7) <= today else None,
        "this_week": rules.week_start(today) != monday,
        "has_companies": bool(choices["companies"]),
    })


# --- One entry ---------------------------------------------------------------------------------------------

LINKS = ("escalation", "meeting", "postmortem")


def _link(request):
    """The item named in the query string (``?escalation=12``, ``?meeting=``, ``?postmortem=``), found
    in the caller's scope: ``(kind, item)``, or ``(None, None)``. Not theirs, or not a number: 404."""
    for kind in LINKS:
        value = request.GET.get(kind)
        if value is None:
            continue
        if not value.isdigit() or len(value) > 18:
            raise Http404
        if kind == "escalation":
            rows = Escalation.objects.visible_to(request.user).select_related("company")
        elif kind == "meeting":
            rows = Meeting.objects.visible_to(request.user).select_related("account__company")
        else:
            rows = PostMortem.objects.visible_to(request.user).select_related("company")
        return kind, get_object_or_404(rows, pk=int(value))
    return None, None


def _link_company(kind: str, item) -> Company:
    return item.account.company if kind == "meeting" else item.company


def _link_page(kind: str | None, item) -> str | None:
    if kind == "escalation":
        return reverse("escalation_detail", args=[item.pk])
    if kind == "postmortem":
        return reverse("postmortem_detail", args=[item.pk])
    if kind == "meeting":
        return reverse("dossier", args=[item.account_id]) + "#meetings"
    return None


@login_required
def time_entry_new(request):
    """Log one entry; from an item's page (``?escalation=``…) for that item and its company."""
    _require_staff(request)
    kind, item = _link(request)
    choices = _choices(request.user)
    initial = {"date": carrier_today()}
    if item is not None:
        company = _link_company(kind, item)
        choices["companies"] = {company.pk: company}  # the item's company, and no other
        initial["company"] = company.pk
        code = rules.link_activity(kind, getattr(item, "kind", ""))
        initial["activity"] = next((a.pk for a in choices["activities"].values() if a.code == code), None)
    form = TimeEntryForm(request.POST or None, initial=initial, **choices)
    if request.method == "POST" and form.is_valid():
        try:
            link = {kind: item} if kind else {}
            entry = services.time_entry_create(actor=request.user, **form.cleaned_data, **link)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            # Translators: "h" abbreviates hours, as in "1.5 h".
            messages.success(request, _("%(hours)s h logged for %(company)s on %(date)s.") % {
                "hours": rules.hours_text(entry.hours), "company": entry.company.name,
                "date": local_format(entry.date, "j M Y"),
            })
            return redirect(_link_page(kind, item) or _sheet_url(entry.date))
    return render(request, "service/entry_form.html", {
        "form": form, "link_kind": kind, "link": item, "back": _link_page(kind, item) or _sheet_url(carrier_today()),
        "action": request.get_full_path(),
    })


def _own_entry(request, pk) -> TimeEntry:
    """The caller's entry: 404 out of scope, 403 for a colleague's."""
    person = _require_staff(request)
    entry = selectors.time_entry_get(user=request.user, pk=pk)
    if entry.person_id != person.pk:
        raise PermissionDenied(_("Only the person who logged the time can change it."))
    return entry


@login_required
def time_entry_edit(request, pk: int):
    entry = _own_entry(request, pk)
    choices = _choices(request.user, entry=entry)
    initial = {"company": entry.company_id, "activity": entry.activity_id, "date": entry.date,
               "hours": entry.hours, "note": entry.note}
    form = TimeEntryForm(request.POST or None, initial=initial, **choices)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.time_entry_update(actor=request.user, entry=entry, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Entry saved."))
            return redirect(_sheet_url(entry.date))
    return render(request, "service/entry_form.html", {
        "form": form, "entry": entry, "link": entry.link, "back": _sheet_url(entry.date),
        "action": reverse("service_time_entry_edit", args=[entry.pk]),
    })


@login_required
def time_entry_delete(request, pk: int):
    entry = _own_entry(request, pk)
    if request.method == "POST":
        services.time_entry_delete(actor=request.user, entry=entry)
        messages.success(request, _("Entry deleted."))
        return redirect(_sheet_url(entry.date))
    return render(request, "service/entry_delete.html", {"entry": entry, "back": _sheet_url(entry.date)})


# --- Usage ----------------------------------------------------------------------------------------------------


def _month(request) -> tuple[dt.date, UsageFiltersForm]:
    form = UsageFiltersForm(request.GET)
    current = rules.month_start(carrier_today())
    return form.filters().get("month") or current, form


@login_required
def usage(request):
    """Staff: every company they serve with its month's hours. A customer's user administrator:
    their company's usage. Other customer users: 404."""
    if staff_person(request.user) is None:
        membership = getattr(request, "membership", None)
        if membership is None or not (membership.can_manage_users and membership.all_accounts):
            raise Http404
        return _company_page(request, membership.company)
    month, form = _month(request)
    rows = selectors.usage_list(user=request.user, month=month)
    managed = selectors.managed_company_ids(request.user, [r.company for r in rows])
    return render(request, "service/usage_list.html", {
        "rows": [{"usage": r, "can_manage": r.company.pk in managed} for r in rows],
        "month": month, "filter_form": form, **_month_links(month),
    })


def _month_links(month: dt.date) -> dict:
    current = rules.month_start(carrier_today())
    following = rules.month_start(rules.month_end(month) + dt.timedelta(days=1))
    return {
        "previous_month": rules.month_key(rules.month_start(month - dt.timedelta(days=1))),
        "next_month": rules.month_key(following) if following <= current else None,
        "current_month": month != current,
    }


@login_required
def company_usage(request, company_id: int):
    company = selectors.usage_company_get(user=request.user, pk=company_id)
    return _company_page(request, company)


def _company_page(request, company: Company):
    """A company's month by activity, the months before, and (staff only) the month's entries."""
    month, form = _month(request)
    staff = staff_person(request.user) is not None
    packages = selectors.company_packages(company)
    context = {
        "company": company, "month": month, "filter_form": form, "staff": staff, **_month_links(month),
        "usage": selectors.month_usage(company=company, month=month, packages=packages),
        "history": selectors.usage_history(company=company, month=month, months=HISTORY_MONTHS, packages=packages),
        "packages": packages,
        "can_manage": staff and selectors.can_manage_packages(request.user, company),
    }
    if staff:
        context["entries"] = list(
            selectors.time_entry_list(user=request.user, company=company, date_from=month,
                                      date_to=rules.month_end(month))
            .select_related("person", "activity", "escalation", "meeting", "postmortem")
        )
    return render(request, "service/company_usage.html", context)


# --- Package set-up --------------------------------------------------------------------------------------------


def _company_usage_url(company_id: int) -> str:
    return reverse("service_company_usage", args=[company_id])


@login_required
def package_create(request, company_id: int):
    _require_staff(request)
    company = selectors.usage_company_get(user=request.user, pk=company_id)
    if not selectors.can_manage_packages(request.user, company):
        raise PermissionDenied(_("Only a carrier admin or the company's Service Director can set up its package."))
    activities = {a.pk: a for a in selectors.activity_list(active_only=True)}
    latest = ServicePackage.objects.filter(company=company).order_by("-start_date").first()
    start = carrier_today()
    if latest is not None and latest.end_date is not None and latest.end_date >= start:
        start = latest.end_date + dt.timedelta(days=1)
    form = PackageForm(request.POST or None, activities=activities,
                       initial={"start_date": start, "activities": list(activities)})
    if request.method == "POST" and form.is_valid():
        try:
            services.package_create(actor=request.user, company=company, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Package saved."))
            return redirect(_company_usage_url(company.pk))
    return render(request, "service/package_form.html", {"form": form, "company": company, "latest": latest})


@login_required
def package_edit(request, pk: int):
    _require_staff(request)
    package = selectors.package_get(user=request.user, pk=pk)
    if not selectors.can_manage_packages(request.user, package.company):
        raise PermissionDenied(_("Only a carrier admin or the company's Service Director can set up its package."))
    activities = {a.pk: a for a in selectors.activity_list(active_only=True)}
    activities.update({a.pk: a for a in package.activities.all()})
    initial = {"name": package.name, "hours_per_month": package.hours_per_month, "start_date": package.start_date,
               "end_date": package.end_date, "activities": [a.pk for a in package.activities.all()]}
    form = PackageForm(request.POST or None, activities=activities, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.package_update(actor=request.user, package=package, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Package saved."))
            return redirect(_company_usage_url(package.company_id))
    return render(request, "service/package_form.html", {"form": form, "company": package.company, "package": package})
