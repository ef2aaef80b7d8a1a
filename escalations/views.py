"""HTML pages for escalations: raise, list, item page with actions and timeline."""

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
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST

from accountteam.forms import add_service_errors
from teams.models import Company, Person
from teams.scoping import can_view_account_team, staff_person
from teams.selectors import raisable_accounts

from . import customer_actions, following, rules, scheduling, selectors, services
from .customer_notices import is_following, local_time
from .forms import ActionForm, CustomerActionForm, EscalationFiltersForm, RaiseForm, ScheduleForm
from .models import RAISABLE_CATEGORIES, Category, Channel, Status

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
    "recategorize": services.escalation_recategorize,
}

# A customer's escalate and cancel are their own services (staff keep theirs); reopen is theirs only.
CUSTOMER_ACTIONS = {
    "escalate": customer_actions.escalation_customer_escalate,
    "cancel": customer_actions.escalation_customer_cancel,
    "reopen": customer_actions.escalation_reopen,
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
    sort = filters.get("sort", "")
    items = selectors.escalation_list_order(items, sort=sort)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filters": filters,
        "sort": sort,
        # The column links keep the filters and set the sort (from the first page).
        "query_without_sort": urlencode([(k, v) for k, v in request.GET.items() if k not in ("sort", "page")]),
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
            messages.success(
                request,
                _("Escalation #%(number)s raised and assigned to %(name)s.")
                % {"number": item.pk, "name": item.assignee.name},
            )
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
            # Customers: whether they get this item's notices (the Follow button says the other way).
            "following": None if staff else is_following(item, request.user),
            # Customers: which of their actions (to the director, cancel, reopen) the item allows.
            "customer_options": (
                None if staff else customer_actions.customer_options(user=request.user, escalation=item)
            ),
            "people": people if staff else None,
            "categories": RAISABLE_CATEGORIES if staff else None,
            "follow_up_required": rules.follow_up_required(item.channel, item.category),
            # The post-mortem a tracking item carries (the reverse one-to-one raises when missing).
            "postmortem": getattr(item, "postmortem", None) if item.category == Category.POSTMORTEM else None,
            # A call or meeting: staff schedule it (or move it); the meeting's .ics is the dossier's,
            # which a customer downloads with the view-team right.
            "scheduled_channel": item.channel in rules.SCHEDULED_CHANNELS,
            "schedule_form": (
                ScheduleForm.for_item(item) if staff and item.channel in rules.SCHEDULED_CHANNELS else None
            ),
            "meeting_ics": item.meeting_id is not None and can_view_account_team(request.user, item.account),
        },
    )


@login_required
@require_POST
def escalation_follow(request, pk: int):
    """A customer follows the item (``following=on``) or stops following it (``following=off``)."""
    item = selectors.escalation_get(user=request.user, pk=pk)
    choice = request.POST.get("following", "")
    if choice not in ("on", "off"):
        messages.error(request, _("Choose to follow the item or to stop following it."))
        return redirect("escalation_detail", pk=pk)
    following.escalation_follow(user=request.user, escalation=item, following=choice == "on")
    if choice == "on":
        messages.success(
            request, _("You now follow escalation #%(number)s; you will get its notices.") % {"number": item.pk}
        )
    else:
        messages.success(
            request,
            _("You no longer follow escalation #%(number)s; you will get no notices about it.") % {"number": item.pk},
        )
    return redirect("escalation_detail", pk=pk)


@login_required
@require_POST
def escalation_schedule(request, pk: int, reschedule: bool = False):
    """Staff schedule a requested call or meeting (or move it): the message names the time in the
    viewer's zone and whether the customer was invited."""
    item = selectors.escalation_get(user=request.user, pk=pk)
    if staff_person(request.user) is None:
        raise PermissionDenied(_("Only the carrier's staff can schedule a call or meeting."))
    form = ScheduleForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.error_text())
        return redirect("escalation_detail", pk=pk)
    service = scheduling.escalation_reschedule if reschedule else scheduling.escalation_schedule
    try:
        item = service(actor=request.user, escalation=item, **form.service_kwargs())
    except rules.TransitionError as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _scheduled_words(item, reschedule=reschedule))
    return redirect("escalation_detail", pk=pk)


