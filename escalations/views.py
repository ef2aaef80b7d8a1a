"""HTML pages for escalations: raise, list, item page with actions and timeline."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accountteam.forms import add_service_errors
from teams.models import Company, Person
from teams.scoping import staff_person
from teams.selectors import raisable_accounts

from . import rules, selectors, services
from .forms import ActionForm, EscalationFiltersForm, RaiseForm
from .models import Category, Channel, Status

PAGE_SIZE = 25

ACTIONS = {
    "acknowledge": services.escalation_acknowledge,
    "respond": services.escalation_respond,
    "wait": services.escalation_wait,
    "resume": services.escalation_resume,
    "resolve": services.escalation_resolve,
    "cancel": services.escalation_cancel,
    "escalate": services.escalation_escalate,
    "reassign": services.escalation_reassign,
    "comment": services.escalation_comment,
}


def _action_form(request, action: str, *, bulk: bool = False) -> ActionForm:
    people = Person.objects.visible_to(request.user).filter(is_active=True)
    return ActionForm(request.POST, action=action, people=people, bulk=bulk)


@login_required
def escalation_list(request):
    form = EscalationFiltersForm(request.GET)
    filters = form.filters()
    items = selectors.escalation_list(user=request.user, filters=filters)
    if staff_person(request.user) is None and request.membership is not None:
        items = items.filter(company=request.membership.company)
    page = Paginator(items.order_by("-received_at"), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filters": filters,
        "statuses": Status.choices,
        "channels": Channel.choices,
        "categories": Category.choices,
        "query": request.GET.urlencode(),
        "filter_form": form,
    }
    if request.htmx:
        return render(request, "escalations/partials/_rows.html", context)
    return render(request, "escalations/list.html", context)


@login_required
def escalation_raise(request):
    staff = staff_person(request.user) is not None
    accounts = raisable_accounts(
        user=request.user, right="can_escalate", membership=request.membership, company_only=True
    )
    people = Person.objects.visible_to(request.user).filter(is_active=True) if staff else None
    form = RaiseForm(
        request.POST or None,
        accounts=accounts,
        staff=staff,
        people=people,
        initial={"account": request.GET.get("account")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            item = services.escalation_create(actor=request.user, **form.service_kwargs())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Escalation #{item.pk} raised and assigned to {item.assignee.name}.")
            return redirect("escalation_detail", pk=item.pk)
    return render(request, "escalations/raise.html", {"form": form, "staff": staff})


@login_required
def escalation_detail(request, pk: int):
    item = selectors.escalation_get(user=request.user, pk=pk)
    staff = staff_person(request.user) is not None
    people = Person.objects.visible_to(request.user).filter(is_active=True).exclude(pk=item.assignee_id)
    return render(
        request,
        "escalations/detail.html",
        {
            "item": item,
            "events": selectors.timeline(user=request.user, escalation=item),
            "staff": staff,
            "people": people if staff else None,
            "follow_up_required": rules.follow_up_required(item.channel, item.category),
            # The post-mortem a tracking item carries (the reverse one-to-one raises when missing).
            "postmortem": getattr(item, "postmortem", None) if item.category == Category.POSTMORTEM else None,
        },
    )


@login_required
@require_POST
def escalation_action(request, pk: int, action: str):
    item = selectors.escalation_get(user=request.user, pk=pk)
    service = ACTIONS.get(action)
    if service is None:
        raise Http404("No such action.")
    form = _action_form(request, action)
    if not form.is_valid():
        messages.error(request, form.error_text())
        return redirect("escalation_detail", pk=pk)
    kwargs = {"actor": request.user, "escalation": item, **form.service_kwargs()}
    try:
        service(**kwargs)
    except rules.TransitionError as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Saved." if action == "comment" else f"Done: {action.replace('_', ' ')}.")
    return redirect("escalation_detail", pk=pk)


# --- The queue ----------------------------------------------------------------------------------------


def _queue_filters(request) -> dict:
    """The page's filters, checked like the API's: a value that is not valid (a stale bookmark) is
    dropped rather than failing the page."""
    from .api import QueueParamsSerializer

    raw = {k: request.GET.get(k, "").strip() for k in selectors.QUEUE_FILTERS if request.GET.get(k, "").strip()}
    params = QueueParamsSerializer(data=raw)
    if params.is_valid():
        return raw
    return {k: v for k, v in raw.items() if k not in params.errors}


def _require_staff_page(request):
    person = staff_person(request.user)
    if person is None:
        raise Http404("The queue is for the carrier's staff.")
    return person


def _queue_context(request, filters, *, notice="", error=""):
    now = timezone.now()
    items = selectors.queue_list(user=request.user, filters=filters, now=now)
    page = Paginator(items, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    params = {k: v for k, v in filters.items()}
    return {
        "page": page,
        "now": now,
        "filters": filters,
        "counts": selectors.queue_counts(user=request.user, filters=filters, now=now),
        "query": urlencode(params),
        "query_without_state": urlencode({k: v for k, v in params.items() if k != "state"}),
        "people": Person.objects.visible_to(request.user).filter(is_active=True).only("pk", "name"),
        "statuses": Status.choices,
        "channels": Channel.choices,
        "categories": Category.choices,
        "companies": Company.objects.visible_to(request.user).only("pk", "name"),
        "notice": notice,
        "error": error,
        "tabs": QUEUE_TABS,
    }


QUEUE_PAGE_SIZE = 50
QUEUE_TABS = (
    ("", "All"),
    ("overdue", "Overdue"),
    ("at_risk", "At risk"),
    ("on_track", "On track"),
    ("paused", "Waiting on customer"),
)


@login_required
def queue(request):
    """My queue: my items and those of people I back up while they are out, next deadline first."""
    _require_staff_page(request)
    context = _queue_context(request, _queue_filters(request))
    if request.htmx and request.htmx.target == "queue-body":
        return render(request, "escalations/partials/_queue_body.html", context)
    return render(request, "escalations/queue.html", context)


@login_required
@require_POST
def queue_action(request, pk: int, action: str):
    """An action on one row, in place: answers the row again (or a note that it left the queue)."""
    _require_staff_page(request)
    item = selectors.escalation_get(user=request.user, pk=pk)
    service = ACTIONS.get(action)
    if service is None:
        raise Http404("No such action.")
    if action in ("reassign", "escalate"):
        raise Http404("Use the item page or the bulk bar.")
    form = _action_form(request, action)
    error = ""
    if not form.is_valid():
        error = form.error_text()
    else:
        # A note added from the queue is the staff's own (the item page offers the choice).
        extra = {"internal": True} if action == "comment" else {}
        try:
            service(actor=request.user, escalation=item, **(form.service_kwargs() | extra))
        except (rules.TransitionError, ValidationError) as exc:
            error = str(exc) if isinstance(exc, rules.TransitionError) else " ".join(exc.messages)
    now = timezone.now()
    row = selectors.queue_list(user=request.user, now=now).filter(pk=pk).first()
    return render(
        request,
        "escalations/partials/_queue_row.html",
        {
            "item": row,
            "gone": item if row is None else None,
            "now": now,
            "error": error,
            "done": "" if error else ("Note added." if action == "comment" else f"{action.capitalize()}: done."),
        },
    )


@login_required
@require_POST
def queue_bulk(request):
    """Acknowledge or reassign the selected rows in one transaction."""
    _require_staff_page(request)
    filters = {k: request.POST.get(k, "").strip() for k in selectors.QUEUE_FILTERS if request.POST.get(k)}
    ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()]
    items = list(selectors.escalation_list(user=request.user).filter(pk__in=ids))
    action = request.POST.get("action", "")
    form = _action_form(request, action, bulk=True)
    if not form.is_valid():
        context = _queue_context(request, filters, error=form.error_text())
        return render(request, "escalations/partials/_queue_body.html", context)
    kwargs = form.service_kwargs()
    notice = error = ""
    try:
        done = services.escalations_bulk_act(actor=request.user, escalations=items, action=action, **kwargs)
    except ValidationError as exc:
        error = "Nothing was changed. " + " ".join(exc.messages)
    else:
        notice = f"{len(done)} item{'s' if len(done) != 1 else ''}: {action} done."
    return render(
        request, "escalations/partials/_queue_body.html", _queue_context(request, filters, notice=notice, error=error)
    )


@login_required
def escalation_timeline(request, pk: int):
    """The item's timeline as a fragment, opened in place from the queue."""
    item = selectors.escalation_get(user=request.user, pk=pk)
    return render(
        request,
        "escalations/partials/_timeline.html",
        {"item": item, "events": selectors.timeline(user=request.user, escalation=item)},
    )
