"""The audit trail: who did what, when, from where. ``record()`` is the one way to write it, so any
app can (this is the bottom floor); the events are never changed or deleted (``AuditEvent``).

What each app records, and where:

- sign-ins (succeeded, failed, locked out), password changes, two-factor set-up and removal:
  ``accountteam.audit_receivers`` (allauth's and Django's signals) and the sign-in adapter
  (``accountteam.auth``: the lockout);
- API tokens made, used (the first use, then at most once an hour per token: never a row per
  request) and revoked: ``accountteam.tokens``;
- downloads (CSV, PDF, calendar files and other attachments): ``ExportAuditMiddleware``, one place
  for every export of every app;
- back-office edits of response policies, routing rules, business calendars and their closure days:
  the ModelAdmins, with ``AuditedAdminMixin``;
- staff availability and backups: ``teams.services.person_set_availability``;
- memberships, invitations and webhooks: their own services, with the actions of ``AuditAction``.

Which company an event belongs to (its user managers read it) is the caller's ``company_id``, or
else the acting customer user's company: this floor knows nothing of companies, so the app that
does (``audit``) registers the answer with ``tenancy_register`` when it loads.

Reading the trail is the ``audit`` app's (``/audit/``, ``/api/v1/audit/``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from allauth.account.adapter import get_adapter
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext_noop

from .models import AuditAction, AuditEvent

SUMMARY_MAX = AuditEvent._meta.get_field("summary").max_length
TARGET_MAX = AuditEvent._meta.get_field("target").max_length
USER_AGENT_MAX = AuditEvent._meta.get_field("user_agent").max_length
NAME_MAX = AuditEvent._meta.get_field("actor_name").max_length


@dataclass(frozen=True)
class Tenancy:
    """How this floor learns what it cannot know: a user's company and name (``tenancy_register``)."""

    # (user, request or None) -> (company id, company name) of a customer user, None for staff.
    company_of: Callable[[object, object], tuple[int, str] | None]
    # company id -> its name now ("" when there is none).
    company_name: Callable[[int], str]
    # user -> the name colleagues know them by.
    display_name: Callable[[object], str]


_tenancy: Tenancy | None = None


def tenancy_register(*, company_of, company_name, display_name) -> None:
    """Called once, by the app that knows companies (``AuditConfig.ready``)."""
    global _tenancy
    _tenancy = Tenancy(company_of=company_of, company_name=company_name, display_name=display_name)


def _name_of(user) -> str:
    if _tenancy is not None:
        return str(_tenancy.display_name(user))
    return user.get_full_name() or user.get_username()


def user_company(user, request=None) -> tuple[int | None, str]:
    """The customer company ``user`` acts for (the request's active company, else their default
    one) as (id, name); (None, "") for carrier staff and when nothing is registered."""
    if user is None or _tenancy is None:
        return None, ""
    return _tenancy.company_of(user, request) or (None, "")


def client_ip(request) -> str | None:
    """The client's address as the sign-in throttles and lockouts see it: allauth's reading, which
    trusts ``X-Forwarded-For`` only as far as ``TRUSTED_PROXY_COUNT`` says (the API's throttle
    counts by the same address, ``NUM_PROXIES``)."""
    if request is None:
        return None
    try:
        return get_adapter(request).get_client_ip(request)
    except (PermissionDenied, ImproperlyConfigured):
        # No address at all, or fewer proxies in the header than configured: unknown, not a guess.
        return None


def _django_request(request):
    # DRF's request wraps Django's; both carry the same META and user.
    return getattr(request, "_request", request)


def record(
    action: str,
    *,
    actor=None,
    request=None,
    company_id: int | None = None,
    company_name: str = "",
    target: str = "",
    summary: str = "",
    details: dict | None = None,
    at: dt.datetime | None = None,
    internal: bool = False,
    actor_name: str = "",
) -> AuditEvent:
    """Write one event to the audit trail and return it.

    ``action``: one of ``AuditAction`` (anything else is a ``ValueError``: a typo must not write a
    kind nobody filters on). ``actor``: the user who acted; by default the request's signed-in user,
    else nobody (``actor_name`` then says who it was: a login name typed at a failed sign-in).
    ``request``: where from (the client's address, as the lockout counts it, and the user agent).
    ``company_id``: the customer company the event belongs to, whose user managers may read it; by
    default the acting customer user's company (none for carrier staff). ``internal``: carrier
    admins only, whatever the company. ``target``: what it was done to, ``"<kind>:<id>"``.
    ``summary``: an English sentence; put names and other values in ``details`` and refer to them as
    ``%(name)s`` so that the reader's language can be used when it is shown (``summary_text``).
    ``details``: JSON-serialisable facts (before and after values, names, counts).

    Writes in the caller's transaction: an action rolled back leaves no event."""
    if action not in AuditAction.values:
        raise ValueError(f"Unknown audit action {action!r}: add it to accountteam.models.AuditAction.")
    http = _django_request(request) if request is not None else None
    if actor is None and http is not None:
        user = getattr(http, "user", None)
        actor = user if getattr(user, "is_authenticated", False) else None
    if isinstance(actor, AnonymousUser):
        actor = None
    if company_id is None and actor is not None:
        company_id, company_name = user_company(actor, http)
    elif company_id is not None and not company_name and _tenancy is not None:
        company_name = _tenancy.company_name(company_id)
    meta = getattr(http, "META", {}) if http is not None else {}
    return AuditEvent.objects.create(
        at=at or timezone.now(),
        action=action,
        actor=actor,
        actor_name=(actor_name or (_name_of(actor) if actor is not None else ""))[:NAME_MAX],
        ip_address=client_ip(http),
        user_agent=str(meta.get("HTTP_USER_AGENT", ""))[:USER_AGENT_MAX],
        company_id=company_id,
        company_name=(company_name or "")[:NAME_MAX],
        internal=internal,
        target=target[:TARGET_MAX],
        summary=summary[:SUMMARY_MAX],
        details=details or {},
    )


