"""Writes for reassignment handoffs: one function per use case, each in one transaction.

Who may call what:
- start, cancel, complete: the outgoing person's director (one or two levels up) or a carrier admin;
- tick a checklist item: its owner (outgoing or incoming person) or whoever may manage the handoff;
- transfer open work and schedule the introduction: the outgoing person or a manager;
- confirm: the incoming person, or a manager on their behalf (recorded as such).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accountteam import bounds, notifications
from accountteam.clock import carrier_today
from accountteam.data_words import copied
from accountteam.dates import local_format
from accountteam.notifications import Notice
from accountteam.queueing import enqueue_on_commit
from dossiers import services as dossier_services
from dossiers.models import Contact, Meeting, Proposal
from dossiers.tasks import send_meeting_invitation
from escalations.models import Escalation
from escalations.services import escalations_hand_over
from teams.models import Account, Assignment, Person, Role
from teams.scoping import staff_person
from teams.selectors import members_reaching
from teams.services import assignment_conflicts

from . import rules, webhook_events
from .models import ChecklistItem, ChecklistTemplateItem, Handoff, HandoffAccount, HandoffEvent, Owner, Step
from .notices import describe, person_notice
from .rules import HandoffConflict
from .selectors import can_act_as, can_manage

# --- Permissions ----------------------------------------------------------------------------------


def _require_manager(user, handoff_or_outgoing) -> None:
    outgoing = getattr(handoff_or_outgoing, "outgoing", handoff_or_outgoing)
    if not can_manage(user, outgoing):
        raise PermissionDenied(_("Only the outgoing person's director or a carrier admin can do this."))


def _require_open(handoff: Handoff) -> None:
    if not handoff.is_open:
        if handoff.status == Handoff.Status.COMPLETED:
            message = _("The handoff is completed.")
        elif handoff.status == Handoff.Status.CANCELLED:
            message = _("The handoff is cancelled.")
        else:
            message = _("The handoff is %(status)s.") % {"status": handoff.get_status_display().lower()}
        raise HandoffConflict(message)


def _locked(handoff: Handoff) -> Handoff:
    return (
        Handoff.objects.select_for_update(of=("self",))
        .select_related("role", "outgoing__reports_to", "incoming", "director")
        .get(pk=handoff.pk)
    )


def _log(handoff: Handoff, actor, text: str, at: dt.datetime | None = None) -> HandoffEvent:
    return HandoffEvent.objects.create(
        handoff=handoff, actor=actor if getattr(actor, "is_authenticated", False) else None,
        text=text[:500], at=at or timezone.now(),
    )


def _belongs_to(item: ChecklistItem) -> str:
    if item.owner == Owner.OUTGOING:
        return _("This item belongs to the outgoing person.")
    return _("This item belongs to the incoming person.")


# --- Start ----------------------------------------------------------------------------------------


def held_assignments(*, person: Person, role: Role, on: dt.date):
    """The assignments ``person`` holds in ``role`` that are still running on ``on``."""
    return (
        Assignment.objects.filter(person=person, role=role, start_date__lte=on)
        .exclude(end_date__lt=on)
        .select_related("account__company")
        .order_by("account__number")
    )


@transaction.atomic
def handoff_start(
    *, actor, role: Role, outgoing: Person, incoming: Person, effective_date: dt.date,
    accounts: list[Account] | None = None, note: str = "", now: dt.datetime | None = None,
) -> Handoff:
    """Start handing ``outgoing``'s ``role`` over to ``incoming`` on ``effective_date``.

    ``accounts=None`` takes every account the outgoing person holds in the role (someone
    leaving); otherwise the chosen accounts, each of which they must hold. Builds the checklist
    of every account from the template. Raises ValidationError for bad input.
    """
    now = now or timezone.now()
    today = carrier_today(now)
    _require_manager(actor, outgoing)
    errors = {**bounds.date_errors(effective_date=effective_date), **bounds.text_errors(bounds.NOTE, note=note)}
    if incoming.pk == outgoing.pk:
        errors["incoming"] = _("The incoming person must be someone other than the outgoing person.")
    elif not incoming.is_active:
        errors["incoming"] = _("%(person)s is no longer active.") % {"person": incoming}
    if "effective_date" not in errors and effective_date < today:
        errors["effective_date"] = _("The effective date cannot be in the past (today is %(today)s).") % {
            "today": local_format(today, "d M Y")
        }
    if errors:
        raise ValidationError(errors)

    held = {a.account_id: a for a in held_assignments(person=outgoing, role=role, on=max(effective_date, today))}
    if accounts is None:
        chosen = list(held.values())
        if not chosen:
            raise ValidationError(
                {"accounts": _("%(person)s holds no account as %(role)s.") % {"person": outgoing, "role": role}}
            )
    else:
        accounts = list({a.pk: a for a in accounts}.values())  # an account named twice counts once
        if not accounts:
            raise ValidationError({"accounts": _("Choose at least one account, or all accounts.")})
        missing = [a.number for a in accounts if a.pk not in held]
        if missing:
            raise ValidationError({"accounts": _("%(person)s does not hold %(role)s on %(accounts)s.") % {
                "person": outgoing, "role": role, "accounts": ", ".join(missing),
            }})
        chosen = [held[a.pk] for a in accounts]
    account_ids = [a.account_id for a in chosen]
    Account.objects.select_for_update().filter(pk__in=account_ids).order_by("pk").exists()  # serialise
    busy = (
        HandoffAccount.objects.filter(
            handoff__status=Handoff.Status.OPEN, handoff__role=role, account_id__in=account_ids
        )
        .select_related("account", "handoff")
        .order_by("account__number")
    )
    if busy:
        raise ValidationError(
            {"accounts": [
                _("%(account)s is already in handoff #%(number)s.")
                % {"account": b.account.number, "number": b.handoff_id}
                for b in busy
            ]}
        )

    handoff = Handoff.objects.create(
        role=role, outgoing=outgoing, incoming=incoming, director=outgoing.reports_to,
        effective_date=effective_date, note=note, started_by=actor, started_at=now,
        scope=Handoff.Scope.ALL if accounts is None else Handoff.Scope.ACCOUNTS,
    )
    rows = HandoffAccount.objects.bulk_create(
        [HandoffAccount(handoff=handoff, account_id=a.account_id, ending=a) for a in chosen]
    )
    template = list(ChecklistTemplateItem.objects.filter(is_active=True))
    ChecklistItem.objects.bulk_create(
        [
            ChecklistItem(
                handoff_account=row, template=t, **copied(t, "title", "description"),
                owner=t.owner, step=t.step, sort_order=t.sort_order,
            )
            for row in rows
            for t in template
        ]
    )
    _log(
        handoff, actor,
        ngettext(
            # Translators: "account(s)" stays one form in English; give the right plural forms.
            "Started for %(count)s account(s): %(description)s", "Started for %(count)s account(s): %(description)s",
            len(rows),
        ) % {"count": len(rows), "description": describe(handoff)},
        now,
    )
    accounts_named = ", ".join(a.account.number for a in chosen)
    notifications.record(
        [
            person_notice(
                handoff, person, "handoff", "started",
                lambda: _("Handoff started: %(role)s") % {"role": role.name},
                lambda zone: _("%(description)s\nAccounts: %(accounts)s") % {
                    "description": describe(handoff), "accounts": accounts_named,
                },
            )
            for person in (outgoing, incoming)
        ]
    )
    return handoff


# --- Checklist ------------------------------------------------------------------------------------


@transaction.atomic
def handoff_item_complete(
    *, actor, handoff: Handoff, item: ChecklistItem, note: str = "", link: str = "", file=None,
    meeting: Meeting | None = None, now: dt.datetime | None = None,
) -> ChecklistItem:
    """Tick one checklist item with its evidence (a note, a link, a file or a meeting)."""
    now = now or timezone.now()
    handoff = _locked(handoff)
    _require_open(handoff)
    item = ChecklistItem.objects.select_for_update().select_related("handoff_account").get(
        pk=item.pk, handoff_account__handoff=handoff
    )
    if not can_act_as(actor, handoff, item.owner):
        raise PermissionDenied(_belongs_to(item))
    if item.is_done:
        raise HandoffConflict(_("“%(title)s” was already done on %(when)s.") % {
            "title": item.title, "when": local_format(timezone.localtime(item.done_at), "d M Y H:i"),
        })
    if item.step == Step.TRANSFER:
        raise HandoffConflict(_("This item is done by transferring the open work (Transfer)."))
    if meeting is not None and meeting.account_id != item.handoff_account.account_id:
        raise ValidationError({"meeting": _("Choose a meeting of this account.")})
    item.done_at, item.done_by = now, actor
    item.note, item.link, item.meeting = note, link, meeting
    if file is not None:
        item.file = file
    item.full_clean(exclude=["handoff_account", "template", "done_by", "meeting"])
    item.save()
    _log(
        handoff, actor,
        _("%(account)s: “%(title)s” done") % {"account": item.handoff_account.account.number, "title": item.title},
        now,
    )
    return item


@transaction.atomic
def handoff_item_reopen(*, actor, handoff: Handoff, item: ChecklistItem) -> ChecklistItem:
    """Untick an item ticked by mistake (its evidence is kept in the log)."""
    handoff = _locked(handoff)
    _require_open(handoff)
    item = ChecklistItem.objects.select_for_update().get(pk=item.pk, handoff_account__handoff=handoff)
    if not can_act_as(actor, handoff, item.owner):
        raise PermissionDenied(_belongs_to(item))
    if not item.is_done:
        raise HandoffConflict(_("“%(title)s” is not done.") % {"title": item.title})
    item.done_at = item.done_by = None
    item.save(update_fields=["done_at", "done_by"])
    _log(handoff, actor, _("“%(title)s” reopened") % {"title": item.title})
    return item


# --- Open work --------------------------------------------------------------------------------------


def open_escalations(handoff: Handoff):
    account_ids = handoff.accounts.values("account_id")
    return (
        Escalation.objects.open().filter(assignee=handoff.outgoing, account_id__in=account_ids)
        .select_related("account", "company", "assignee")
        .order_by("next_deadline_at", "pk")
    )


def open_proposals(handoff: Handoff):
    account_ids = handoff.accounts.values("account_id")
    return (
        Proposal.objects.filter(owner=handoff.outgoing, account_id__in=account_ids, stage__in=Proposal.OPEN_STAGES)
        .select_related("account", "owner")
        .order_by("due_date", "pk")
    )


def open_work(handoff: Handoff) -> list[dict]:
    """Every open item still naming the outgoing person on the handoff's accounts."""
    items = [
        {"type": "escalation", "id": e.pk, "account": e.account.number, "title": e.subject,
         "status": e.get_status_display()}
        for e in open_escalations(handoff)
    ]
    items += [
        {"type": "proposal", "id": p.pk, "account": p.account.number, "title": p.title,
         "status": p.get_stage_display()}
        for p in open_proposals(handoff)
    ]
    return items