def _scheduled_words(item, *, reschedule: bool) -> str:
    words = {"number": item.pk, "when": local_time(item.meeting.starts_at, timezone.get_current_timezone())}
    if not item.meeting.guests:
        if reschedule:
            message = _(
                # Translators: %(when)s is a day and time in words, e.g. “Friday 4 December, 14:30 MST”.
                "Escalation #%(number)s rescheduled to %(when)s; no customer was e-mailed an invitation "
                "(nobody to invite by e-mail)."
            )
        else:
            message = _(
                "Escalation #%(number)s scheduled for %(when)s; no customer was e-mailed an invitation "
                "(nobody to invite by e-mail)."
            )
    elif reschedule:
        message = _("Escalation #%(number)s rescheduled to %(when)s; the customer was sent an invitation again.")
    else:
        message = _("Escalation #%(number)s scheduled for %(when)s; the customer was sent an invitation.")
    return message % words


@login_required
@require_POST
def escalation_action(request, pk: int, action: str):
    item = selectors.escalation_get(user=request.user, pk=pk)
    if action in CUSTOMER_ACTIONS and (staff_person(request.user) is None or action not in ACTIONS):
        return _customer_action(request, item, action)
    service = ACTIONS.get(action)
    if service is None:
        raise Http404("No such action.")
    form = _action_form(request, action)
    if not form.is_valid():
        messages.error(request, form.error_text())
        return redirect("escalation_detail", pk=pk)
    kwargs = {"actor": request.user, "escalation": item, **form.service_kwargs()}
    try:
        done = service(**kwargs)
    except rules.TransitionError as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _done_words(action, done, item=item, internal=kwargs.get("internal", False)))
    return redirect("escalation_detail", pk=pk)


def _done_words(action: str, done, *, item, internal: bool = False) -> str:
    """A staff action's outcome in a sentence that names the item: "Escalation #12 resolved.".
    ``done`` is what the service returned (the item as it is now; a comment's event)."""
    now_item = done if hasattr(done, "assignee_id") else item
    words = {"number": item.pk}
    if action == "acknowledge":
        if now_item.follow_up_on:
            # Translators: %(day)s is a day in words, e.g. “Friday 4 December”.
            message = _("Escalation #%(number)s acknowledged; the customer was told you will reply by %(day)s.")
            return message % (words | {"day": rules.day_words(now_item.follow_up_on)})
        return _("Escalation #%(number)s acknowledged.") % words
    if action == "escalate":
        return _("Escalation #%(number)s escalated to %(name)s.") % (words | {"name": now_item.assignee.name})
    if action == "reassign":
        return _("Escalation #%(number)s reassigned to %(name)s.") % (words | {"name": now_item.assignee.name})
    if action == "comment":
        if internal:
            return _("Internal note added to escalation #%(number)s.") % words
        return _("Comment added to escalation #%(number)s.") % words
    return _DONE.get(action, _UPDATED) % words


# A staff action's outcome, by action (``_done_words``).
_DONE = {
    "respond": gettext_lazy("Response to escalation #%(number)s recorded."),
    "wait": gettext_lazy("Escalation #%(number)s is waiting on the customer; its clock is stopped."),
    "resume": gettext_lazy("Escalation #%(number)s resumed; its clock runs again."),
    "resolve": gettext_lazy("Escalation #%(number)s resolved."),
    "cancel": gettext_lazy("Escalation #%(number)s cancelled."),
    "recategorize": gettext_lazy("Escalation #%(number)s has a new category."),
}
_UPDATED = gettext_lazy("Escalation #%(number)s updated.")


def _bulk_done_words(action: str, done: list) -> str:
    """The bulk bar's outcome: "2 items acknowledged.", "3 items reassigned to Luis Ortega."."""
    count = len(done)
    if action == "reassign" and done:
        return ngettext(
            "%(count)s item reassigned to %(name)s.", "%(count)s items reassigned to %(name)s.", count
        ) % {"count": count, "name": done[0].assignee.name}
    if action == "acknowledge":
        return ngettext("%(count)s item acknowledged.", "%(count)s items acknowledged.", count) % {"count": count}
    return ngettext("%(count)s item updated.", "%(count)s items updated.", count) % {"count": count}


def _customer_action(request, item, action: str):
    """A customer's action from the item page: refused (403) before the reason is read when it is
    not theirs to take; the message says what happened, in a sentence."""
    refusal = customer_actions.customer_refusal(user=request.user, escalation=item, action=action)
    if refusal is not None:
        raise PermissionDenied(refusal)
    form = CustomerActionForm(request.POST, action=action)
    if not form.is_valid():
        messages.error(request, form.error_text())
        return redirect("escalation_detail", pk=item.pk)
    try:
        done = CUSTOMER_ACTIONS[action](actor=request.user, escalation=item, **form.service_kwargs())
    except rules.TransitionError as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _customer_done(done, action))
    return redirect("escalation_detail", pk=item.pk)


