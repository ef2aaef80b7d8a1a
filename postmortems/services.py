"""Writes for post-mortems: one function per use case, each in one transaction.

Who may call what:
- request: a customer user with the post-mortem right for the account's company, or staff
  who serve the account (on the customer's behalf);
- everything in the workspace (accept, decline, notes, analysis, preventive actions, submit,
  publish, correct, wait/resume): the assigned service manager, their director(s) or a
  carrier admin; with POSTMORTEM_DIRECTOR_REVIEW on, only the director (or an admin)
  publishes, from review;
- marking a preventive action done: its owner, too.

Deadlines live on the tracking escalation item: the request must be acknowledged like any
written correspondence, and acceptance promises the delivery date, which the sweep then
reminds about and reports overdue (to the manager and the director), paused while waiting
on the customer.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accountteam import bounds, notifications
from accountteam.dates import local_format
from accountteam.notifications import Body, Notice, Subject, excerpt
from escalations import services as escalation_services
from escalations.models import Category, Channel
from escalations.rules import CLOSED
from teams.models import Account, Person
from teams.scoping import staff_person
from teams.selectors import members_reaching

from . import rules, webhook_events
from .models import ComplexityPolicy, Note, PostMortem, PreventiveAction, Status, Version
from .rules import PostMortemConflict
from .selectors import can_review, can_work, published_action_ids

# --- Permissions and helpers -------------------------------------------------------------------------


def _require_worker(user, postmortem: PostMortem) -> None:
    if not can_work(user, postmortem):
        raise PermissionDenied(_("Only the account's service manager, their director or a carrier admin can do this."))


def _locked(postmortem: PostMortem) -> PostMortem:
    return (
        PostMortem.objects.select_for_update(of=("self",))
        .select_related("manager__calendar", "manager__reports_to", "account", "company", "tracking", "requested_by")
        .get(pk=postmortem.pk)
    )


def _url(postmortem: PostMortem) -> str:
    return reverse("postmortem_detail", args=[postmortem.pk])


def _describe(pm: PostMortem) -> str:
    """The head of a post-mortem's notices, in the active language (call it inside their words)."""
    # Translators: the first line of a post-mortem's e-mails: company, account, ticket, circuit.
    about = _("%(company)s, account %(account)s: ticket %(ticket)s, %(circuit)s") % {
        "company": pm.company.name, "account": pm.account.number, "ticket": pm.ticket_number, "circuit": pm.circuit_id,
    }
    # Translators: the repair event's start (date and time), end (day and time) and duration.
    event = _("Event %(start)s – %(end)s (%(duration)s)") % {
        "start": local_format(timezone.localtime(pm.event_start), "d M Y H:i"),
        "end": local_format(timezone.localtime(pm.event_end), "d M H:i"),
        "duration": rules.format_duration(pm.duration),
    }
    return f"{about}\n{event}"


def _customer_notices(pm: PostMortem, key: str, subject: Subject, body: Body) -> list[Notice]:
    """The requester and the company's users with the post-mortem right; given as functions,
    ``subject`` and ``body`` are written in each one's language."""
    users = {user.pk: user for user, _accounts in members_reaching([pm.account], "can_request_postmortem")}
    if pm.requested_by is not None and staff_person(pm.requested_by) is None:
        users.setdefault(pm.requested_by.pk, pm.requested_by)
    return [
        Notice.to_user(u, key=f"postmortem:{pm.pk}:{key}:u{u.pk}", kind="postmortem", subject=subject, body=body,
                       url=_url(pm))
        for u in users.values()
    ]


def _person_notice(pm: PostMortem, person: Person, key: str, subject: Subject, body: Body) -> Notice:
    return Notice.to_person(person, key=f"postmortem:{pm.pk}:{key}:p{person.pk}", kind="postmortem",
                            subject=subject, body=body, url=_url(pm))


def _transition(pm: PostMortem, action: str) -> None:
    pm.status = rules.next_status(pm.status, action, review_required=settings.POSTMORTEM_DIRECTOR_REVIEW)


# --- Request ------------------------------------------------------------------------------------------


