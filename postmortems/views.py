"""HTML pages for post-mortems: the list, the request form, the post-mortem page (the request and its
status for everyone, the published analysis once there is one, the manager's workspace for the
carrier's staff), published versions and their PDF.

Same services and selectors as the API: forms validate, services decide. Every page starts from
``selectors.postmortem_get`` (scoped), so "not yours" and "does not exist" are the same 404.
Every action of the workspace answers with a redirect to the post-mortem page (Post/Redirect/Get),
refused or not, so a reload never sends it again: a refused form comes back as it was filled in
with its errors beside its fields, the sections a draft lacks beside the publish button, an action
the state or the user's rights do not allow as a message. The request form, on its own page,
shows its errors there (400).
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accountteam.forms import Refusal, add_service_errors, refusal_keep, refusal_take
from escalations.rules import TransitionError
from teams.models import Person
from teams.scoping import staff_person
from teams.selectors import raisable_accounts

from . import pdf, rules, selectors, services
from .api import pdf_response
from .forms import (
    OPEN_FILTER,
    AcceptForm,
    AnalysisForm,
    CommentForm,
    DeclineForm,
    DoneForm,
    NoteForm,
    PostMortemFiltersForm,
    PreventiveActionForm,
    PublishForm,
    RequestForm,
)
from .models import PostMortem, Status
from .rules import PostMortemConflict

PAGE_SIZE = 25
STATUS_FILTERS = [("open", OPEN_FILTER), *Status.choices]


# --- List -------------------------------------------------------------------------------------------


@login_required
def postmortem_list(request):
    """Customers: their active company's post-mortems. Staff: those they may see."""
    form = PostMortemFiltersForm(request.GET)
    filters = form.filters()
    status, query, overdue = filters.get("status", ""), filters.get("q", ""), filters.get("overdue", False)
    staff = staff_person(request.user) is not None
    membership = request.membership
    company = None if staff or membership is None else membership.company
    rows = selectors.postmortem_list(user=request.user, status=status, query=query, company=company, overdue=overdue)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for pm in page:
        pm.duration_label = rules.format_duration(pm.duration)
    filters = {k: v for k, v in (("status", status), ("q", query), ("overdue", "1" if overdue else "")) if v}
    return render(
        request,
        "postmortems/list.html",
        {
            "page": page,
            "status": status,
            "query": query,
            "overdue": overdue,
            "statuses": STATUS_FILTERS,
            "extra": urlencode(filters),
            "can_request": staff or (membership is not None and membership.can_request_postmortem),
            "staff": staff,
            "filter_form": form,
        },
    )


# --- Request ----------------------------------------------------------------------------------------


