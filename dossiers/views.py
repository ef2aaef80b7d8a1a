"""HTML pages for account dossiers, the iCalendar downloads and the per-user calendar feed.

Every page resolves the account through ``selectors.dossier_account_get`` (404 outside scope, 403
for a customer user without the view-team right); writes go through the services, which record
the history. One view adds or edits a row of any part, one removes it: each part has its form.
"""

from __future__ import annotations

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from accountteam.forms import add_service_errors

from . import selectors, services
from .downloads import file_response, ics_response
from .feeds import extra_events
from .forms import PART_FORMS, ProfileForm
from .ical import meetings_ics

HISTORY_PAGE_SIZE = 50
MY_CALENDAR_ROWS = 25

# part → (a row, the section's title)
PART_NAMES = {
    # Translators: a row's name ("contact", "meeting"...) goes into the pages' "Add %(noun)s",
    # "Edit %(noun)s “%(name)s”" and "Remove %(noun)s" as it is, in lower case.
    services.CONTACTS: (gettext_lazy("contact"), gettext_lazy("Contacts")),
    services.AMENDMENTS: (
        gettext_lazy("agreement or amendment"), gettext_lazy("Interconnection Agreement and amendments")
    ),
    services.MEETINGS: (gettext_lazy("meeting"), gettext_lazy("Meeting schedule")),
    services.PROPOSALS: (gettext_lazy("proposal"), gettext_lazy("Proposals")),
    services.FILES: (gettext_lazy("file"), gettext_lazy("Files")),
}

# part → what the page says once a row is added, saved or removed: a sentence each, as the
# participle agrees with the row's name in some languages.
PART_DONE = {
    services.CONTACTS: {
        "added": gettext_lazy("Contact “%(name)s” added."),
        "saved": gettext_lazy("Contact “%(name)s” saved."),
        "removed": gettext_lazy("Contact “%(name)s” removed."),
    },
    services.AMENDMENTS: {
        "added": gettext_lazy("Agreement or amendment “%(name)s” added."),
        "saved": gettext_lazy("Agreement or amendment “%(name)s” saved."),
        "removed": gettext_lazy("Agreement or amendment “%(name)s” removed."),
    },
    services.MEETINGS: {
        "added": gettext_lazy("Meeting “%(name)s” added."),
        "saved": gettext_lazy("Meeting “%(name)s” saved."),
        "removed": gettext_lazy("Meeting “%(name)s” removed."),
    },
    services.PROPOSALS: {
        "added": gettext_lazy("Proposal “%(name)s” added."),
        "saved": gettext_lazy("Proposal “%(name)s” saved."),
        "removed": gettext_lazy("Proposal “%(name)s” removed."),
    },
    services.FILES: {
        "added": gettext_lazy("File “%(name)s” added."),
        "saved": gettext_lazy("File “%(name)s” saved."),
        "removed": gettext_lazy("File “%(name)s” removed."),
    },
}


def _account(request, account_id: int):
    return selectors.dossier_account_get(user=request.user, pk=account_id)


def _require_edit(request, account, part: str) -> None:
    if not selectors.can_edit(user=request.user, account=account, part=part):
        raise PermissionDenied(_("You may not change this part of the dossier."))


def _dossier_url(account, part: str = "") -> str:
    url = reverse("dossier", args=[account.pk])
    return f"{url}#{part}" if part else url


@login_required
def dossier_detail(request, account_id: int):
    account = _account(request, account_id)
    dossier = selectors.dossier_get(user=request.user, account=account)
    return render(request, "dossiers/dossier.html", {"account": account, "dossier": dossier})


@login_required
def dossier_history(request, account_id: int):
    """Every change, newest first; htmx asks for the next page's rows."""
    account = _account(request, account_id)
    changes = selectors.change_list(user=request.user, account=account)
    page = Paginator(changes, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"account": account, "page": page, "changes": page.object_list}
    if request.htmx:
        return render(request, "dossiers/partials/_history_page.html", context)
    return render(request, "dossiers/history.html", context)


@login_required
def dossier_profile_edit(request, account_id: int):
    account = _account(request, account_id)
    _require_edit(request, account, services.PROFILE)
    profile = services.profile_for(account)
    # The form validates a copy: a ModelForm writes the cleaned values onto its instance, and the
    # service must see the row as it was to record what changed.
    form = ProfileForm(
        request.POST or None, instance=copy.copy(profile), user=request.user, account=account,
        initial={"company_profile": account.company.profile},
    )
    if request.method == "POST" and form.is_valid():
        values, _m2m = form.values()
        try:
            with transaction.atomic():
                if values:
                    services.dossier_save(
                        actor=request.user, account=account, part=services.PROFILE, instance=profile, values=values
                    )
                services.company_profile_update(
                    actor=request.user, account=account, profile=form.cleaned_data["company_profile"]
                )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The profile is saved."))
            return redirect(_dossier_url(account, "profile"))
    return render(request, "dossiers/profile_form.html", {"account": account, "form": form})