@transaction.atomic
def postmortem_request(
    *, actor, account: Account, ticket_number: str, circuit_id: str, event_start: dt.datetime,
    event_end: dt.datetime, impact: str, questions: str = "", now: dt.datetime | None = None,
) -> PostMortem:
    """Request a post-mortem of a repair event on ``account``. Events shorter than the eligibility
    threshold are accepted as requests but flagged for the manager to accept or decline."""
    now = now or timezone.now()
    bounds.ensure(bounds.date_errors(event_start=event_start, event_end=event_end))
    errors = {
        **rules.validate_event(start=event_start, end=event_end, now=now),
        **bounds.text_errors(60, ticket_number=ticket_number),
        **bounds.text_errors(120, circuit_id=circuit_id),
        **bounds.text_errors(bounds.DESCRIPTION, impact=impact, questions=questions),
    }
    for name, value in (("ticket_number", ticket_number), ("circuit_id", circuit_id), ("impact", impact)):
        if not (value or "").strip():
            errors[name] = _("This field is required.")
    if errors:
        raise ValidationError(errors)
    flagged = rules.below_threshold(event_start, event_end, settings.POSTMORTEM_ELIGIBILITY_HOURS)
    duration = rules.format_duration(event_end - event_start)
    circuit = _("Circuit / service: %(circuit)s") % {"circuit": circuit_id}
    # Translators: the repair event's start and end (ISO 8601 date-times) and its duration.
    event = _("Event: %(start)s – %(end)s (%(duration)s)") % {
        "start": event_start.isoformat(timespec="minutes"), "end": event_end.isoformat(timespec="minutes"),
        "duration": duration,
    }
    description = (
        f"{circuit}\n{event}\n\n" + _("Impact:") + f"\n{impact}"
        + ("\n\n" + _("Questions:") + f"\n{questions}" if questions.strip() else "")
        + ("\n\n" + _("Shorter than the eligibility threshold: accept or decline with a reason.") if flagged else "")
    )
    tracking = escalation_services.escalation_create(
        actor=actor, account=account, channel=Channel.EMAIL, category=Category.POSTMORTEM,
        subject=(_("Post-mortem request: ticket %(ticket)s") % {"ticket": ticket_number.strip()})[:200],
        description=bounds.clip(description, bounds.DESCRIPTION),
        now=now, right="can_request_postmortem",
    )
    return PostMortem.objects.create(
        company=account.company, account=account, tracking=tracking, manager=tracking.assignee,
        requested_by=actor, requested_at=now, ticket_number=ticket_number.strip(), circuit_id=circuit_id.strip(),
        event_start=event_start, event_end=event_end, impact=impact.strip(), questions=questions.strip(),
        below_threshold=flagged,
    )


def business_days_for(complexity: str) -> int:
    row = ComplexityPolicy.objects.filter(complexity=complexity).first()
    return row.business_days if row else rules.DEFAULT_BUSINESS_DAYS[complexity]


@transaction.atomic
def postmortem_accept(*, actor, postmortem: PostMortem, complexity: str, comment: str = "",
                      now: dt.datetime | None = None) -> PostMortem:
    """Accept the request and set its complexity; the due date follows from the policy table on the
    manager's calendar and becomes the tracking item's promised date."""
    now = now or timezone.now()
    bounds.ensure(bounds.text_errors(bounds.COMMENT, comment=comment))
    pm = _locked(postmortem)
    _require_worker(actor, pm)
    if complexity not in rules.DEFAULT_BUSINESS_DAYS:
        raise ValidationError({"complexity": _("Choose low, medium or high.")})
    _transition(pm, "accept")
    pm.complexity = complexity
    pm.business_days = business_days_for(complexity)
    pm.due_on = rules.due_date(accepted_at=now, business_days=pm.business_days, calendar=pm.manager.calendar.spec())
    pm.accepted_at = now
    pm.save()

    def words() -> str:
        """What was accepted, in the active language: the tracking item's comment (the actor's
        words) and the customers' notice (theirs)."""
        # Translators: %(complexity)s is low, medium or high (lower case); %(date)s a weekday and date.
        return ngettext(
            "Accepted as %(complexity)s complexity: the written analysis is due by %(date)s (%(days)s business day).",
            "Accepted as %(complexity)s complexity: the written analysis is due by %(date)s (%(days)s business days).",
            pm.business_days,
        ) % {
            "complexity": pm.get_complexity_display().lower(),
            "date": local_format(pm.due_on, "l d F Y"),
            "days": pm.business_days,
        }

    if pm.tracking.status not in CLOSED:
        # Acknowledges a new tracking item too; an acknowledged one gets the new date.
        escalation_services.escalation_promise(
            actor=actor, escalation=pm.tracking, follow_up_on=pm.due_on, now=now, notify_customer=False,
            comment=bounds.clip(f"{words()} {comment}".strip(), bounds.COMMENT),
        )
    notifications.record(
        _customer_notices(
            pm, "accepted", lambda: _("Post-mortem accepted: ticket %(ticket)s") % {"ticket": pm.ticket_number},
            lambda zone: f"{_describe(pm)}\n{words()}\n{excerpt(comment)}".strip(),
        )
    )
    return pm


