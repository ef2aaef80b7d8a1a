"""HTML pages for handoffs: the list for directors, the start form, and the handoff page with its
checklists, open work, introduction meeting, confirmation and completion.

Every action on the handoff page answers with a redirect to the page (Post/Redirect/Get), refused
or not: a refused form comes back filled in with its errors beside its fields, a refused completion
with what stands in the way beside the button, anything else as a message. A reload never sends
the action again."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from django.views.decorators.http import require_POST

from accountteam.clock import carrier_today
from accountteam.forms import add_service_errors, refusal_keep, refusal_take
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
            "statuses": [*Handoff.Status.choices, ("all", pgettext("handoff status filter", "All"))],
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
            count = handoff.accounts.count()
            messages.success(request, ngettext(
                # Translators: "account(s)" stays one form in English; give the right plural forms.
                "Handoff #%(number)s started for %(count)s account(s).",
                "Handoff #%(number)s started for %(count)s account(s).",
                count,
            ) % {"number": handoff.pk, "count": count})
            return redirect("handoff_detail", handoff.pk)
    return render(request, "handoffs/start.html", {"form": form})


def _page(pk: int) -> str:
    """The key under which a refused form of handoff ``pk`` waits for its page (``refusal_keep``)."""
    return f"handoff:{pk}"


def _back(request, pk: int, anchor: str = "", *, forms: dict | None = None, **shown):
    """Post/Redirect/Get: back to the handoff page (at ``anchor``), with a refused form as it was
    filled in and anything else the page shows about the refusal."""
    if forms or shown:
        refusal_keep(request, _page(pk), forms=forms, **shown)
    return redirect(reverse("handoff_detail", args=[pk]) + (f"#{anchor}" if anchor else ""))


@login_required
def handoff_detail(request, pk: int):
    _require_staff(request)
    handoff = selectors.handoff_get(user=request.user, pk=pk)
    refused = refusal_take(request, _page(pk))
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
                        "form": refused.form(f"item{i.pk}", ItemForm, prefix=f"item{i.pk}",
                                             meetings=meetings[row.account_id])
                        or ItemForm(prefix=f"item{i.pk}", meetings=meetings[row.account_id]),
                    }
                    for i in items
                ],
                "progress": selectors.progress(items),
                "intro_form": None if intro_done or not handoff.is_open else (
                    refused.form(f"intro{row.account_id}", IntroductionForm, account=row.account,
                                 prefix=f"intro{row.account_id}")
                    or IntroductionForm(account=row.account, prefix=f"intro{row.account_id}")
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
        "blockers": refused.shown.get("blockers"),
        "cancel_form": refused.form("cancel", CancelForm) or CancelForm(),
    }
    return render(request, "handoffs/detail.html", context)


def _run(request, pk, service, success, *, form=None, key: str = "", anchor: str = "", **kwargs):
    """Call a service for the handoff page, then back to the page (Post/Redirect/Get), refused or
    not: a refusal's reason beside the form that was sent (``form``, kept under ``key`` and shown at
    ``anchor``), else as a message; a refused completion lists what stands in the way.
    ``success``: the message once done, or a function of the service's result that makes it."""
    _require_staff(request)
    handoff = selectors.handoff_get(user=request.user, pk=pk)
    try:
        result = service(actor=request.user, handoff=handoff, **kwargs)
    except HandoffConflict as exc:
        messages.error(request, str(exc))
        if exc.blockers:
            return _back(request, pk, "finish-h", blockers=exc.blockers)
        return _back(request, pk, anchor)
    except ValidationError as exc:
        if form is not None:
            add_service_errors(form, exc)
            return _back(request, pk, anchor, forms={key: form})
        messages.error(request, " ".join(exc.messages))
        return _back(request, pk, anchor)
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("You may not do this."))
        return _back(request, pk, anchor)
    messages.success(request, success(result) if callable(success) else success)
    return redirect("handoff_detail", pk)


@login_required
@require_POST
def item_complete(request, pk: int, item_id: int):
    _require_staff(request)
    handoff = selectors.handoff_get(user=request.user, pk=pk)
    item = selectors.item_get(handoff=handoff, item_id=item_id)
    meetings = selectors.evidence_meetings(handoff)[item.handoff_account.account_id]
    key = f"item{item.pk}"
    form = ItemForm(request.POST, request.FILES, prefix=key, meetings=meetings)
    if not form.is_valid():
        return _back(request, pk, f"item-{item.pk}", forms={key: form})
    return _run(
        request, pk, services.handoff_item_complete, _("“%(title)s” done.") % {"title": item.title}, form=form, key=key,
        anchor=f"item-{item.pk}", item=item, **form.cleaned_data,
    )


@login_required
@require_POST
def item_reopen(request, pk: int, item_id: int):
    _require_staff(request)
    handoff = selectors.handoff_get(user=request.user, pk=pk)
    item = selectors.item_get(handoff=handoff, item_id=item_id)
    return _run(
        request, pk, services.handoff_item_reopen, _("“%(title)s” reopened.") % {"title": item.title},
        anchor=f"item-{item.pk}", item=item,
    )


@login_required
@require_POST
def transfer(request, pk: int):
    return _run(
        request, pk, services.handoff_transfer_open_items,
        # Translators: two counts in one sentence, so no plural forms: "(s)" stands for both.
        lambda result: _("Transferred %(escalations)s escalation(s) and %(proposals)s proposal(s).") % result,
        anchor="work-h",
    )


@login_required
@require_POST
def introduction(request, pk: int, account_id: int):
    _require_staff(request)
    handoff = selectors.handoff_get(user=request.user, pk=pk)
    row = next((r for r in handoff.accounts.all() if r.account_id == account_id), None)
    if row is None:
        raise Http404
    key = f"intro{account_id}"
    form = IntroductionForm(request.POST, account=row.account, prefix=key)
    if not form.is_valid():
        return _back(request, pk, f"intro-{account_id}", forms={key: form})
    data = form.cleaned_data
    return _run(
        request, pk, services.handoff_schedule_introduction,
        _("Introduction scheduled; the invitation is on its way to everyone invited."),
        form=form, key=key, anchor=f"intro-{account_id}", account=row.account, starts_at=data["starts_at"],
        duration_minutes=data["duration_minutes"], location=data["location"], contacts=list(data["contacts"]) or None,
    )


@login_required
@require_POST
def confirm(request, pk: int):
    return _run(request, pk, services.handoff_confirm, _("Confirmed."), anchor="finish-h")


@login_required
@require_POST
def complete(request, pk: int):
    return _run(
        request, pk, services.handoff_complete, _("Handoff completed: the new assignments are in place."),
        anchor="finish-h",
    )


@login_required
@require_POST
def cancel(request, pk: int):
    _require_staff(request)
    form = CancelForm(request.POST)
    if not form.is_valid():
        selectors.handoff_get(user=request.user, pk=pk)  # not yours: 404, before anything is kept
        return _back(request, pk, "cancel", forms={"cancel": form})
    return _run(
        request, pk, services.handoff_cancel, _("Handoff cancelled."), form=form, key="cancel", anchor="cancel",
        reason=form.cleaned_data["reason"],
    )