@transaction.atomic
def handoff_transfer_open_items(*, actor, handoff: Handoff, now: dt.datetime | None = None) -> dict[str, int]:
    """Move every open escalation and proposal of the outgoing person on the handoff's accounts to
    the incoming person, all in this transaction, with an event naming the handoff on each; tick
    the "open work transferred" items. Running it again moves what arrived since."""
    now = now or timezone.now()
    handoff = _locked(handoff)
    _require_open(handoff)
    if not can_act_as(actor, handoff, Owner.OUTGOING):
        raise PermissionDenied(_("Only the outgoing person or their director can transfer the open work."))

    def passes() -> str:
        """What the handoff does, in the active language: the reason on each moved item (the
        actor's words) and the incoming person's notice (theirs)."""
        return _("Handoff #%(number)s: %(role)s passes from %(outgoing)s to %(incoming)s.") % {
            "number": handoff.pk, "role": handoff.role.name, "outgoing": handoff.outgoing.name,
            "incoming": handoff.incoming.name,
        }

    reason = passes()
    moved = escalations_hand_over(
        actor=actor, escalations=list(open_escalations(handoff)), assignee=handoff.incoming, reason=reason,
        role_name=lambda: handoff.role.name, now=now,
    )
    proposals = list(open_proposals(handoff).select_for_update(of=("self",)))
    for proposal in proposals:
        dossier_services.dossier_save(
            actor=actor, account=proposal.account, part=dossier_services.PROPOSALS, instance=proposal,
            values={"owner": handoff.incoming}, note=reason, check=False, internal=True,
        )
    # Translators: two counts in one sentence, so no plural forms: "(s)" stands for both.
    summary = _("Moved %(escalations)s escalation(s) and %(proposals)s proposal(s) to %(name)s.") % {
        "escalations": len(moved), "proposals": len(proposals), "name": handoff.incoming.name,
    }
    ChecklistItem.objects.filter(
        handoff_account__handoff=handoff, step=Step.TRANSFER, done_at__isnull=True
    ).update(done_at=now, done_by=actor, note=summary)
    handoff.transferred_at = now
    handoff.save(update_fields=["transferred_at"])
    _log(handoff, actor, _("Open work transferred. %(summary)s") % {"summary": summary}, now)
    if moved or proposals:
        count = len(moved) + len(proposals)

        def handed_over(zone) -> str:
            """The incoming person's list, in their language."""
            lines = [
                _("- %(account)s escalation #%(number)s: %(subject)s")
                % {"account": e.account.number, "number": e.pk, "subject": e.subject}
                for e in moved
            ]
            lines += [
                _("- %(account)s proposal: %(title)s") % {"account": p.account.number, "title": p.title}
                for p in proposals
            ]
            return f"{passes()}\n" + "\n".join(lines)

        notifications.record(
            [
                person_notice(
                    handoff, handoff.incoming, "handoff", f"transfer:{now.isoformat()}",
                    lambda: ngettext(
                        # Translators: "item(s)" stays one form in English; give the right plural forms.
                        "%(count)s open item(s) handed over to you", "%(count)s open item(s) handed over to you",
                        count,
                    ) % {"count": count},
                    handed_over,
                )
            ]
        )
    return {"escalations": len(moved), "proposals": len(proposals)}