@transaction.atomic
def postmortem_decline(*, actor, postmortem: PostMortem, reason: str, now: dt.datetime | None = None) -> PostMortem:
    now = now or timezone.now()
    pm = _locked(postmortem)
    _require_worker(actor, pm)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the post-mortem is declined.")})
    bounds.ensure(bounds.text_errors(bounds.COMMENT, reason=reason.strip()))
    _transition(pm, "decline")
    pm.decline_reason = reason.strip()
    pm.save()
    if pm.tracking.status not in CLOSED:
        escalation_services.escalation_resolve(
            actor=actor, escalation=pm.tracking, now=now, notify_customer=False,
            comment=bounds.clip(_("Post-mortem declined: %(reason)s") % {"reason": pm.decline_reason}, bounds.COMMENT),
        )
    notifications.record(
        _customer_notices(
            pm, "declined", lambda: _("Post-mortem declined: ticket %(ticket)s") % {"ticket": pm.ticket_number},
            lambda zone: _describe(pm) + "\n" + _("Declined: %(reason)s") % {"reason": excerpt(pm.decline_reason)},
        )
    )
    return pm


# --- Workspace ------------------------------------------------------------------------------------------


def _editable(pm: PostMortem) -> None:
    """Writing the analysis moves an accepted post-mortem into preparation."""
    _transition(pm, "edit")


