"""Writes for regular reviews: one function per use case, each in one transaction.

Who may call what:
- setting the plan (add, change, stop an item): the owner's director (or the director's director)
  or a carrier admin; the owner is whoever holds the item's role on the company's first active
  account holding it;
- holding a review (the dossier meeting, its agenda, minutes and action items, and the next
  occurrence): the owner, their director(s) or a carrier admin;
- marking an action item done: its owner, the review's owner, their director(s) or a carrier admin.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accountteam import bounds
from accountteam.errors import StateConflict
from dossiers import services as dossier_services
from dossiers.models import Meeting
from teams.models import Account, Company, Person, Role

from . import rules
from .models import ActionItem, Kind, Occurrence, PlanItem
from .selectors import can_hold, can_mark_done, can_set_plan, owner_for

MEETING_KINDS = {
    Kind.TOUCH_POINT: Meeting.Kind.OTHER,
    Kind.SERVICE_REVIEW: Meeting.Kind.SERVICE_REVIEW,
    Kind.INFRASTRUCTURE_REVIEW: Meeting.Kind.INFRASTRUCTURE_REVIEW,
    Kind.EXECUTIVE_REVIEW: Meeting.Kind.EXECUTIVE_REVIEW,
}


class OccurrenceConflict(StateConflict):
    """An occurrence no longer open (held or cancelled): the API answers 409."""


def _refuse_plan() -> PermissionDenied:
    return PermissionDenied(_("Only the owner's director or a carrier admin can set the review plan."))


def _no_owner(role: Role) -> ValidationError:
    # Translators: %(role)s is a role on an account team ("Client Support Manager").
    return ValidationError({"owner_role": _("No one holds the role %(role)s on the company's active accounts.")
                            % {"role": role.name}})


def _set_owner(occurrence: Occurrence, owner: Person | None) -> None:
    occurrence.owner = owner
    occurrence.due_at = rules.due_at(occurrence.due_on, owner.calendar_spec) if owner else None


def _open_occurrence(item: PlanItem, due_on: dt.date, owner: Person | None) -> Occurrence:
    """The item's open occurrence on ``due_on`` (made once: a rerun finds it)."""
    occurrence, created = Occurrence.objects.get_or_create(
        plan_item=item, due_on=due_on, defaults={"status": Occurrence.Status.OPEN}
    )
    if occurrence.status == Occurrence.Status.CANCELLED:  # the item stopped and started again
        occurrence.status = Occurrence.Status.OPEN
        occurrence.save(update_fields=["status"])
    if created or occurrence.is_open:
        _set_owner(occurrence, owner)
        occurrence.save(update_fields=["owner", "due_at"])
    return occurrence


def _check_values(*, cadence_months, first_due_on) -> None:
    errors = bounds.date_errors(first_due_on=first_due_on)
    if cadence_months is not None and cadence_months not in rules.CADENCES:
        errors["cadence_months"] = _("Every 1, 3, 6 or 12 months.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def plan_item_create(*, actor, company: Company, kind: str, cadence_months: int, owner_role: Role,
                     first_due_on: dt.date) -> PlanItem:
    """Add an item to ``company``'s plan (a company the caller may see) and its first occurrence,
    due on ``first_due_on`` on the owner's calendar."""
    _check_values(cadence_months=cadence_months, first_due_on=first_due_on)
    if kind not in Kind.values:
        raise ValidationError({"kind": _("Not a kind of review.")})
    owner = owner_for(company_id=company.pk, role_id=owner_role.pk)
    if owner is None:
        raise _no_owner(owner_role)
    if not can_set_plan(actor, owner):
        raise _refuse_plan()
    if PlanItem.objects.filter(company=company, kind=kind).exists():
        raise ValidationError({"kind": _("The plan already has this kind of review: change that item instead.")})
    item = PlanItem.objects.create(
        company=company, kind=kind, cadence_months=cadence_months, owner_role=owner_role,
        first_due_on=first_due_on, created_by=actor,
    )
    _open_occurrence(item, first_due_on, owner)
    return item


@transaction.atomic
def plan_item_update(*, actor, item: PlanItem, cadence_months: int | None = None, owner_role: Role | None = None,
                     first_due_on: dt.date | None = None, is_active: bool | None = None,
                     now: dt.datetime | None = None) -> PlanItem:
    """Change an item's cadence, owner role, first due date (it moves the open occurrence while no
    review has been held) or stop and restart it. The current owner's director (or an admin) may;
    a new role's owner must be in their reach too. The cadence applies from the next occurrence."""
    now = now or timezone.now()
    _check_values(cadence_months=cadence_months, first_due_on=first_due_on)
    item = PlanItem.objects.select_for_update().select_related("company", "owner_role").get(pk=item.pk)
    current = owner_for(company_id=item.company_id, role_id=item.owner_role_id)
    if not can_set_plan(actor, current):
        raise _refuse_plan()
    owner = current
    if owner_role is not None and owner_role.pk != item.owner_role_id:
        owner = owner_for(company_id=item.company_id, role_id=owner_role.pk)
        if owner is None:
            raise _no_owner(owner_role)
        if not can_set_plan(actor, owner):
            raise _refuse_plan()
        item.owner_role = owner_role
    if cadence_months is not None:
        item.cadence_months = cadence_months
    held = item.occurrences.filter(status=Occurrence.Status.HELD).order_by("-due_on").first()
    if first_due_on is not None:
        item.first_due_on = first_due_on
    if is_active is not None:
        item.is_active = is_active
    item.updated_at = now
    item.save()
    open_now = item.occurrences.select_for_update().filter(status=Occurrence.Status.OPEN).first()
    if not item.is_active:
        if open_now is not None:
            open_now.status = Occurrence.Status.CANCELLED
            open_now.save(update_fields=["status"])
        return item
    due_on = rules.next_due(held.due_on, item.cadence_months) if held else item.first_due_on
    if open_now is not None and open_now.due_on != due_on and held is None:
        open_now.delete()  # never held, so nothing refers to it: it moves to the new first date
        open_now = None
    if open_now is None:
        try:
            with transaction.atomic():
                _open_occurrence(item, due_on, owner)
        except IntegrityError:
            raise ValidationError({"first_due_on": _("A review of this item was already due on that date.")}) from None
    else:
        _set_owner(open_now, owner)
        open_now.save(update_fields=["owner", "due_at"])
    return item