@login_required
def part_edit(request, account_id: int, part: str, pk: int | None = None):
    """Add a row to a part (no ``pk``) or change one."""
    account = _account(request, account_id)
    form_class = PART_FORMS[part]
    if pk is None:
        instance = selectors.PART_MODELS[part](account=account)
    else:
        instance = selectors.part_get(user=request.user, account=account, part=part, pk=pk)
    _require_edit(request, account, part)
    form = form_class(
        request.POST or None, request.FILES or None, instance=copy.copy(instance), user=request.user, account=account
    )
    if request.method == "POST" and form.is_valid():
        values, m2m = form.values()
        try:
            saved = services.dossier_save(
                actor=request.user, account=account, part=part, instance=instance, values=values, m2m=m2m
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            done = PART_DONE[part]["added" if pk is None else "saved"]
            messages.success(request, done % {"name": saved})
            return redirect(_dossier_url(account, part))
    return render(
        request,
        "dossiers/part_form.html",
        {"account": account, "form": form, "part": part, "noun": PART_NAMES[part][0], "instance": instance},
    )


@login_required
def part_delete(request, account_id: int, part: str, pk: int):
    account = _account(request, account_id)
    instance = selectors.part_get(user=request.user, account=account, part=part, pk=pk)
    _require_edit(request, account, part)
    noun = PART_NAMES[part][0]
    if request.method == "POST":
        services.dossier_delete(actor=request.user, account=account, part=part, instance=instance)
        messages.success(request, PART_DONE[part]["removed"] % {"name": instance})
        return redirect(_dossier_url(account, part))
    return render(
        request, "dossiers/part_delete.html", {"account": account, "part": part, "noun": noun, "instance": instance}
    )


@login_required
@require_GET
def file_download(request, account_id: int, pk: int):
    account = _account(request, account_id)
    row = selectors.part_get(user=request.user, account=account, part=services.FILES, pk=pk)
    return file_response(row.file)


@login_required
@require_GET
def amendment_document(request, account_id: int, pk: int):
    account = _account(request, account_id)
    row = selectors.part_get(user=request.user, account=account, part=services.AMENDMENTS, pk=pk)
    return file_response(row.document)


# --- iCalendar ----------------------------------------------------------------------------------


@login_required
@require_GET
def meeting_ics(request, pk: int):
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    return ics_response(meetings_ics([meeting], stamp=timezone.now()), filename=f"meeting-{meeting.pk}.ics")


@require_GET
def calendar_feed(request, token: str):
    """The subscribed calendar: no session, the secret address is the credential. It lists what
    the address's owner may see now (a right withdrawn empties it; a rotated address 404s)."""
    feed = selectors.calendar_feed_get(token=token)
    if feed is None:
        raise Http404(_("No such calendar."))
    meetings = selectors.feed_meetings(user=feed.user)
    calendar = meetings_ics(meetings, stamp=timezone.now(), extra=extra_events(feed.user))
    response = ics_response(calendar, filename="meetings.ics", attachment=False)
    response["Cache-Control"] = "private, max-age=300"
    return response


@login_required
def my_calendar(request):
    """The user's feed address, and a button for a new one (the old address stops working)."""
    if request.method == "POST":
        existed = selectors.calendar_feed_of(user=request.user) is not None
        services.calendar_feed_get_or_create(user=request.user, rotate=True)
        if existed:
            messages.success(request, _("Your calendar has a new address: the old one no longer works."))
        else:
            messages.success(request, _("Your calendar address is ready."))
        return redirect("my_calendar")
    feed = selectors.calendar_feed_of(user=request.user)
    feed_url = request.build_absolute_uri(reverse("calendar_feed", args=[feed.token])) if feed else ""
    meetings = selectors.feed_meetings(user=request.user)[:MY_CALENDAR_ROWS]
    return render(
        request,
        "dossiers/my_calendar.html",
        {
            "feed": feed,
            "feed_url": feed_url,
            "webcal_url": feed_url.replace("https://", "webcal://").replace("http://", "webcal://"),
            "meetings": meetings,
        },
    )