# --- Introduction meeting ----------------------------------------------------------------------------


@transaction.atomic
def handoff_schedule_introduction(
    *, actor, handoff: Handoff, account: Account, starts_at: dt.datetime, duration_minutes: int = 30,
    location: str = "", contacts: list[Contact] | None = None, now: dt.datetime | None = None,
) -> Meeting:
    """Put the introduction meeting in the account's schedule, invite the customer's contacts and
    both people (email with an .ics invitation), and tick the introduction item."""
    now = now or timezone.now()
    handoff = _locked(handoff)
    _require_open(handoff)
    if not can_act_as(actor, handoff, Owner.OUTGOING):
        raise PermissionDenied(_("Only the outgoing person or their director can schedule the introduction."))
    row = handoff.accounts.filter(account=account).first()
    if row is None:
        raise ValidationError({"account": _("%(account)s is not part of this handoff.") % {"account": account.number}})
    errors = {**bounds.date_errors(starts_at=starts_at), **bounds.text_errors(bounds.LINE, location=location)}
    if "starts_at" not in errors and starts_at <= now:
        errors["starts_at"] = _("Pick a time in the future.")
    if not 5 <= duration_minutes <= 480:
        errors["duration_minutes"] = _("Between 5 and 480 minutes.")
    if contacts is None:
        contacts = list(Contact.objects.filter(account=account).exclude(email=""))
    elif any(c.account_id != account.pk for c in contacts):
        errors["contacts"] = _("Choose contacts of this account.")
    if not contacts:
        errors["contacts"] = _("The account has no contact with an email address: add one to its dossier first.")
    elif not any(c.email for c in contacts):
        errors["contacts"] = _("Invite at least one customer contact with an email address.")
    if errors:
        raise ValidationError(errors)
    meeting = dossier_services.dossier_save(
        actor=actor, account=account, part=dossier_services.MEETINGS, instance=Meeting(),
        values={
            "kind": Meeting.Kind.INTRODUCTION,
            "title": _("Introduction: %(incoming)s, your new %(role)s") % {
                "incoming": handoff.incoming.name, "role": handoff.role.name,
            },
            "starts_at": starts_at, "duration_minutes": duration_minutes, "location": location,
            "notes": _("%(outgoing)s introduces %(incoming)s, who takes over as %(role)s on %(date)s.") % {
                "outgoing": handoff.outgoing.name, "incoming": handoff.incoming.name, "role": handoff.role.name,
                "date": local_format(handoff.effective_date, "d M Y"),
            },
        },
        m2m={"people": [handoff.outgoing, handoff.incoming], "contacts": contacts},
        check=False,
    )
    when = local_format(timezone.localtime(starts_at), "d M Y H:i")
    ChecklistItem.objects.filter(handoff_account=row, step=Step.INTRODUCTION, done_at__isnull=True).update(
        done_at=now, done_by=actor, meeting=meeting, note=_("Scheduled for %(when)s.") % {"when": when}
    )
    _log(
        handoff, actor,
        _("%(account)s: introduction scheduled for %(when)s") % {"account": account.number, "when": when},
        now,
    )
    Meeting.objects.filter(pk=meeting.pk).update(invitation_due=True)  # sent once, caught up if lost
    enqueue_on_commit(send_meeting_invitation, meeting.pk)
    return meeting


