"""HTML pages for handoffs: the list for directors, the start form, and the handoff page with its
checklists, open work, introduction meeting, confirmation and completion."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accountteam.clock import carrier_today
from accountteam.forms import add_service_errors
from teams.scoping import staff_person

from . import selectors, services
from .forms import CancelForm, HandoffFiltersForm, IntroductionForm, ItemForm, StartForm
from .models import Handoff, Owner, Step
from .rules import HandoffConflict

PAGE_SIZE = 25


def _require_staff(request):
    if staff_person(request.user) is None:
        raise Http404  # handoffs are internal to the carrier


@login_required
def handoff_list(request):
    _require_staff(request)
    form = HandoffFiltersForm(request.GET)
    filters = form.filters()
    status, query = filters.get("status", Handoff.Status.OPEN), filters.get("q", "")
    rows = selectors.handoff_list(user=request.user, status=None if status == "all" else status, query=query)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "handoffs/list.html",
        {
            "page": page, "status": status, "query": query, "today": carrier_today(),
            "page_params": urlencode({"status": status, "q": query}),
            "statuses": [*Handoff.Status.choices, ("all", "All")],
            "filter_form": form,
        },
    )


@login_required
def handoff_start(request):
    _require_staff(request)
    form = StartForm(request.POST or None, user=request.user, initial=request.GET.dict())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            handoff = services.handoff_start(
                actor=request.user, role=data["role"], outgoing=data["outgoing"], incoming=data["incoming"],
                effective_date=data["effective_date"], note=data["note"],
                accounts=None if data["scope"] == Handoff.Scope.ALL else list(data["accounts"]),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Handoff #{handoff.pk} started for {handoff.accounts.count()} account(s).")
            return redirect("handoff_detail", handoff.pk)
    return render(request, "handoffs/start.html", {"form": form})


@login_required
def handoff_detail(request, pk: int, *, forms=None, blockers=None, status=200):
    _require_staff(request)
    handoff = selectors.handoff_get(user=request.user, pk=pk)
    forms = forms or {}
    meetings = selectors.evidence_meetings(handoff)  # one query for every account of the handoff
    accounts = []
    for row in handoff.accounts.all():
        items = list(row.items.all())
        intro_done = any(i.step == Step.INTRODUCTION and i.is_done for i in items)
        accounts.append(
            {
                "row": row,
                "items": [
                    {
                        "item": i,
                        "can_tick": handoff.is_open and not i.is_done and i.step != Step.TRANSFER
                        and selectors.can_act_as(request.user, handoff, i.owner),
                        "can_reopen": handoff.is_open and i.is_done and i.step != Step.TRANSFER
                        and selectors.can_act_as(request.user, handoff, i.owner),
                        "form": forms.get(("item", i.pk))
                        or ItemForm(prefix=f"item{i.pk}", meetings=meetings[row.account_id]),
                    }
                    for i in items
                ],
                "progress": selectors.progress(items),
                "intro_form": None if intro_done or not handoff.is_open else (
                    forms.get(("intro", row.account_id)) or IntroductionForm(account=row.account,
                                                                              prefix=f"intro{row.account_id}")
                ),
            }
        )
    context = {
        "handoff": handoff,
        "accounts": accounts,
        "progress": selectors.progress(i["item"] for a in accounts for i in a["items"]),
        "open_work": services.open_work(handoff) if handoff.is_open else [],
        "can_manage": selectors.can_manage(request.user, handoff.outgoing),
        "can_transfer": selectors.can_act_as(request.user, handoff, Owner.OUTGOING),
        "can_confirm": selectors.can_act_as(request.user, handoff, Owner.INCOMING),
        "is_incoming": staff_person(request.user).pk == handoff.incoming_id,
        "blockers": blockers,
        "cancel_form": forms.get("cancel") or CancelForm(),
    }
    return render(request, "handoffs/detail.html", context, status=status)


def _run(request, pk, service, success: str, **kwargs):
    """Call a service for the handoff page; errors re-render the page with the problem shown."""
    _require_staff(request)
    handoff = selectors.handoff_get(user=request.user, pk=pk)
    try:
        result = service(actor=request.user, handoff=handoff, **kwargs)
    except HandoffConflict as exc:
        messages.error(request, str(exc))
        return handoff_detail(request, pk, blockers=exc.blockers, status=409)
    except (ValidationError, PermissionDenied) as exc:
        text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        messages.error(request, text or "You may not do this.")
        return handoff_detail(request, pk, status=400 if isinstance(exc, ValidationError) else 403)
    messages.success(request, success.format(result=result))
    return redirect("handoff_detail", pk)


@login_required
@require_POST
def item_complete(request, pk: int, item_id: int):
    _require_staff(request)
    handoff = selectors.handoff_get(user=request.user, pk=pk)
    item = selectors.item_get(handoff=handoff, item_id=item_id)
    meetings = selectors.evidence_meetings(handoff)[item.handoff_account.account_id]
    form = ItemForm(request.POST, request.FILES, prefix=f"item{item.pk}", meetings=meetings)
    if not form.is_valid():
        return handoff_detail(request, pk, forms={("item", item.pk): form}, status=400)
    return _run(request, pk, services.handoff_item_complete, f"“{item.title}” done.", item=item, **form.cleaned_data)


@login_required
@require_POST
def item_reopen(request, pk: int, item_id: int):
    _require_staff(request)
    handoff = selectors.handoff_get(user=request.user, pk=pk)
    item = selectors.item_get(handoff=handoff, item_id=item_id)
    return _run(request, pk, services.handoff_item_reopen, f"“{item.title}” reopened.", item=item)


@login_required
@require_POST
def transfer(request, pk: int):
    return _run(
        request, pk, services.handoff_transfer_open_items,
        "Transferred {result[escalations]} escalation(s) and {result[proposals]} proposal(s).",
    )


@login_required
@require_POST
def introduction(request, pk: int, account_id: int):
    _require_staff(request)
    handoff = selectors.handoff_get(user=request.user, pk=pk)
    row = next((r for r in handoff.accounts.all() if r.account_id == account_id), None)
    if row is None:
        raise Http404
    form = IntroductionForm(request.POST, account=row.account, prefix=f"intro{account_id}")
    if not form.is_valid():
        return handoff_detail(request, pk, forms={("intro", account_id): form}, status=400)
    data = form.cleaned_data
    return _run(
        request, pk, services.handoff_schedule_introduction,
        "Introduction scheduled; the invitation is on its way to everyone invited.",
        account=row.account, starts_at=data["starts_at"], duration_minutes=data["duration_minutes"],
        location=data["location"], contacts=list(data["contacts"]) or None,
    )


@login_required
@require_POST
def confirm(request, pk: int):
    return _run(request, pk, services.handoff_confirm, "Confirmed.")


@login_required
@require_POST
def complete(request, pk: int):
    return _run(request, pk, services.handoff_complete, "Handoff completed: the new assignments are in place.")


@login_required
@require_POST
def cancel(request, pk: int):
    _require_staff(request)
    form = CancelForm(request.POST)
    if not form.is_valid():
        return handoff_detail(request, pk, forms={"cancel": form}, status=400)
    return _run(request, pk, services.handoff_cancel, "Handoff cancelled.", reason=form.cleaned_data["reason"])