def _action_errors(action_items: list[dict]) -> list[str]:
    messages = []
    for number, row in enumerate(action_items, start=1):
        description = (row.get("description") or "").strip()
        owner, due_on = row.get("owner"), row.get("due_on")
        words = {"number": number}
        if not description:
            messages.append(_("Action item %(number)s: say what will be done.") % words)
        elif len(description) > bounds.NOTE:
            messages.append(_("Action item %(number)s: the description is too long.") % words)
        if not isinstance(owner, Person) or not owner.is_active:
            messages.append(_("Action item %(number)s: choose an active owner.") % words)
        if not isinstance(due_on, dt.date) or not bounds.within(due_on):
            messages.append(_("Action item %(number)s: give a due date.") % words)
    return messages


@transaction.atomic
def occurrence_hold(*, actor, occurrence: Occurrence, account: Account, starts_at: dt.datetime,
                    duration_minutes: int = 60, agenda: str = "", minutes: str = "",
                    action_items: list[dict] | None = None, contacts=(),
                    now: dt.datetime | None = None) -> Occurrence:
    """Record a held review: a dossier meeting on one of the company's accounts with the owner and
    the customer's contacts who attended (contacts of that account), the agenda and minutes, the
    action items, and the item's next occurrence (this one's due date plus the cadence). All or
    nothing: a bad action item saves nothing."""
    now = now or timezone.now()
    action_items = action_items or []
    occ = (
        Occurrence.objects.select_for_update(of=("self",))
        .select_related("plan_item__company", "owner__reports_to", "owner__calendar")
        .get(pk=occurrence.pk)
    )
    if not occ.is_open:
        raise OccurrenceConflict(_("This review is no longer due: it was held or cancelled."))
    if not can_hold(actor, occ):
        raise PermissionDenied(_("Only the review's owner, their director or a carrier admin can record it."))
    item = occ.plan_item
    errors = {
        **bounds.date_errors(starts_at=starts_at),
        **bounds.text_errors(bounds.NOTE, agenda=agenda.strip(), minutes=minutes.strip()),
    }
    if account.company_id != item.company_id or not account.is_active:
        errors["account"] = _("Choose an active account of %(company)s.") % {"company": item.company.name}
    if "starts_at" not in errors and starts_at > now:
        errors["starts_at"] = _("A held review started in the past: pick when it started.")
    contacts = list(contacts or ())
    if any(contact.account_id != account.pk for contact in contacts):
        errors["contacts"] = _("Choose contacts of account %(number)s.") % {"number": account.number}
    if not 5 <= duration_minutes <= 480:
        errors["duration_minutes"] = _("Between 5 and 480 minutes.")
    if not minutes.strip():
        errors["minutes"] = _("Write the minutes of the review.")
    if problems := _action_errors(action_items):
        errors["action_items"] = problems
    if errors:
        raise ValidationError(errors)
    meeting = dossier_services.dossier_save(
        actor=actor, account=account, part=dossier_services.MEETINGS, instance=Meeting(),
        values={
            "kind": MEETING_KINDS[item.kind],
            "title": str(item.get_kind_display()),
            "starts_at": starts_at, "duration_minutes": duration_minutes, "notes": minutes.strip(),
        },
        m2m={"people": [occ.owner] if occ.owner else [], "contacts": contacts},
        check=False,
    )
    occ.status = Occurrence.Status.HELD
    occ.meeting = meeting
    occ.agenda = agenda.strip()
    occ.minutes = minutes.strip()
    occ.held_at = now
    occ.held_by = actor
    occ.save()
    ActionItem.objects.bulk_create([
        ActionItem(occurrence=occ, description=row["description"].strip(), owner=row["owner"], due_on=row["due_on"],
                   created_at=now)
        for row in action_items
    ])
    if item.is_active:
        _open_occurrence(item, rules.next_due(occ.due_on, item.cadence_months),
                         owner_for(company_id=item.company_id, role_id=item.owner_role_id))
    return occ


@transaction.atomic
def action_item_done(*, actor, action: ActionItem, note: str = "", now: dt.datetime | None = None) -> ActionItem:
    """Mark an action item done with a note; done once (a second call changes nothing)."""
    now = now or timezone.now()
    bounds.ensure(bounds.text_errors(bounds.LINE, note=(note or "").strip()))
    action = (
        ActionItem.objects.select_for_update(of=("self",))
        .select_related("occurrence__owner__reports_to")
        .get(pk=action.pk)
    )
    if action.is_done:
        return action
    if not can_mark_done(actor, action):
        raise PermissionDenied(_("Only the action's owner, the review's owner or their director can mark it done."))
    action.state = ActionItem.State.DONE
    action.done_at = now
    action.done_by = actor
    action.done_note = (note or "").strip()
    action.save(update_fields=["state", "done_at", "done_by", "done_note"])
    return action
