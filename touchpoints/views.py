"""HTML pages of regular reviews: the owner's page (/touchpoints/), a company's plan (staff and the
company's own users, read-only for customers), the plan item form, and a review's page where it is
held (the meeting, agenda, minutes and action items) and its action items are marked done."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accountteam.errors import StateConflict
from accountteam.forms import add_service_errors
from teams.models import Company
from teams.scoping import can_view_team, staff_person

from . import selectors, services
from .forms import ActionItemFormSet, DoneForm, HoldForm, PlanItemForm

PLANS_SHOWN = 200


def _require_staff(request):
    if staff_person(request.user) is None:
        raise Http404


@login_required
def mine(request):
    """Staff: what is due for them; customers: their active company's plan."""
    if staff_person(request.user) is None:
        membership = getattr(request, "membership", None)
        if membership is None:
            raise Http404
        return redirect("touchpoints_plan", membership.company_id)
    now = timezone.now()
    companies = (
        Company.objects.visible_to(request.user)
        .annotate(items=Count("review_plan"))
        .order_by("-items", "name")[:PLANS_SHOWN]
    )
    return render(request, "touchpoints/mine.html", {
        "now": now,
        "occurrences": list(selectors.my_due(user=request.user, now=now)),
        "actions": list(selectors.action_item_list(user=request.user, state="open", mine=True)),
        "companies": companies,
        "today": timezone.localdate(now),
    })


@login_required
def plan(request, company_id: int):
    company = selectors.company_get(user=request.user, company_id=company_id)
    items = list(selectors.plan_item_list(user=request.user, company=company))
    is_staff = staff_person(request.user) is not None
    return render(request, "touchpoints/plan.html", {
        "company": company,
        "items": items,
        "held": list(selectors.held_list(user=request.user, company=company)[:50]),
        "is_staff": is_staff,
        # Customers see who owns a review only with the right to see their team.
        "show_owners": is_staff or can_view_team(request.user, company),
        "can_add": is_staff and selectors.may_set_some_plan(request.user),
        "now": timezone.now(),
    })


def _plan_form_page(request, form, *, company, item=None):
    return render(request, "touchpoints/item_form.html", {"form": form, "company": company, "item": item})


@login_required
def plan_item_create(request, company_id: int):
    _require_staff(request)
    company = selectors.company_get(user=request.user, company_id=company_id)
    form = PlanItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_item_create(actor=request.user, company=company, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Added to the review plan."))
            return redirect("touchpoints_plan", company.pk)
    return _plan_form_page(request, form, company=company)


@login_required
def plan_item_edit(request, pk: int):
    _require_staff(request)
    item = selectors.plan_item_get(user=request.user, pk=pk)
    initial = {"kind": item.kind, "cadence_months": item.cadence_months, "owner_role": item.owner_role.code,
               "first_due_on": item.first_due_on, "is_active": item.is_active}
    form = PlanItemForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.plan_item_update(actor=request.user, item=item, cadence_months=data["cadence_months"],
                                      owner_role=data["owner_role"], first_due_on=data["first_due_on"],
                                      is_active=data["is_active"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Review plan updated."))
            return redirect("touchpoints_plan", item.company_id)
    return _plan_form_page(request, form, company=item.company, item=item)


def _occurrence_page(request, occ, *, form=None, formset=None, status=200):
    is_staff = staff_person(request.user) is not None
    can_hold = is_staff and occ.is_open and selectors.can_hold(request.user, occ)
    company = occ.plan_item.company
    return render(request, "touchpoints/occurrence.html", {
        "occ": occ,
        "company": company,
        "is_staff": is_staff,
        "show_owners": is_staff or can_view_team(request.user, company),
        "can_hold": can_hold,
        "form": (form or HoldForm(company=company)) if can_hold else None,
        "formset": (formset or ActionItemFormSet(prefix="actions")) if can_hold else None,
        "actions": [
            {"action": a, "can_done": is_staff and not a.is_done and selectors.can_mark_done(request.user, a)}
            for a in occ.action_items.all()
        ],
        "done_form": DoneForm(),
        "now": timezone.now(),
    }, status=status)


@login_required
def occurrence_detail(request, pk: int):
    return _occurrence_page(request, selectors.occurrence_get(user=request.user, pk=pk))


@login_required
@require_POST
def occurrence_hold(request, pk: int):
    _require_staff(request)
    occ = selectors.occurrence_get(user=request.user, pk=pk)
    form = HoldForm(request.POST, company=occ.plan_item.company)
    formset = ActionItemFormSet(request.POST, prefix="actions")
    if not (form.is_valid() and formset.is_valid()):
        return _occurrence_page(request, occ, form=form, formset=formset, status=400)
    rows = [f.cleaned_data for f in formset if f.cleaned_data.get("description")]
    try:
        services.occurrence_hold(actor=request.user, occurrence=occ, action_items=rows, **form.cleaned_data)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return _occurrence_page(request, occ, form=form, formset=formset, status=400)
    except (PermissionDenied, StateConflict) as exc:
        messages.error(request, str(exc))
        return redirect("touchpoints_occurrence", occ.pk)
    messages.success(request, _("Review recorded; the next one is on the plan."))
    return redirect("touchpoints_occurrence", occ.pk)


@login_required
@require_POST
def action_done(request, pk: int):
    _require_staff(request)
    action = selectors.action_item_get(user=request.user, pk=pk)
    form = DoneForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))
        return redirect("touchpoints_occurrence", action.occurrence_id)
    try:
        services.action_item_done(actor=request.user, action=action, note=form.cleaned_data["note"])
    except (PermissionDenied, ValidationError) as exc:
        messages.error(request, " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc))
    else:
        messages.success(request, _("Action item done."))
    if request.POST.get("next") == "mine":
        return redirect("touchpoints_mine")
    return redirect("touchpoints_occurrence", action.occurrence_id)
