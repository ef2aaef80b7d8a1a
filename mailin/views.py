"""HTML pages for the mail taken in, for the carrier's staff: the list (the quarantine first), a
message's page with its original, and the two ways out of the quarantine: accept it onto an
account (it becomes an e-mail item) or discard it, saying why.

Every mail URL is a 404 to anyone but staff, before anything else is read. Both actions follow
Post/Redirect/Get: a refused form goes back to the message's page filled in, its errors beside its
fields; a refusal that names no field (the message was handled meanwhile) comes back as a message."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accountteam.errors import StateConflict
from accountteam.forms import add_service_errors, refusal_keep, refusal_take
from teams.scoping import staff_person

from . import selectors, services
from .forms import ALL, STATUS_TABS, AcceptForm, DiscardForm, InboundFiltersForm
from .models import InboundMessage

PAGE_SIZE = 25
Status = InboundMessage.Status


def _require_staff(request):
    if staff_person(request.user) is None:
        raise Http404  # the mail taken in is the carrier's: no customer sees any of it


@login_required
def mail_list(request):
    _require_staff(request)
    form = InboundFiltersForm(request.GET)
    filters = form.filters()
    status, query = filters.get("status", Status.QUARANTINED), filters.get("q", "")
    rows = selectors.inbound_list(user=request.user, status=None if status == "all" else status, query=query)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "mailin/list.html",
        {
            "page": page, "status": status, "query": query,
            "page_params": urlencode({"status": status, "q": query}),
            "statuses": [*STATUS_TABS, ALL],
            "filter_form": form,
        },
    )


def _page(pk: int) -> str:
    """The key under which a refused form of message ``pk`` waits for its page (``refusal_keep``)."""
    return f"mail:{pk}"


def _back(request, pk: int, anchor: str = "", *, forms: dict | None = None):
    """Post/Redirect/Get: back to the message's page (at ``anchor``), with a refused form as it was
    filled in."""
    if forms:
        refusal_keep(request, _page(pk), forms=forms)
    return redirect(reverse("mail_detail", args=[pk]) + (f"#{anchor}" if anchor else ""))


@login_required
def mail_detail(request, pk: int):
    _require_staff(request)
    message = selectors.inbound_get(user=request.user, pk=pk)
    refused = refusal_take(request, _page(pk))
    context = {"message": message, "attachments": list(message.attachments.all())}
    if message.status == Status.QUARANTINED:
        context["accept_form"] = refused.form("accept", AcceptForm, user=request.user, message=message) or AcceptForm(
            user=request.user, message=message
        )
        context["discard_form"] = refused.form("discard", DiscardForm) or DiscardForm()
    return render(request, "mailin/detail.html", context)


@login_required
def mail_original(request, pk: int):
    """The message as it was received (.eml), as a download: never shown in the portal's origin."""
    _require_staff(request)
    message = selectors.inbound_get(user=request.user, pk=pk)
    if not message.raw:
        raise Http404
    try:
        handle = message.raw.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(handle, as_attachment=True, filename=f"message-{message.pk}.eml",
                        content_type="message/rfc822")


def _refused(request, pk: int, exc: Exception, *, form, key: str, anchor: str):
    """A service's refusal: beside the form's fields when it names them, else as a message."""
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        add_service_errors(form, exc)
        return _back(request, pk, anchor, forms={key: form})
    if isinstance(exc, ValidationError):
        messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, str(exc) or _("You may not do this."))
    return _back(request, pk, anchor)


@login_required
@require_POST
def mail_accept(request, pk: int):
    _require_staff(request)
    message = selectors.inbound_get(user=request.user, pk=pk)
    form = AcceptForm(request.POST, user=request.user, message=message)
    if not form.is_valid():
        return _back(request, pk, "accept-h", forms={"accept": form})
    try:
        item = services.quarantine_accept(
            actor=request.user, message=message, account=form.cleaned_data["account"],
            category=form.cleaned_data["category"],
        )
    except (ValidationError, PermissionDenied, StateConflict) as exc:
        return _refused(request, pk, exc, form=form, key="accept", anchor="accept-h")
    # Translators: after a quarantined e-mail was accepted; %(number)s is the new item's number.
    messages.success(request, _("Escalation #%(number)s raised on %(account)s from the e-mail “%(subject)s”.") % {
        "number": item.pk, "account": item.account.number, "subject": item.subject,
    })
    return redirect("escalation_detail", item.pk)


@login_required
@require_POST
def mail_discard(request, pk: int):
    _require_staff(request)
    message = selectors.inbound_get(user=request.user, pk=pk)
    form = DiscardForm(request.POST)
    if not form.is_valid():
        return _back(request, pk, "discard-h", forms={"discard": form})
    try:
        services.quarantine_discard(actor=request.user, message=message, reason=form.cleaned_data["reason"])
    except (ValidationError, PermissionDenied, StateConflict) as exc:
        return _refused(request, pk, exc, form=form, key="discard", anchor="discard-h")
    # Translators: after a quarantined e-mail was discarded; %(sender)s is its sender's address.
    messages.success(request, _("The e-mail from %(sender)s was discarded.") % {"sender": message.sender or "?"})
    return redirect("mail_list")