# --- Downloads --------------------------------------------------------------------------------

# What an export is: these types, or any answer sent as an attachment (a dossier file, an e-mail's
# original). Pages, JSON and the schema are not.
EXPORT_TYPES = ("text/csv", "application/pdf", "text/calendar")
_FILENAME = re.compile(r'filename="?([^";]+)"?')


def is_export(response) -> bool:
    content_type = response.get("Content-Type", "").split(";", 1)[0].strip().lower()
    disposition = response.get("Content-Disposition", "").lower()
    return content_type in EXPORT_TYPES or disposition.startswith("attachment")


class ExportAuditMiddleware:
    """Every download a signed-in user takes (an overdue report's CSV, a post-mortem's PDF, a
    meeting's .ics, a dossier file, the audit trail's own CSV) is recorded once, here, whatever app
    served it. A calendar feed polled by a calendar app is not signed in, so it writes nothing."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (
            request.method == "GET"
            and response.status_code == 200
            and getattr(user, "is_authenticated", False)
            and is_export(response)
        ):
            match = _FILENAME.search(response.get("Content-Disposition", ""))
            filename = match.group(1) if match else request.path.rsplit("/", 1)[-1]
            record(
                AuditAction.EXPORT_DOWNLOADED,
                request=request,
                target=f"download:{request.path}",
                summary=gettext_noop("Downloaded %(file)s."),
                details={
                    "file": filename[:200],
                    "path": request.path[:300],
                    "query": request.META.get("QUERY_STRING", "")[:500],
                    "content_type": response.get("Content-Type", "")[:100],
                },
            )
        return response


# --- The back office --------------------------------------------------------------------------


def _plain(value):
    """A value as the trail keeps it (JSON): numbers, booleans and None as they are, else text."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if hasattr(value, "all") and callable(value.all):  # a queryset of chosen rows
        return [str(v) for v in value.all()]
    return str(value)


def form_changes(form) -> dict[str, list]:
    """What a saved ModelForm changed: field → [before, after]."""
    changes = {}
    for name in form.changed_data:
        before = form.initial.get(name)
        after = form.cleaned_data.get(name)
        changes[name] = [_plain(before), _plain(after)]
    return changes


BACK_OFFICE_SUMMARIES = {
    "created": gettext_noop("Added in the back office: %(object)s."),
    "updated": gettext_noop("Changed in the back office: %(object)s."),
    "deleted": gettext_noop("Deleted in the back office: %(object)s."),
}


class AuditedAdminMixin:
    """For a ModelAdmin whose edits are policy (response policies, routing, calendars): each save and
    delete, and each row of the inlines named in ``audit_inlines``, is an internal audit event
    ``<audit_noun>.created|updated|deleted`` with the fields it changed."""

    audit_noun: str = ""
    # Inline model → its noun ("closure").
    audit_inlines: dict = {}

    def audit_company_id(self, obj) -> int | None:
        return getattr(obj, "company_id", None)

    def _audit(self, request, noun: str, verb: str, obj, *, pk=None, changes=None, company_id=None):
        label = str(obj)
        record(
            f"{noun}.{verb}",
            request=request,
            company_id=company_id,
            internal=True,
            target=f"{noun}:{pk if pk is not None else obj.pk}",
            summary=BACK_OFFICE_SUMMARIES[verb],
            details={"object": label[:300], **({"changes": changes} if changes else {})},
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and not form.changed_data:
            return
        self._audit(request, self.audit_noun, "updated" if change else "created", obj,
                    changes=form_changes(form), company_id=self.audit_company_id(obj))

    def delete_model(self, request, obj):
        pk, company_id = obj.pk, self.audit_company_id(obj)
        super().delete_model(request, obj)
        self._audit(request, self.audit_noun, "deleted", obj, pk=pk, company_id=company_id)

    def delete_queryset(self, request, queryset):
        rows: Iterable = [(obj, obj.pk, self.audit_company_id(obj)) for obj in queryset]
        super().delete_queryset(request, queryset)
        for obj, pk, company_id in rows:
            self._audit(request, self.audit_noun, "deleted", obj, pk=pk, company_id=company_id)

    def save_formset(self, request, form, formset, change):
        noun = self.audit_inlines.get(formset.model)
        if noun is None:
            return super().save_formset(request, form, formset, change)
        deleted = [(f.instance, f.instance.pk) for f in formset.deleted_forms if f.instance.pk is not None]
        changed = {f.instance.pk: form_changes(f) for f in formset.initial_forms if f.has_changed()}
        super().save_formset(request, form, formset, change)
        parent_company = self.audit_company_id(form.instance)
        for obj in formset.new_objects:
            self._audit(request, noun, "created", obj, changes=form_changes_of(formset, obj),
                        company_id=parent_company)
        for obj, _fields in formset.changed_objects:
            self._audit(request, noun, "updated", obj, changes=changed.get(obj.pk), company_id=parent_company)
        for obj, pk in deleted:
            self._audit(request, noun, "deleted", obj, pk=pk, company_id=parent_company)


def form_changes_of(formset, obj) -> dict[str, list]:
    for form in formset.extra_forms:
        if form.instance is obj:
            return form_changes(form)
    return {}