# --- Confirm, complete, cancel ------------------------------------------------------------------------


@transaction.atomic
def handoff_confirm(*, actor, handoff: Handoff, now: dt.datetime | None = None) -> Handoff:
    """The incoming person confirms they take the accounts over (or a manager does so for them)."""
    now = now or timezone.now()
    handoff = _locked(handoff)
    _require_open(handoff)
    if not can_act_as(actor, handoff, Owner.INCOMING):
        raise PermissionDenied(_("Only the incoming person or the outgoing person's director can confirm."))
    if handoff.confirmed_at is not None:
        raise HandoffConflict(_("The handoff was already confirmed."))
    handoff.confirmed_at, handoff.confirmed_by = now, actor
    handoff.save(update_fields=["confirmed_at", "confirmed_by"])
    person = staff_person(actor)
    if person.pk == handoff.incoming_id:
        text = _("Confirmed by %(name)s") % {"name": person.name}
    else:
        text = _("Confirmed by %(name)s on behalf of %(incoming)s") % {
            "name": person.name, "incoming": handoff.incoming.name,
        }
    _log(handoff, actor, text, now)
    return handoff


def unchecked_items(handoff: Handoff) -> list[dict]:
    return [
        {"id": i.pk, "account": i.handoff_account.account.number, "title": i.title, "owner": i.owner}
        for i in ChecklistItem.objects.filter(handoff_account__handoff=handoff, done_at__isnull=True)
        .select_related("handoff_account__account")
        .order_by("handoff_account__account__number", "sort_order")
    ]