def _customer_done(item, action: str) -> str:
    words = {"number": item.pk, "name": item.assignee.name, "title": item.assignee.title}
    if action == "escalate":
        if item.assignee.title:
            # Translators: %(name)s is the director's name, %(title)s their job title.
            return _("Escalation #%(number)s is now with %(name)s, %(title)s.") % words
        return _("Escalation #%(number)s is now with %(name)s.") % words
    if action == "cancel":
        return _("Escalation #%(number)s was cancelled.") % words
    if item.next_deadline_at is None:
        return _("Escalation #%(number)s is open again; %(name)s has it.") % words
    by = local_time(item.next_deadline_at, timezone.get_current_timezone())
    # Translators: %(when)s is a day and time in words, e.g. “Friday 4 December, 14:30 MST”.
    return _("Escalation #%(number)s is open again; %(name)s will answer by %(when)s.") % (words | {"when": by})


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


def _queue_people(request, *, also_not=None):
    """Whom the queue offers to take items over: the active people the caller sees, never the
    caller (nor ``also_not``: a single item's current assignee)."""
    me = staff_person(request.user)
    return (
        Person.objects.visible_to(request.user)
        .filter(is_active=True)
        .exclude(pk__in=[pk for pk in (me.pk if me else None, also_not) if pk is not None])
    )


def _queue_context(request, filters, *, notice="", error="", selected=()):
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
        "people": _queue_people(request).only("pk", "name"),
        "statuses": Status.choices,
        "channels": Channel.choices,
        "categories": Category.choices,
        "companies": Company.objects.visible_to(request.user).only("pk", "name"),
        "notice": notice,
        "error": error,
        # After a refused bulk action the rows stay ticked, to correct and send again.
        "selected": {str(pk) for pk in selected},
        "tabs": QUEUE_TABS,
    }


QUEUE_PAGE_SIZE = 50
QUEUE_TABS = (
    ("", gettext_lazy("All")),
    ("overdue", gettext_lazy("Overdue")),
    ("at_risk", gettext_lazy("At risk")),
    ("on_track", gettext_lazy("On track")),
    ("paused", gettext_lazy("Waiting on customer")),
)
# The forms the side panel can open on (a row's menu names one: ``?act=reassign``).
PANEL_FORMS = ("acknowledge", "respond", "reassign", "escalate", "comment")
UNDO_RESOLVE = "undo-resolve"


@login_required
def queue(request):
    """My queue: my items and those of people I back up while they are out, next deadline first."""
    _require_staff_page(request)
    context = _queue_context(request, _queue_filters(request))
    if request.htmx and request.htmx.target == "queue-body":
        return render(request, "escalations/partials/_queue_body.html", context)
    # Whose absences bring (or will bring) their items here: the page says so, the body does not.
    context["absences"] = selectors.queue_absences(user=request.user, now=context["now"])
    return render(request, "escalations/queue.html", context)


def _panel_context(request, item, *, now, act: str = "") -> dict:
    """The side panel of one item: its facts, its place in my queue (or not), the actions its status
    allows, the timeline, and the Undo of my own resolution while it may be taken back."""
    events = selectors.timeline(user=request.user, escalation=item)
    resolution = next((e for e in reversed(events) if e.kind == "resolved"), None)
    undo_refusal = rules.undo_resolve_refusal(
        status=item.status,
        resolved_at=item.resolved_at,
        resolved_by_id=resolution.actor_id if resolution else None,
        actor_id=request.user.pk,
        now=now,
        tracks_postmortem=item.category == Category.POSTMORTEM,
    )
    return {
        "item": item,
        "row": selectors.queue_list(user=request.user, now=now).filter(pk=item.pk).first(),
        "events": events,
        "now": now,
        "act": act if act in PANEL_FORMS else "",
        "people": _queue_people(request, also_not=item.assignee_id).only("pk", "name", "title"),
        "follow_up_required": rules.follow_up_required(item.channel, item.category),
        "scheduled_channel": item.channel in rules.SCHEDULED_CHANNELS,
        "undo_until": None if undo_refusal else item.resolved_at + rules.UNDO_RESOLVE_WINDOW,
    }


@login_required
@require_GET
def queue_panel(request, pk: int):
    """The side panel of the queue: one item with its timeline and its action forms (htmx); without
    script, the same on a page of its own."""
    _require_staff_page(request)
    item = selectors.escalation_get(user=request.user, pk=pk)
    context = _panel_context(request, item, now=timezone.now(), act=request.GET.get("act", ""))
    if request.htmx:
        return render(request, "escalations/partials/_item_panel.html", context)
    return render(request, "escalations/queue_item.html", context)