@transaction.atomic
def postmortem_note_add(*, actor, postmortem: PostMortem, at: dt.datetime, source: str, text: str,
                        internal: bool = False, now: dt.datetime | None = None) -> Note:
    """Log a note of the event (time, source, text). Notes may be logged before acceptance too."""
    now = now or timezone.now()
    pm = _locked(postmortem)
    _require_worker(actor, pm)
    if pm.status in (Status.DECLINED, Status.PUBLISHED):
        # Translators: %(status)s is the post-mortem's status in lower case ("in preparation").
        raise PostMortemConflict(
            _("Not possible while the post-mortem is %(status)s.") % {"status": pm.get_status_display().lower()}
        )
    if pm.status == Status.IN_REVIEW:
        raise PostMortemConflict(_("The analysis is in review: return it to preparation first."))
    errors = {**bounds.date_errors(at=at), **bounds.text_errors(bounds.NOTE, text=text.strip())}
    if not text.strip():
        errors["text"] = _("Write what happened.")
    if "at" not in errors and at > now + dt.timedelta(minutes=5):
        errors["at"] = _("A note of the event cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    if pm.status == Status.ACCEPTED:
        _editable(pm)
        pm.save()
    note = Note(postmortem=pm, at=at, source=source, text=text.strip(), internal=internal, author=actor)
    note.full_clean(exclude=["postmortem", "author"])
    note.save()
    return note


ANALYSIS_FIELDS = ("summary", "root_cause", "restoration", "recommendations")


@transaction.atomic
def postmortem_analysis_update(*, actor, postmortem: PostMortem, **sections: str) -> PostMortem:
    """Save the draft analysis sections (any of summary, root_cause, restoration, recommendations)."""
    pm = _locked(postmortem)
    _require_worker(actor, pm)
    unknown = set(sections) - set(ANALYSIS_FIELDS)
    if unknown:
        raise ValidationError({name: _("Unknown section.") for name in unknown})
    bounds.ensure(bounds.text_errors(bounds.DESCRIPTION, **{k: (v or "").strip() for k, v in sections.items()}))
    _editable(pm)
    for name, value in sections.items():
        setattr(pm, name, (value or "").strip())
    pm.save()
    return pm


@transaction.atomic
def preventive_action_add(*, actor, postmortem: PostMortem, description: str, owner: Person,
                          due_on: dt.date) -> PreventiveAction:
    pm = _locked(postmortem)
    _require_worker(actor, pm)
    _editable(pm)
    pm.save()
    errors = {
        **bounds.text_errors(bounds.NOTE, description=description.strip()), **bounds.date_errors(due_on=due_on)
    }
    if not description.strip():
        errors["description"] = _("Say what will be done.")
    if not owner.is_active:
        errors["owner"] = _("%(person)s is no longer active.") % {"person": owner}
    if errors:
        raise ValidationError(errors)
    return PreventiveAction.objects.create(postmortem=pm, description=description.strip(), owner=owner, due_on=due_on)


@transaction.atomic
def preventive_action_update(*, actor, action: PreventiveAction, done: bool | None = None, done_note: str = "",
                             description: str | None = None, owner: Person | None = None,
                             due_on: dt.date | None = None, now: dt.datetime | None = None) -> PreventiveAction:
    """Mark an action done (or open again) — its owner may too, also after publication — or change
    its text, owner or due date (only while the analysis is being prepared)."""
    now = now or timezone.now()
    bounds.ensure(
        bounds.text_errors(bounds.NOTE, description=(description or "").strip()),
        bounds.text_errors(bounds.LINE, done_note=(done_note or "").strip()),
        bounds.date_errors(due_on=due_on),
    )
    action = PreventiveAction.objects.select_for_update().select_related("postmortem").get(pk=action.pk)
    pm = _locked(action.postmortem)
    person = staff_person(actor)
    is_owner = person is not None and person.pk == action.owner_id
    if not (is_owner or can_work(actor, pm)):
        raise PermissionDenied(_("Only the action's owner, the service manager or their director can change it."))
    if description is not None or owner is not None or due_on is not None:
        if not can_work(actor, pm):
            raise PermissionDenied(_("Only the service manager or their director can rewrite an action."))
        _editable(pm)
        pm.save()
        if description is not None:
            if not description.strip():
                raise ValidationError({"description": _("Say what will be done.")})
            action.description = description.strip()
        action.owner = owner or action.owner
        action.due_on = due_on or action.due_on
    if done is not None:
        action.state = PreventiveAction.State.DONE if done else PreventiveAction.State.OPEN
        action.done_at = now if done else None
        action.done_note = done_note.strip() if done else ""
    action.save()
    return action


@transaction.atomic
def preventive_action_delete(*, actor, action: PreventiveAction) -> None:
    pm = _locked(action.postmortem)
    _require_worker(actor, pm)
    _editable(pm)
    pm.save()
    action.delete()


def _missing(pm: PostMortem) -> list[str]:
    return rules.missing_sections(
        sections={name: getattr(pm, name) for name in ANALYSIS_FIELDS}, actions=pm.actions.count()
    )


def _require_complete(pm: PostMortem, refusal: str) -> None:
    """``refusal``: what to say when something is missing, ``%(missing)s`` standing for the list."""
    missing = _missing(pm)
    if missing:
        raise ValidationError({"missing": [refusal % {"missing": ", ".join(missing)}], "sections": missing})


@transaction.atomic
def postmortem_submit_for_review(*, actor, postmortem: PostMortem) -> PostMortem:
    pm = _locked(postmortem)
    _require_worker(actor, pm)
    _transition(pm, "submit_for_review")
    # Translators: %(missing)s lists the missing sections ("event summary, root cause").
    _require_complete(pm, _("Cannot submit for review without: %(missing)s."))
    pm.review_comment = ""
    pm.save()
    director = pm.manager.reports_to
    if director is not None:
        notifications.record([
            _person_notice(pm, director, f"review:{timezone.now().isoformat()}",
                           lambda: _("Post-mortem to review: ticket %(ticket)s") % {"ticket": pm.ticket_number},
                           lambda zone: _describe(pm))
        ])
    return pm


@transaction.atomic
def postmortem_return_to_preparation(*, actor, postmortem: PostMortem, comment: str) -> PostMortem:
    """The reviewer sends the analysis back with a comment."""
    pm = _locked(postmortem)
    if not can_review(actor, pm):
        raise PermissionDenied(_("Only the service director (or a carrier admin) reviews the analysis."))
    if not comment.strip():
        raise ValidationError({"comment": _("Say what needs changing.")})
    bounds.ensure(bounds.text_errors(bounds.COMMENT, comment=comment.strip()))
    _transition(pm, "return_to_preparation")
    pm.review_comment = comment.strip()
    pm.save()
    notifications.record([
        _person_notice(pm, pm.manager, f"returned:{timezone.now().isoformat()}",
                       lambda: _("Post-mortem returned for changes: ticket %(ticket)s") % {"ticket": pm.ticket_number},
                       excerpt(comment))
    ])
    return pm


def _timeline(pm: PostMortem) -> list[dict]:
    return [
        {"at": n.at.isoformat(), "source": n.source, "source_label": n.get_source_display(), "text": n.text}
        for n in pm.notes.filter(internal=False).order_by("at", "pk")
    ]


def _actions(pm: PostMortem) -> list[dict]:
    return [
        {"id": a.pk, "description": a.description, "owner": a.owner.name, "due_on": a.due_on.isoformat()}
        for a in pm.actions.select_related("owner").order_by("due_on", "pk")
    ]


@transaction.atomic
def postmortem_publish(*, actor, postmortem: PostMortem, correction_note: str = "",
                       now: dt.datetime | None = None) -> Version:
    """Publish the analysis as a new immutable version, close the tracking item and email the
    customer. Refused (400) while a required section is empty or no preventive action exists."""
    now = now or timezone.now()
    bounds.ensure(bounds.text_errors(bounds.LINE, correction_note=correction_note.strip()))
    pm = _locked(postmortem)
    _require_worker(actor, pm)
    if settings.POSTMORTEM_DIRECTOR_REVIEW and pm.status == Status.IN_REVIEW and not can_review(actor, pm):
        raise PermissionDenied(_("The service director publishes after review."))
    _transition(pm, "publish")
    # Translators: %(missing)s lists the missing sections ("event summary, root cause").
    _require_complete(pm, _("Cannot publish without: %(missing)s."))
    number = (pm.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    if number > 1 and not correction_note.strip():
        raise ValidationError({"correction_note": _("Say what this version corrects.")})
    version = Version.objects.create(
        postmortem=pm, number=number, published_at=now, published_by=actor, correction_note=correction_note.strip(),
        summary=pm.summary, root_cause=pm.root_cause, restoration=pm.restoration,
        recommendations=pm.recommendations, timeline=_timeline(pm), actions=_actions(pm),
    )
    pm.review_comment = ""
    pm.save()
    tracking = pm.tracking
    if tracking.status not in CLOSED:
        escalation_services.escalation_resolve(
            actor=actor, escalation=tracking, now=now,
            comment=_("Written analysis published (version %(number)s).") % {"number": number},
            notify_customer=False,
        )

    def subject() -> str:
        if number == 1:
            return _("Post-mortem published: ticket %(ticket)s") % {"ticket": pm.ticket_number}
        return _("Post-mortem corrected (version %(number)s): ticket %(ticket)s") % {
            "number": number, "ticket": pm.ticket_number,
        }

    def body(zone) -> str:
        text = _describe(pm) + "\n" + _("The written root-cause analysis is ready to read and download as a PDF.")
        if number > 1:
            text += "\n" + _("What changed: %(note)s") % {"note": excerpt(version.correction_note)}
        return text

    notifications.record(_customer_notices(pm, f"published:v{number}", subject, body))
    webhook_events.emit_published(pm, version)
    return version


@transaction.atomic
def postmortem_correct(*, actor, postmortem: PostMortem) -> PostMortem:
    """Reopen a published analysis for a correction; published versions stay as they are."""
    pm = _locked(postmortem)
    _require_worker(actor, pm)
    _transition(pm, "correct")
    pm.save()
    return pm


@transaction.atomic
def postmortem_wait(*, actor, postmortem: PostMortem, comment: str = "") -> PostMortem:
    """Waiting on the customer (information they must provide) pauses the due date's clock."""
    pm = _locked(postmortem)
    _require_worker(actor, pm)
    escalation_services.escalation_wait(actor=actor, escalation=pm.tracking, comment=comment)
    return pm


@transaction.atomic
def postmortem_resume(*, actor, postmortem: PostMortem, comment: str = "") -> PostMortem:
    """The customer answered: the clock runs again and the due date moves out by the paused time."""
    pm = _locked(postmortem)
    _require_worker(actor, pm)
    tracking = escalation_services.escalation_resume(actor=actor, escalation=pm.tracking, comment=comment)
    if tracking.follow_up_due_at:
        pm.due_on = timezone.localtime(tracking.follow_up_due_at, pm.manager.calendar.spec().zone).date()
        pm.save(update_fields=["due_on", "updated_at"])
    return pm


# --- Following the tracking item -----------------------------------------------------------------------


@transaction.atomic
def postmortems_follow_tracking(
    *, actor, escalations, assignee: Person, now: dt.datetime | None = None
) -> list[PostMortem]:
    """The open post-mortems tracked by ``escalations`` name their new ``assignee`` as service
    manager: a handoff moved the items (``escalations.handovers``, registered in
    ``PostmortemsConfig.ready``; called in the transaction that moved them).

    From then on the post-mortem is on the new manager's calendar: the tracking item has carried
    its deadlines over (the promised due day stays the one the customer was told, due at its close
    on the new calendar), and whatever is counted from now (an acceptance's business days, a
    resumed wait) counts on it. Published and declined post-mortems keep who prepared them."""
    rows = list(
        PostMortem.objects.select_for_update()
        .filter(tracking_id__in=[item.pk for item in escalations])
        .exclude(manager=assignee)
        .exclude(status__in=[Status.PUBLISHED, Status.DECLINED])
        .order_by("pk")
    )
    for pm in rows:
        pm.manager = assignee
        pm.save(update_fields=["manager", "updated_at"])
    return rows


# --- Reminders (beat) ---------------------------------------------------------------------------------


def preventive_action_reminders(*, now: dt.datetime | None = None, soon_days: int = 2) -> int:
    """Remind owners of open preventive actions of published post-mortems: once when due soon,
    once on the due date, then weekly while overdue. Keys make every reminder exactly-once."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    actions = (
        PreventiveAction.objects.filter(
            state=PreventiveAction.State.OPEN, postmortem__versions__isnull=False,
            due_on__lte=today + dt.timedelta(days=soon_days),
        )
        .select_related("owner", "postmortem__company", "postmortem__account")
        .prefetch_related(Prefetch("postmortem__versions", queryset=Version.objects.order_by("-number")))
        .distinct()
    )
    notices = []
    for action in actions:
        pm = action.postmortem
        if action.pk not in published_action_ids(pm):
            continue  # added in a correction not published yet
        if action.due_on > today:
            key = "soon"
        elif action.due_on == today:
            key = "today"
        else:
            iso = today.isocalendar()
            key = f"overdue:{iso.year}-W{iso.week:02d}"
        subject, body = _action_reminder_words(action, today)
        notices.append(
            Notice.to_person(
                action.owner,
                key=f"pm-action:{action.pk}:{key}:p{action.owner_id}", kind="preventive_action",
                subject=subject, body=body, url=_url(pm),
            )
        )
    return len(notifications.record(notices))


def _action_reminder_words(action: PreventiveAction, today: dt.date) -> tuple[Subject, Body]:
    """The subject and body of a reminder of ``action`` to its owner, in the owner's language."""
    pm = action.postmortem

    def subject() -> str:
        words = {"date": local_format(action.due_on, "d M"), "ticket": pm.ticket_number}
        if action.due_on > today:
            # Translators: %(date)s is a day and month ("05 Mar").
            return _("Preventive action due %(date)s: ticket %(ticket)s") % words
        if action.due_on == today:
            return _("Preventive action due today: ticket %(ticket)s") % words
        # Translators: %(date)s is a day and month ("05 Mar").
        return _("Preventive action overdue since %(date)s: ticket %(ticket)s") % words

    def body(zone) -> str:
        return "\n".join([
            _describe(pm),
            _("Action: %(description)s") % {"description": excerpt(action.description)},
            _("Due: %(date)s") % {"date": local_format(action.due_on, "l d F Y")},
            _("Mark it done on the post-mortem page when it is in place."),
        ])

    return subject, body
