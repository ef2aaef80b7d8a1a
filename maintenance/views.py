"""HTML pages for network notices: the list (staff: every notice; customers: their company's),
the notice page with its history, the publish and edit forms and the notice's actions for staff,
and the .ics download of the window.

Customers read; every write is the carrier staff's, and its URLs answer a customer 404. An action
on the notice page answers with a redirect to the page (Post/Redirect/Get): a refused form comes
back filled in with its errors beside its fields, a refused state change as a message."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accountteam.forms import add_service_errors, refusal_keep, refusal_take
from dossiers.downloads import ics_response
from teams.scoping import staff_person

from . import selectors, services
from .forms import STATUS_FILTERS, CancelForm, EditForm, NoticeFiltersForm, PublishForm, StatusForm
from .ical import notices_ics
from .models import Kind, Status
from .rules import NoticeConflict

PAGE_SIZE = 25


def _require_staff(request):
    if staff_person(request.user) is None:
        raise Http404  # the customers read notices; the carrier's staff write them


@login_required
def notice_list(request):
    form = NoticeFiltersForm(request.GET)
    filters = form.filters()
    status, kind, query = filters.get("status", "current"), filters.get("kind", ""), filters.get("q", "")
    staff = staff_person(request.user) is not None
    # A customer reads the notices of the company they work in (switched in the header).
    company = None if staff or request.membership is None else request.membership.company
    rows = selectors.notice_list(user=request.user, status=status, kind=kind, query=query, company=company)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page, "status": status, "kind": kind, "query": query, "staff": staff,
        "page_params": urlencode({"status": status, "kind": kind, "q": query}),
        "tabs": STATUS_FILTERS, "kinds": Kind.choices, "filter_form": form,
    }
    if request.htmx:
        return render(request, "maintenance/partials/_rows.html", context)
    return render(request, "maintenance/list.html", context)


def _page(pk: int) -> str:
    """The key under which a refused form of notice ``pk`` waits for its page (``refusal_keep``)."""
    return f"network-notice:{pk}"


@login_required
def notice_detail(request, pk: int):
    notice = selectors.notice_get(user=request.user, pk=pk)
    staff = staff_person(request.user) is not None
    refused = refusal_take(request, _page(pk))
    context = {
        "notice": notice,
        "staff": staff,
        "accounts": [row.account for row in notice.notice_accounts.all()],
        "updates": list(notice.updates.all()),
        "postmortem_accounts": selectors.postmortem_accounts(
            user=request.user, membership=request.membership, notice=notice
        ),
        "postmortem_url": reverse("postmortem_request"),
    }
    if staff:
        context["cancel_form"] = refused.form("cancel", CancelForm) or CancelForm()
        context["status_form"] = refused.form("status", StatusForm) or StatusForm(
            initial={"status": Status.IDENTIFIED if notice.status == Status.INVESTIGATING else notice.status}
        )
    return render(request, "maintenance/detail.html", context)


@login_required
def notice_publish(request):
    _require_staff(request)
    kind = request.GET.get("kind") if request.GET.get("kind") in Kind.values else Kind.MAINTENANCE
    form = PublishForm(request.POST or None, user=request.user, initial={"kind": kind})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                notice = services.notice_publish(
                    actor=request.user, kind=data["kind"], reference=data["reference"], title=data["title"],
                    starts_at=data["starts_at"], ends_at=data["ends_at"], impact=data["impact"],
                    description=data["description"], accounts=list(data["accounts"]),
                    companies=list(data["companies"]), message=data["message"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("%(reference)s published: the customers of its accounts are told.") % {
                    "reference": notice.reference
                })
                return redirect("maintenance_detail", notice.pk)
        status = 400
    return render(request, "maintenance/publish.html", {"form": form}, status=status)


@login_required
def notice_edit(request, pk: int):
    _require_staff(request)
    notice = selectors.notice_get(user=request.user, pk=pk)
    initial = {name: getattr(notice, name) for name in ("title", "starts_at", "ends_at", "impact", "description")}
    form = EditForm(request.POST or None, initial=initial)
    if notice.is_outage:
        form.fields["ends_at"].disabled = True
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.notice_update(
                    actor=request.user, notice=notice, message=data["message"], title=data["title"],
                    starts_at=data["starts_at"], ends_at=None if notice.is_outage else data["ends_at"],
                    impact=data["impact"], description=data["description"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            except NoticeConflict as exc:
                messages.error(request, str(exc))
                return redirect("maintenance_detail", pk)
            else:
                messages.success(request, _("Changes saved: the customers of its accounts are told."))
                return redirect("maintenance_detail", pk)
        status = 400
    return render(request, "maintenance/edit.html", {"form": form, "notice": notice}, status=status)


def _run(request, pk: int, service, success: str, *, form, key: str, values):
    """Call a service for the notice page, then back to the page (Post/Redirect/Get), refused or
    not: a refused form kept under ``key`` with its errors, a refused state change as a message.
    ``values``: the service's arguments from the form's cleaned data."""
    notice = selectors.notice_get(user=request.user, pk=pk)
    if not form.is_valid():
        refusal_keep(request, _page(pk), forms={key: form})
        return redirect(reverse("maintenance_detail", args=[pk]) + f"#{key}")
    try:
        service(actor=request.user, notice=notice, **values(form.cleaned_data))
    except NoticeConflict as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        add_service_errors(form, exc)
        refusal_keep(request, _page(pk), forms={key: form})
        return redirect(reverse("maintenance_detail", args=[pk]) + f"#{key}")
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, success)
    return redirect("maintenance_detail", pk)


@login_required
@require_POST
def notice_cancel(request, pk: int):
    _require_staff(request)
    return _run(
        request, pk, services.notice_cancel, _("Maintenance cancelled: the customers of its accounts are told."),
        form=CancelForm(request.POST), key="cancel", values=lambda data: {"reason": data["reason"]},
    )


@login_required
@require_POST
def outage_status(request, pk: int):
    _require_staff(request)
    return _run(
        request, pk, services.outage_status_update, _("Status updated: the customers of its accounts are told."),
        form=StatusForm(request.POST), key="status", values=lambda data: data,
    )


@login_required
@require_GET
def notice_ics(request, pk: int):
    notice = selectors.notice_get(user=request.user, pk=pk)
    return ics_response(notices_ics([notice], stamp=timezone.now()), filename=f"{notice.reference}.ics")