def _queue_act(request, item, action: str) -> tuple[str, str]:
    """Run one action of the queue on ``item``: (the sentence saying what was done, the refusal)."""
    if action == UNDO_RESOLVE:
        try:
            services.escalation_undo_resolve(actor=request.user, escalation=item)
        except rules.TransitionError as exc:
            return "", str(exc)
        return _("Escalation #%(number)s is open again; its resolution was undone.") % {"number": item.pk}, ""
    people = _queue_people(request, also_not=item.assignee_id)
    form = ActionForm(request.POST, action=action, people=people)
    if not form.is_valid():
        return "", form.error_text()
    # A note added from the queue is the staff's own (the item page offers the choice).
    extra = {"internal": True} if action == "comment" else {}
    try:
        done = ACTIONS[action](actor=request.user, escalation=item, **(form.service_kwargs() | extra))
    except rules.TransitionError as exc:
        return "", str(exc)
    except ValidationError as exc:
        return "", " ".join(exc.messages)
    return _done_words(action, done, item=item, internal=action == "comment"), ""


@login_required
@require_POST
def queue_action(request, pk: int, action: str):
    """An action on one item of the queue. From a row's menu (or its key) it answers the row again
    (or a note that it left the queue) with the sentence in the queue's feedback line; from the side
    panel, the panel with the sentence, and the row out of band; from the feedback line's Undo, the
    line, and the queue refreshes. Without script: the message, on the item's panel page."""
    _require_staff_page(request)
    item = selectors.escalation_get(user=request.user, pk=pk)
    if action not in ACTIONS and action != UNDO_RESOLVE:
        raise Http404("No such action.")
    done, error = _queue_act(request, item, action)
    # Resolved by me just now: the sentence offers to take it back.
    feedback = {"done": done, "error": error, "undo": item.pk if action == "resolve" and not error else None}
    now = timezone.now()
    if not request.htmx:
        (messages.error if error else messages.success)(request, error or done)
        return redirect("queue_panel", pk=pk)
    target = request.htmx.target
    if target == "queue-feedback":
        response = render(request, "escalations/partials/_queue_feedback.html", feedback)
        response["HX-Trigger"] = "queue-changed"
        return response
    row = selectors.queue_list(user=request.user, now=now).filter(pk=pk).first()
    rows = {"row": row, "gone": item if row is None else None}
    if target == "queue-panel":
        try:
            item = selectors.escalation_get(user=request.user, pk=pk)
            context = _panel_context(request, item, now=now)
        except Http404:  # handed to someone whose items I do not see (a colleague's, while covering)
            context = {"gone_from_view": item, "now": now}
        return render(request, "escalations/partials/_item_panel.html", context | rows | feedback | {"oob_row": True})
    return render(request, "escalations/partials/_queue_row_result.html", {"now": now} | rows | feedback)


@login_required
@require_POST
def queue_bulk(request):
    """Acknowledge or reassign the selected rows in one transaction. A refusal is said once, above
    the list, naming the items; the rows stay ticked."""
    _require_staff_page(request)
    filters = {k: request.POST.get(k, "").strip() for k in selectors.QUEUE_FILTERS if request.POST.get(k)}
    ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()]
    items = list(selectors.escalation_list(user=request.user).filter(pk__in=ids))
    action = request.POST.get("action", "")
    form = ActionForm(request.POST, action=action, people=_queue_people(request), bulk=True)
    if not form.is_valid() and not request.htmx:
        messages.error(request, form.error_text())
        return redirect(reverse("queue") + (f"?{urlencode(filters)}" if filters else ""))
    if not form.is_valid():
        context = _queue_context(request, filters, error=form.error_text(), selected=ids)
        return render(request, "escalations/partials/_queue_body.html", context)
    kwargs = form.service_kwargs()
    notice = error = ""
    try:
        done = services.escalations_bulk_act(actor=request.user, escalations=items, action=action, **kwargs)
    except ValidationError as exc:
        error = f"{_('Nothing was changed.')} {' '.join(exc.messages)}"
    else:
        notice = _bulk_done_words(action, done)
    if not request.htmx:  # without script: the sentence on the queue again
        (messages.error if error else messages.success)(request, error or notice)
        return redirect(reverse("queue") + (f"?{urlencode(filters)}" if filters else ""))
    context = _queue_context(request, filters, notice=notice, error=error, selected=ids if error else ())
    return render(request, "escalations/partials/_queue_body.html", context)


@login_required
def escalation_timeline(request, pk: int):
    """The item's timeline as a fragment, opened in place from the queue."""
    item = selectors.escalation_get(user=request.user, pk=pk)
    return render(
        request,
        "escalations/partials/_timeline.html",
        {"item": item, "events": selectors.timeline(user=request.user, escalation=item)},
    )