@login_required
def postmortem_request(request):
    accounts = raisable_accounts(
        user=request.user, right="can_request_postmortem", membership=request.membership, company_only=True
    ).order_by("number")
    data = request.POST if request.method == "POST" else None
    form = RequestForm(data, accounts=accounts, initial={"account": request.GET.get("account")})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                pm = services.postmortem_request(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                text = _(
                    "Post-mortem requested for ticket %(ticket)s and assigned to %(name)s, "
                    "the account's service manager."
                ) % {"ticket": pm.ticket_number, "name": pm.manager.name}
                if pm.below_threshold:
                    # Translators: %(duration)s is how long the event lasted ("3 h 05 min"), %(hours)s a number.
                    text += " " + _(
                        "The event lasted %(duration)s, shorter than the %(hours)s-hour threshold: the service "
                        "manager will accept or decline the request."
                    ) % {
                        "duration": rules.format_duration(pm.duration),
                        "hours": _hours(settings.POSTMORTEM_ELIGIBILITY_HOURS),
                    }
                messages.success(request, text)
                return redirect("postmortem_detail", pk=pm.pk)
        status = 400
    return render(
        request,
        "postmortems/request.html",
        {"form": form, "threshold_hours": _hours(settings.POSTMORTEM_ELIGIBILITY_HOURS)},
        status=status,
    )


def _hours(value: float) -> str:
    return f"{value:g}"


# --- The post-mortem page ----------------------------------------------------------------------------


def _published(pm: PostMortem, version) -> dict:
    """A published version with its timeline parsed and its actions' live status (an action the
    correction removed has none)."""
    live = {a.pk: a for a in pm.actions.all()}
    return {
        "version": version,
        "timeline": pdf.timeline_entries(version),
        "actions": [
            entry | {"due": dt.date.fromisoformat(entry["due_on"]), "live": live.get(entry.get("id"))}
            for entry in version.actions
        ],
    }


def _workspace(request, pm: PostMortem, refused: Refusal) -> dict:
    """What the staff see and may do on the page (customers get none of it)."""
    person = staff_person(request.user)
    can_work = selectors.can_work(request.user, pm)
    allowed = selectors.postmortem_allowed_actions(user=request.user, postmortem=pm)
    review_required = settings.POSTMORTEM_DIRECTOR_REVIEW
    editable = pm.status in rules.EDITABLE
    has_versions = bool(pm.versions.all())

    def form(key, form_class, **kwargs):
        if key not in allowed:
            return None
        kwargs["auto_id"] = f"{key}-%s"
        return refused.form(key, form_class, **kwargs) or form_class(**kwargs)

    context = {
        "can_work": can_work,
        "can_review": selectors.can_review(request.user, pm),
        "editable": editable,
        "review_required": review_required,
        "actions": [
            {
                "action": a,
                "can_toggle": can_work or a.owner_id == person.pk,
                "can_delete": can_work and editable,
            }
            for a in pm.actions.all()
        ],
    }
    if not can_work:
        return context
    return context | {
        "accept_form": form("accept", AcceptForm),
        "decline_form": form("decline", DeclineForm),
        "note_form": form("notes", NoteForm, initial={"at": timezone.localtime().replace(second=0, microsecond=0)}),
        "analysis_form": form(
            "analysis", AnalysisForm, initial={name: getattr(pm, name) for name in services.ANALYSIS_FIELDS}
        ),
        "action_form": form("preventive-actions", PreventiveActionForm, **_active_people(request)),
        "can_submit": "submit-for-review" in allowed,
        "return_form": form("return-to-preparation", CommentForm),
        "publish_form": form("publish", PublishForm),
        "can_correct": "correct" in allowed,
        "wait_form": form("wait-on-customer", CommentForm),
        "resume_form": form("resume", CommentForm),
        "has_versions": has_versions,
    }


def _page(pk: int) -> str:
    """The key under which a refused form of post-mortem ``pk`` waits for its page (``refusal_keep``)."""
    return f"postmortem:{pk}"


def _detail(request, pk):
    pm = selectors.postmortem_get(user=request.user, pk=pk)
    refused = refusal_take(request, _page(pk))
    staff = staff_person(request.user) is not None
    versions = list(pm.versions.all())
    tracking = pm.tracking
    context = {
        "pm": pm,
        "staff": staff,
        "duration": rules.format_duration(pm.duration),
        "threshold_hours": _hours(settings.POSTMORTEM_ELIGIBILITY_HOURS),
        "tracking": tracking,
        "now": timezone.now(),
        "overdue": tracking.is_overdue(),
        "versions": versions,
        "published": _published(pm, versions[0]) if versions else None,
        "missing": refused.shown.get("missing"),
        "missing_text": refused.shown.get("missing_text"),
    }
    if staff:
        context |= _workspace(request, pm, refused)
    return render(request, "postmortems/detail.html", context)


@login_required
def postmortem_detail(request, pk: int):
    return _detail(request, pk)


# Where on the page each action's form (and the reason it was refused) is.
ANCHORS = {
    "accept": "workspace-title", "decline": "workspace-title", "wait-on-customer": "workspace-title",
    "resume": "workspace-title", "notes": "notes-title", "analysis": "draft-title",
    "preventive-actions": "actions-title", "submit-for-review": "publish-title",
    "return-to-preparation": "publish-title", "publish": "publish-title", "correct": "publish-title",
}


def _back(request, pm: PostMortem, anchor: str = "", *, forms: dict | None = None, **shown):
    """Post/Redirect/Get: back to the post-mortem page (at ``anchor``), with a refused form as it
    was filled in and anything else the page shows about the refusal."""
    if forms or shown:
        refusal_keep(request, _page(pm.pk), forms=forms, **shown)
    return redirect(reverse("postmortem_detail", args=[pm.pk]) + (f"#{anchor}" if anchor else ""))


def _run(request, pm: PostMortem, call, success: str, *, form=None, key: str = "", anchor: str = ""):
    """Run a service for the page, then back to the page (Post/Redirect/Get), refused or not. A
    refusal shows once: beside the form's fields when the form was the problem (kept as it was
    filled in), the missing sections beside the publish button, anything else as a message."""
    anchor = anchor or ANCHORS.get(key, "")
    try:
        call()
    except (PostMortemConflict, TransitionError) as exc:
        messages.error(request, str(exc))
        return _back(request, pm, anchor)
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("You may not do this."))
        return _back(request, pm, anchor)
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {}
        if "sections" in errors:  # publishing or submitting an incomplete analysis
            return _back(
                request, pm, "missing-title", missing=errors["sections"], missing_text=errors.get("missing", [])
            )
        if form is not None:
            add_service_errors(form, exc)
            return _back(request, pm, anchor, forms={key: form})
        messages.error(request, " ".join(exc.messages))
        return _back(request, pm, anchor)
    messages.success(request, success)
    return redirect("postmortem_detail", pk=pm.pk)


