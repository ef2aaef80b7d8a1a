"""Writes for network notices: one function per use case, each in one transaction.

Who may call them: any active member of the carrier's staff (``teams.scoping.staff_person``).
Network notices are the network's, not one account team's: anyone on the staff publishes one for
the accounts they see (a carrier admin, and so the carrier's tooling through the API with an
admin's token: every account), and anyone on the staff changes, cancels or moves on any notice.
Customers may call none of them.

Every change is kept as an update row (who, when, what changed, the status after it and the
public message) and told to the customers of the affected accounts (``notices``).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accountteam import bounds
from accountteam.clock import carrier_today
from teams.models import Account, Company
from teams.scoping import staff_person

from . import notices, rules, webhook_events
from .models import OUTAGE_STATUSES, Kind, NetworkNotice, NoticeAccount, NoticeUpdate, Status

# A clock a little ahead of the portal's may stamp an outage's start or restoration a moment "in
# the future": this much is accepted.
CLOCK_SKEW = dt.timedelta(minutes=5)
REFERENCE_LENGTH = 40


def _require_staff(actor) -> None:
    if staff_person(actor) is None:
        raise PermissionDenied(_("Only the carrier's staff can do this."))


def _locked(notice: NetworkNotice) -> NetworkNotice:
    return NetworkNotice.objects.select_for_update().get(pk=notice.pk)


def _required(**values: str) -> dict[str, str]:
    return {name: _("This field is required.") for name, value in values.items() if not (value or "").strip()}


def _log(notice, *, actor, event: str, at: dt.datetime, message: str = "", changes: dict | None = None):
    return NoticeUpdate.objects.create(
        notice=notice, actor=actor if getattr(actor, "is_authenticated", False) else None, event=event,
        status=notice.status, at=at, message=message, changes=changes or {},
    )


def _affected(actor, accounts, companies) -> tuple[list[Account], str | None]:
    """The chosen accounts and every active account of the chosen companies, each once, all within
    what ``actor`` sees (a carrier admin: every account); and what is wrong, if anything."""
    visible = Account.objects.visible_to(actor)
    chosen = {a.pk: a for a in accounts or []}
    if chosen and visible.filter(pk__in=chosen).count() != len(chosen):
        return [], _("Choose accounts you serve.")
    if companies:
        for account in visible.filter(company__in=list(companies), is_active=True):
            chosen.setdefault(account.pk, account)
    return sorted(chosen.values(), key=lambda a: a.number), None


def _next_outage_reference(now: dt.datetime) -> str:
    year = carrier_today(now).year
    taken = NetworkNotice.objects.filter(kind=Kind.OUTAGE, reference__startswith=f"MO-{year}-").values_list(
        "reference", flat=True
    )
    return rules.outage_reference(year, max((rules.outage_number(r, year) for r in taken), default=0) + 1)


# --- Publish ----------------------------------------------------------------------------------------


@transaction.atomic
def notice_publish(
    *, actor, kind: str, title: str, starts_at: dt.datetime | None, ends_at: dt.datetime | None = None,
    impact: str, description: str = "", accounts: list[Account] | None = None,
    companies: list[Company] | None = None, reference: str = "", message: str = "", now: dt.datetime | None = None,
) -> NetworkNotice:
    """Publish a planned maintenance (``reference``: its GCR number; a window that has not ended)
    or a major outage (its reference is given here; ``starts_at`` when it began, no end until it is
    restored) affecting ``accounts`` and every account of ``companies``; tell their customers.
    Raises ValidationError for bad input, with a message under each field."""
    now = now or timezone.now()
    _require_staff(actor)
    title, impact = (title or "").strip(), (impact or "").strip()
    description, message = description or "", message or ""
    reference = rules.normalised_reference(reference)
    errors = {
        **_required(title=title, impact=impact),
        **bounds.text_errors(bounds.SUBJECT, title=title),
        **bounds.text_errors(bounds.COMMENT, impact=impact, message=message),
        **bounds.text_errors(bounds.DESCRIPTION, description=description),
    }
    if kind not in Kind.values:
        errors["kind"] = _("Choose planned maintenance or major outage.")
    dates = bounds.date_errors(starts_at=starts_at, ends_at=ends_at)
    errors |= dates
    if kind == Kind.MAINTENANCE:
        problem = rules.reference_error(reference)
        if problem:
            errors["reference"] = problem
        elif NetworkNotice.objects.filter(reference=reference).exists():
            errors["reference"] = _("%(reference)s is already published.") % {"reference": reference}
        if not dates:
            errors = rules.window_errors(kind=kind, starts_at=starts_at, ends_at=ends_at) | errors
            if "ends_at" not in errors and ends_at <= now:
                errors["ends_at"] = _("The maintenance window has already ended.")
    elif kind == Kind.OUTAGE:
        if reference:
            errors["reference"] = _("A major outage's reference is given by the portal.")
        if ends_at is not None:
            errors["ends_at"] = _("A major outage ends when its status is set to restored.")
        if starts_at is None:
            errors["starts_at"] = _("Give the time the outage began.")
        elif "starts_at" not in errors and starts_at > now + CLOCK_SKEW:
            errors["starts_at"] = _("An outage cannot begin in the future.")
    affected, problem = _affected(actor, accounts, companies)
    if problem or not affected:
        errors["accounts"] = problem or _("Choose at least one account or company.")
    if errors:
        raise ValidationError(errors)

    for _attempt in range(5):
        if kind == Kind.OUTAGE:
            reference = _next_outage_reference(now)
        status = rules.first_status(kind)
        if kind == Kind.MAINTENANCE:
            status = rules.due_status(status=status, starts_at=starts_at, ends_at=ends_at, now=now)
        try:
            with transaction.atomic():
                notice = NetworkNotice.objects.create(
                    kind=kind, reference=reference, title=title, starts_at=starts_at, ends_at=ends_at, impact=impact,
                    description=description, status=status, published_at=now, updated_at=now, created_by=actor,
                )
            break
        except IntegrityError:
            if kind == Kind.MAINTENANCE:  # published by someone else meanwhile
                raise ValidationError(
                    {"reference": _("%(reference)s is already published.") % {"reference": reference}}
                ) from None
            # Two outages took the same number at once: take the next one.
    else:
        raise ValidationError(_("The portal is busy: publish the outage again."))
    NoticeAccount.objects.bulk_create([NoticeAccount(notice=notice, account=a) for a in affected])
    update = _log(notice, actor=actor, event=NoticeUpdate.Event.PUBLISHED, at=now, message=message)
    notices.notify_customers(notice, notices.PUBLISHED, point=str(update.pk), message=message)
    webhook_events.emit_published(notice)
    return notice


# --- Change -----------------------------------------------------------------------------------------


@transaction.atomic
def notice_update(
    *, actor, notice: NetworkNotice, message: str, title: str | None = None, starts_at: dt.datetime | None = None,
    ends_at: dt.datetime | None = None, impact: str | None = None, description: str | None = None,
    now: dt.datetime | None = None,
) -> NetworkNotice:
    """Change a notice that is not over: its title, window, impact or description (None: as it
    is), with a public ``message`` saying what changed. A maintenance's status follows its new
    window (a window ending now ends it early). Tells the customers."""
    now = now or timezone.now()
    _require_staff(actor)
    notice = _locked(notice)
    rules.require_open(kind=notice.kind, status=notice.status)
    message = (message or "").strip()
    after = {
        "title": notice.title if title is None else title.strip(),
        "starts_at": notice.starts_at if starts_at is None else starts_at,
        "ends_at": notice.ends_at if ends_at is None else ends_at,
        "impact": notice.impact if impact is None else impact.strip(),
        "description": notice.description if description is None else description,
    }
    errors = {
        **_required(title=after["title"], impact=after["impact"], message=message),
        **bounds.text_errors(bounds.SUBJECT, title=after["title"]),
        **bounds.text_errors(bounds.COMMENT, impact=after["impact"], message=message),
        **bounds.text_errors(bounds.DESCRIPTION, description=after["description"]),
    }
    dates = bounds.date_errors(starts_at=starts_at, ends_at=ends_at)
    errors |= dates
    if notice.is_outage and ends_at is not None:
        errors["ends_at"] = _("A major outage ends when its status is set to restored.")
    elif not dates:
        errors = rules.window_errors(kind=notice.kind, starts_at=after["starts_at"], ends_at=after["ends_at"]) | errors
    if notice.is_outage and "starts_at" not in errors and after["starts_at"] > now + CLOCK_SKEW:
        errors["starts_at"] = _("An outage cannot begin in the future.")
    if errors:
        raise ValidationError(errors)
    before = {name: getattr(notice, name) for name in after}
    changed = rules.changes(before, after)
    if not changed:
        raise ValidationError(_("Nothing changed: change the title, the window, the impact or the description."))
    for name, value in after.items():
        setattr(notice, name, value)
    if notice.is_maintenance:
        status = rules.window_status(starts_at=notice.starts_at, ends_at=notice.ends_at, now=now)
        if status != notice.status:
            changed["status"] = [notice.status, status]
            notice.status = status
    notice.updated_at = now
    notice.save()
    update = _log(notice, actor=actor, event=NoticeUpdate.Event.CHANGED, at=now, message=message, changes=changed)
    notices.notify_customers(notice, notices.CHANGED, point=str(update.pk), message=message)
    return notice


@transaction.atomic
def notice_cancel(*, actor, notice: NetworkNotice, reason: str, now: dt.datetime | None = None) -> NetworkNotice:
    """Cancel a planned maintenance that has not started, saying why (the customers read it)."""
    now = now or timezone.now()
    _require_staff(actor)
    notice = _locked(notice)
    rules.require_cancellable(kind=notice.kind, status=notice.status)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the maintenance is cancelled: the customers read it.")})
    bounds.ensure(bounds.text_errors(bounds.COMMENT, reason=reason))
    before = notice.status
    notice.status, notice.updated_at = Status.CANCELLED, now
    notice.save(update_fields=["status", "updated_at"])
    update = _log(notice, actor=actor, event=NoticeUpdate.Event.CANCELLED, at=now, message=reason,
                  changes={"status": [before, notice.status]})
    notices.notify_customers(notice, notices.CANCELLED, point=str(update.pk), message=reason)
    return notice


@transaction.atomic
def outage_status_update(
    *, actor, notice: NetworkNotice, status: str, message: str, restored_at: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> NetworkNotice:
    """Move a major outage on (investigating → identified → restored; the same status again is a
    progress update) with a public ``message``. Restored sets the outage's end: ``restored_at``,
    or now. Tells the customers."""
    now = now or timezone.now()
    _require_staff(actor)
    if status not in OUTAGE_STATUSES:
        raise ValidationError({"status": _("Choose investigating, identified or restored.")})
    notice = _locked(notice)
    rules.require_outage_status(kind=notice.kind, status=notice.status, new=status)
    message = (message or "").strip()
    errors = {
        **_required(message=message),
        **bounds.text_errors(bounds.COMMENT, message=message),
        **bounds.date_errors(restored_at=restored_at),
    }
    if restored_at is not None and "restored_at" not in errors:
        if status != Status.RESTORED:
            errors["restored_at"] = _("Give the restoration time only with the status restored.")
        elif restored_at <= notice.starts_at:
            errors["restored_at"] = _("Service is restored after the outage began.")
        elif restored_at > now + CLOCK_SKEW:
            errors["restored_at"] = _("The restoration time cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    changed = {}
    if status != notice.status:
        changed["status"] = [notice.status, status]
        notice.status = status
    if status == Status.RESTORED:
        notice.ends_at = restored_at or max(now, notice.starts_at + dt.timedelta(seconds=1))
        changed["ends_at"] = [None, rules.as_text(notice.ends_at)]
    notice.updated_at = now
    notice.save(update_fields=["status", "ends_at", "updated_at"])
    update = _log(notice, actor=actor, event=NoticeUpdate.Event.STATUS, at=now, message=message, changes=changed)
    notices.notify_customers(notice, notices.STATUS, point=str(update.pk), message=message)
    return notice