@transaction.atomic
def handoff_complete(*, actor, handoff: Handoff, now: dt.datetime | None = None) -> Handoff:
    """Finish the handoff on (or after) its effective date: end the outgoing assignments, start the
    incoming ones (history kept), and tell the customer's users who their new contact is.

    Raises HandoffConflict listing every blocker: open items still naming the outgoing person,
    checklist items not done, a missing confirmation, or a date before the effective date.
    """
    now = now or timezone.now()
    today = carrier_today(now)
    handoff = _locked(handoff)
    _require_open(handoff)
    _require_manager(actor, handoff)
    blockers = rules.completion_blockers(
        today=today, effective_date=handoff.effective_date, open_items=open_work(handoff),
        unchecked=unchecked_items(handoff), confirmed=handoff.confirmed_at is not None,
    )
    if blockers:
        raise HandoffConflict(_("The handoff cannot complete yet."), blockers)

    first_day = rules.switch_date(handoff.effective_date, today)
    rows = list(handoff.accounts.select_related("account__company", "ending"))
    Account.objects.select_for_update().filter(pk__in=[r.account_id for r in rows]).order_by("pk").exists()
    problems = []
    for row in rows:
        ending = Assignment.objects.select_for_update().filter(pk=row.ending_id).first()
        if ending is not None and (ending.end_date is None or ending.end_date >= first_day):
            if ending.start_date >= first_day:
                problems.append(
                    _("%(account)s: the outgoing assignment starts on %(date)s.")
                    % {"account": row.account.number, "date": ending.start_date}
                )
                continue
            ending.end_date = first_day - dt.timedelta(days=1)
            ending.save(update_fields=["end_date"])
        conflicts = assignment_conflicts(
            account=row.account, role=handoff.role, person=handoff.incoming, start_date=first_day, end_date=None
        )
        if conflicts:
            problems += [f"{row.account.number}: {c}" for c in conflicts]
            continue
        row.starting = Assignment.objects.create(
            account=row.account, role=handoff.role, person=handoff.incoming, start_date=first_day,
            note=_("Handoff #%(number)s from %(outgoing)s") % {"number": handoff.pk, "outgoing": handoff.outgoing.name},
            created_by=actor,
        )
        row.save(update_fields=["starting"])
    if problems:
        raise ValidationError(problems)  # the transaction rolls every account back

    handoff.status, handoff.completed_at, handoff.completed_by = Handoff.Status.COMPLETED, now, actor
    handoff.save(update_fields=["status", "completed_at", "completed_by"])
    _log(
        handoff, actor,
        _("Completed: %(incoming)s is %(role)s from %(date)s") % {
            "incoming": handoff.incoming.name, "role": handoff.role.name, "date": local_format(first_day, "d M Y"),
        },
        now,
    )
    notifications.record(_completion_notices(handoff, rows, first_day))
    webhook_events.emit_completed(handoff, rows, first_day)
    return handoff