def _with_form(form_class, service, success, *, form_kwargs=None):
    """An action whose form's cleaned data are the service's arguments (``form_kwargs``: a function
    of the request giving the form's extra arguments)."""

    def handle(request, pm, key):
        form = form_class(request.POST, auto_id=f"{key}-%s", **(form_kwargs(request) if form_kwargs else {}))
        if not form.is_valid():
            return _back(request, pm, ANCHORS.get(key, ""), forms={key: form})
        return _run(
            request, pm, lambda: service(actor=request.user, postmortem=pm, **form.cleaned_data), success,
            form=form, key=key,
        )

    return handle


def _plain(service, success):
    def handle(request, pm, key):
        return _run(request, pm, lambda: service(actor=request.user, postmortem=pm), success)

    return handle


def _active_people(request):
    return {"people": Person.objects.visible_to(request.user).filter(is_active=True).order_by("name")}


ACTIONS = {
    "accept": _with_form(AcceptForm, services.postmortem_accept, gettext_lazy("Accepted: the due date is set.")),
    "decline": _with_form(
        DeclineForm, services.postmortem_decline, gettext_lazy("Declined: the customer is told why.")
    ),
    "notes": _with_form(NoteForm, services.postmortem_note_add, gettext_lazy("Note added.")),
    "analysis": _with_form(AnalysisForm, services.postmortem_analysis_update, gettext_lazy("Analysis saved.")),
    "preventive-actions": _with_form(
        PreventiveActionForm, services.preventive_action_add, gettext_lazy("Preventive action added."),
        form_kwargs=_active_people,
    ),
    "submit-for-review": _plain(
        services.postmortem_submit_for_review, gettext_lazy("Submitted for the director's review.")
    ),
    "return-to-preparation": _with_form(
        CommentForm, services.postmortem_return_to_preparation, gettext_lazy("Returned to preparation.")
    ),
    "publish": _with_form(
        PublishForm, services.postmortem_publish, gettext_lazy("Published: the customer can read it now.")
    ),
    "correct": _plain(
        services.postmortem_correct, gettext_lazy("Correction started: publish again to issue a new version.")
    ),
    "wait-on-customer": _with_form(
        CommentForm, services.postmortem_wait, gettext_lazy("Waiting on the customer: the clock is stopped.")
    ),
    "resume": _with_form(CommentForm, services.postmortem_resume, gettext_lazy("Resumed: the due date moved out.")),
}


@login_required
@require_POST
def postmortem_action(request, pk: int, action: str):
    pm = selectors.postmortem_get(user=request.user, pk=pk)
    handle = ACTIONS.get(action)
    if handle is None:
        raise Http404(_("No such action."))
    if not selectors.can_work(request.user, pm):
        raise PermissionDenied(_("Only the account's service manager, their director or a carrier admin can do this."))
    return handle(request, pm, action)


@login_required
@require_POST
def preventive_action_change(request, pk: int, action_id: int, verb: str):
    """Mark a preventive action done or open again (its owner may too), or delete it."""
    pm = selectors.postmortem_get(user=request.user, pk=pk)
    item = next((a for a in pm.actions.all() if a.pk == action_id), None)
    if item is None or verb not in ("done", "reopen", "delete"):
        raise Http404
    if verb == "delete":
        return _run(
            request, pm, lambda: services.preventive_action_delete(actor=request.user, action=item),
            _("Preventive action deleted."), anchor="actions-title",
        )
    form = DoneForm(request.POST)
    form.is_valid()
    done = verb == "done"
    return _run(
        request, pm,
        lambda: services.preventive_action_update(
            actor=request.user, action=item, done=done, done_note=form.cleaned_data.get("done_note", "")
        ),
        _("Preventive action marked done.") if done else _("Preventive action open again."), anchor=f"action-{item.pk}",
    )


# --- Published versions and the PDF ------------------------------------------------------------------


@login_required
def version_detail(request, pk: int, number: int):
    pm = selectors.postmortem_get(user=request.user, pk=pk)
    version = selectors.version_get(postmortem=pm, number=number)
    versions = list(pm.versions.all())
    return render(
        request,
        "postmortems/version.html",
        {
            "pm": pm,
            "duration": rules.format_duration(pm.duration),
            "published": _published(pm, version),
            "latest": versions[0],
            "versions": versions,
        },
    )


@login_required
def postmortem_pdf(request, pk: int, number: int | None = None):
    """The published analysis (the latest, or version ``number``) as a PDF attachment; 404 while
    nothing is published, for staff too: a draft is never a PDF."""
    pm = selectors.postmortem_get(user=request.user, pk=pk)
    return pdf_response(selectors.version_get(postmortem=pm, number=number))