def _completion_notices(handoff: Handoff, rows: list[HandoffAccount], first_day: dt.date) -> list[Notice]:
    """The customer's users of each account learn who their new contact is, and the people of the
    handoff that it is complete: each in their own language."""
    incoming = handoff.incoming
    contact = " · ".join(x for x in (incoming.email, incoming.phone) if x)
    notices = []
    by_account: dict[int, list] = {}
    for user, reached in members_reaching([r.account for r in rows], "can_view_team"):
        for account in reached:
            by_account.setdefault(account.pk, []).append(user)

    def new_contact(row: HandoffAccount) -> notifications.Body:
        def body(zone) -> str:
            return _(
                "From %(date)s, %(name)s is your %(role)s for account %(account)s (%(account_name)s), "
                "taking over from %(outgoing)s.\n%(contact)s"
            ) % {
                "date": local_format(first_day, "d M Y"), "name": incoming.name, "role": handoff.role.name,
                "account": row.account.number, "account_name": row.account.name,
                "outgoing": handoff.outgoing.name, "contact": contact,
            }

        return body

    def your_new_contact() -> str:
        return _("Your new %(role)s: %(name)s") % {"role": handoff.role.name, "name": incoming.name}

    for row in rows:
        for user in by_account.get(row.account_id, []):
            notices.append(
                Notice.to_user(
                    user,
                    key=f"handoff:{handoff.pk}:new-contact:{row.account_id}:{user.pk}",
                    kind="team_change",
                    subject=your_new_contact,
                    body=new_contact(row),
                    url=reverse("account_detail", args=[row.account_id]),
                )
            )

    def summary(zone) -> str:
        return ngettext(
            # Translators: "account(s)" stays one form in English; give the right plural forms.
            "%(description)s\nCompleted; %(count)s account(s) now with %(name)s.",
            "%(description)s\nCompleted; %(count)s account(s) now with %(name)s.",
            len(rows),
        ) % {"description": describe(handoff), "count": len(rows), "name": incoming.name}

    for person in {p.pk: p for p in (handoff.outgoing, incoming, handoff.director) if p is not None}.values():
        notices.append(
            person_notice(handoff, person, "handoff", "completed", lambda: _("Handoff completed"), summary)
        )
    return notices


@transaction.atomic
def handoff_cancel(*, actor, handoff: Handoff, reason: str) -> Handoff:
    """Stop a handoff that will not happen; work already moved stays where it is."""
    handoff = _locked(handoff)
    _require_open(handoff)
    _require_manager(actor, handoff)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the handoff is cancelled.")})
    bounds.ensure(bounds.text_errors(bounds.LINE, reason=reason.strip()))
    handoff.status, handoff.cancel_reason = Handoff.Status.CANCELLED, reason.strip()
    handoff.save(update_fields=["status", "cancel_reason"])
    _log(handoff, actor, _("Cancelled: %(reason)s") % {"reason": handoff.cancel_reason})
    return handoff
