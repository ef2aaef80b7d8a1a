"""Writes for escalations: one function per use case, each in a transaction that locks the row.

Staff act on items they can see; customers raise items and comment on them. Every change
is an Event on the item's timeline.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop, ngettext, pgettext

from accountteam import bounds, notifications
from accountteam.clock import carrier_today
from teams.models import Account, Assignment, Person
from teams.scoping import display_name, staff_person
from teams.selectors import RAISE_RIGHTS, raisable_accounts
from webhooks.events import (
    ESCALATION_ACKNOWLEDGED,
    ESCALATION_ESCALATED,
    ESCALATION_RAISED,
    ESCALATION_RESOLVED,
)

from . import rules, webhook_events
from .customer_notices import notify_customers
from .handovers import items_handed_over
from .models import RAISABLE_CATEGORIES, Category, Escalation, Event, ResponsePolicy, RoutingRule
from .notices import describe, item_notice

# --- Helpers ------------------------------------------------------------------------------------


def _grace() -> dt.timedelta | None:
    minutes = settings.ESCALATION_GRACE_MINUTES
    return None if minutes is None else dt.timedelta(minutes=minutes)


def _event(item, *, actor, kind, comment="", internal=False, at=None, **data) -> Event:
    return Event.objects.create(
        escalation=item,
        actor=actor,
        actor_name=display_name(actor),
        kind=kind,
        comment=comment,
        internal=internal,
        at=at or timezone.now(),
        data=data,
    )


def _reschedule(item: Escalation, now: dt.datetime, *, new: bool = False) -> None:
    """Set what the sweep must do next. ``next_action_at`` is the earliest point not handled yet:
    the sweep handles points from it up to now, so points before it are never notified twice."""
    state = item.state()
    passed = rules.due_points(state, now)
    owed = item.next_action_at if item.next_action_at is not None and item.next_action_at <= now else None
    if new and passed:
        # A contact logged late: its passed points were never handled.
        item.next_action_at = min(at for _k, at in passed)
    elif owed is not None and any(at >= owed for _k, at in passed):
        item.next_action_at = owed  # the sweep has not caught up with this item yet
    else:
        item.next_action_at = rules.next_action_at(state, now)
    item.next_deadline_at = rules.next_deadline_at(state)


def _save(item: Escalation, now: dt.datetime, *, actor, kind: str, comment: str = "", new=False, **data) -> Event:
    """Store a change: recompute what the sweep must do next, save, and put it on the timeline."""
    _reschedule(item, now, new=new)
    item.save()
    return _event(item, actor=actor, kind=kind, comment=comment, at=now, **data)


def _customer_role(item: Escalation, person: Person):
    """``person``'s role on the item's account (a Role), or None: what the customer calls them
    (``_customer_title``)."""
    assignment = (
        Assignment.objects.current(carrier_today())
        .filter(account_id=item.account_id, person=person)
        .select_related("role")
        .first()
    )
    return assignment.role if assignment else None


def _customer_title(role) -> str:
    """What the customer calls a person with ``role`` (``_customer_role``) on an item, in the
    active language: the role in lower case ("service manager"), else "contact"."""
    return role.name.lower() if role else pgettext("the customer's contact for an item", "contact")


def _tell_customer(
    item: Escalation, now: dt.datetime, *, actor, kind: str, text: str, reason: str, tell_customer: bool, **data
) -> Event:
    """Record a change of hands: the staff read who, from, to and why; the customer reads
    ``text``, plain, with the reason only when the staff chose to share it (see
    ``selectors.timeline``)."""
    if tell_customer and reason.strip():
        text = f"{text}\n{reason.strip()}"
    return _event(item, actor=actor, kind=kind, comment=reason, at=now, customer_text=text, **data)


def _locked(item: Escalation) -> Escalation:
    return (
        Escalation.objects.select_for_update(of=("self",))
        .select_related("assignee__calendar", "assignee__reports_to", "account", "company")
        .get(pk=item.pk)
    )


def _check_text(**texts: str) -> None:
    """Refuse a comment or reason longer than the portal keeps, under its field."""
    bounds.ensure(bounds.text_errors(bounds.COMMENT, **texts))


def _require_staff(user) -> Person:
    person = staff_person(user)
    if person is None:
        raise PermissionDenied(_("Only the carrier's staff can do this."))
    return person


def _require_answerable(item: Escalation, *, acknowledging: bool = False) -> None:
    """A requested call or meeting is answered by scheduling it, and a new complaint by setting its
    target date (acknowledging it with one): recording a response does not stop those clocks."""
    if item.first_response_at is not None:
        return
    if item.policy_mode == "scheduled" and item.meeting_id is None:
        if item.channel == "conference_call":
            message = _("A conference call request is answered by scheduling it: use Schedule.")
        elif item.channel == "meeting":
            message = _("A meeting request is answered by scheduling it: use Schedule.")
        else:
            # Translators: %(channel)s is how the item came in, in lower case (e.g. “voicemail”);
            # Schedule is the name of the button.
            message = _("A %(channel)s request is answered by scheduling it: use Schedule.") % {
                "channel": item.get_channel_display().lower()
            }
        raise rules.TransitionError(message)
    if item.policy_mode == "manager_sets" and not acknowledging:
        raise rules.TransitionError(
            _(
                "Set the complaint's target date first: acknowledge it with the date by which the customer will "
                "have an answer."
            )
        )


def _move(item: Escalation, person: Person, now: dt.datetime) -> Person:
    """Give the item to ``person``, carrying the business time left on each open deadline over
    onto their calendar; a promised follow-up keeps its day, on the new calendar. Returns the
    previous assignee."""
    previous, old, new = item.assignee, item.assignee.calendar_spec, person.calendar_spec
    # While the item waits on the customer its clock stopped when the wait began: the time left
    # then is what moves (resuming adds the wait, counted on the new calendar).
    since = item.paused_at or now
    for field in ("target_at", "due_at", "auto_escalate_at"):
        if item.first_response_at is None:
            setattr(item, field, rules.carry_over(getattr(item, field), now=since, old=old, new=new))
    if item.follow_up_on and item.follow_up_done_at is None and item.meeting_id is None and not item.paused_at:
        target, due = rules.follow_up_deadlines(day=item.follow_up_on, calendar=new)
        if due > now:
            item.follow_up_target_at, item.follow_up_due_at = target, due
    item.assignee = person
    return previous


def _tell(item: Escalation, kind: str, now: dt.datetime, *, actor, subject, body, ref: str = "") -> None:
    """The customer's notice of a change (``customer_notices``): ``subject`` and ``body`` as
    functions are written in each reader's language."""
    notify_customers(item, kind, at=now, subject=subject, body=body, actor=actor, ref=ref)


def _quoted(comment: str) -> str:
    return f"\n\n{notifications.excerpt(comment)}" if comment.strip() else ""


def _tell_promise(item: Escalation, now: dt.datetime, *, actor, comment: str, moved: bool = False) -> None:
    who = display_name(actor)

    def body(zone) -> str:
        """In the reader's language (``notify_customers`` calls it once per language)."""
        day = rules.day_words(item.follow_up_on) if item.follow_up_on else ""
        if item.follow_up_on is None:
            # Translators: the customer's notice: %(name)s is who acted.
            text = _("%(name)s acknowledged it and is working on it.") % {"name": who}
        elif item.category == "complaint":
            # Translators: the customer's notice: %(name)s is who acted, %(day)s a day in words (“Friday 4 December”).
            text = _("%(name)s set the target date for an answer: %(day)s.") % {"name": who, "day": day}
        elif moved:
            text = _("%(name)s moved the date by which you will be contacted to %(day)s.") % {"name": who, "day": day}
        else:
            text = _("%(name)s acknowledged it. You will be contacted by %(day)s.") % {"name": who, "day": day}
        return text + _quoted(comment)

    _tell(
        item,
        "acknowledged",
        now,
        actor=actor,
        subject=lambda: _("Acknowledged"),
        body=body,
        ref=item.follow_up_on.isoformat() if item.follow_up_on else "",
    )


# --- Policies -----------------------------------------------------------------------------------


def policy_rows(company_id) -> list[rules.PolicyRow]:
    rows = ResponsePolicy.objects.filter(company_id__in=[company_id]) | ResponsePolicy.objects.filter(
        company__isnull=True
    )
    return [rules.PolicyRow(p.company_id, p.channel, p.category, p.availability, p.interval()) for p in rows]


def policy_for(*, company_id, channel, category, availability) -> rules.Interval | None:
    row = rules.pick_policy(
        policy_rows(company_id),
        company_id=company_id,
        channel=channel,
        category=category,
        availability=availability,
    )
    return row.interval if row else None


# --- Raising ------------------------------------------------------------------------------------


def route_for(*, company_id, category: str, topic: str = "") -> tuple[str, ...]:
    """The role codes that answer ``category`` (``topic``) for a company, most preferred first."""
    rows = [
        rules.RouteRow(r.company_id, r.category, r.topic, r.role_codes)
        for r in RoutingRule.objects.filter(Q(company__isnull=True) | Q(company_id=company_id), category=category)
    ]
    return rules.pick_route(rows, company_id=company_id, category=category, topic=topic)


def _held(account: Account, codes, on: dt.date) -> dict[str, Assignment]:
    """Role code → the current assignment of that role on the account (the longest-standing one
    where a role allows several holders)."""
    held = {}
    for a in (
        Assignment.objects.current(on)
        .filter(account=account, role__code__in=list(codes), person__is_active=True)
        .select_related("person__calendar", "person__backup", "role")
        .order_by("start_date", "pk")
    ):
        held.setdefault(a.role.code, a)
    return held


def assignee_for(*, account: Account, category: str, on: dt.date, topic: str = "") -> Assignment | None:
    """Who answers ``category`` on the account: the first role of its route (the routing table)
    that someone holds there now."""
    preference = route_for(company_id=account.company_id, category=category, topic=topic)
    return rules.first_held(preference, _held(account, preference, on))


def after_hours_for(*, account: Account, category: str, assignee: Person, received_at: dt.datetime):
    """The account's duty manager (or Technical Service Center) for a repair or outage contact
    that arrives outside ``assignee``'s business hours; None when it can wait for the morning or
    nobody holds those roles."""
    if category not in rules.AFTER_HOURS_CATEGORIES or assignee.calendar_spec.is_open(received_at):
        return None
    duty = rules.first_held(
        rules.AFTER_HOURS_ROLES, _held(account, rules.AFTER_HOURS_ROLES, carrier_today(received_at))
    )
    return duty if duty is not None and duty.person_id != assignee.pk else None


def availability_on_arrival(person: Person, received_at: dt.datetime) -> str:
    return "out_of_office" if person.is_out_of_office(received_at) else "in_office"


STAFF_ONLY = gettext_lazy("Only the carrier's staff can set this.")
# A clock a little ahead of the server's is not "the future".
RECEIVED_AT_TOLERANCE = dt.timedelta(minutes=1)


@transaction.atomic
def escalation_create(
    *,
    actor,
    account: Account,
    channel: str,
    category: str,
    subject: str,
    description: str = "",
    received_at: dt.datetime | None = None,
    availability: str | None = None,
    assignee: Person | None = None,
    topic: str = "",
    requested_start: dt.datetime | None = None,
    requested_minutes: int | None = None,
    now: dt.datetime | None = None,
    right: str = "can_escalate",
    intake: bool = False,
) -> Escalation:
    """Raise a contact. Customers with the escalation right raise them for their company's
    accounts; staff may also log an earlier ``received_at``, the assignee's ``availability``
    on arrival and a different ``assignee``.

    The routing table picks who answers (by category and sub-topic ``topic``); a repair or
    outage contact outside that person's hours goes to the account's duty manager instead. A call
    or meeting names when the customer wants it (``requested_start``, ``requested_minutes``)."""
    now = now or timezone.now()
    bounds.ensure(
        bounds.text_errors(bounds.SUBJECT, subject=subject),
        bounds.text_errors(bounds.DESCRIPTION, description=description),
        bounds.date_errors(received_at=received_at),
    )
    person = staff_person(actor)
    # ``right``: the membership right that lets a customer raise this item (post-mortem
    # requests are tracked as items but need the post-mortem right instead).
    if not raisable_accounts(user=actor, right=right).filter(pk=account.pk).exists():
        raise PermissionDenied(_("This account is not one you serve.") if person is not None else RAISE_RIGHTS[right])
    if person is None:
        # (The portal's own e-mail intake, ``intake``, gives a customer's item the time its mail
        # server received the message.)
        staff_only = {"received_at": None if intake else received_at, "availability": availability,
                      "assignee": assignee}
        errors = {name: STAFF_ONLY for name, value in staff_only.items() if value is not None}
        if errors:
            raise ValidationError(errors)
    received_at = received_at or now
    if received_at > now + RECEIVED_AT_TOLERANCE:
        raise ValidationError({"received_at": _("The time received cannot be in the future.")})
    _check_request(
        channel=channel,
        category=category,
        topic=topic,
        start=requested_start,
        minutes=requested_minutes,
        now=now,
        customer=person is None,
    )

    role, covered = None, None
    if assignee is None:
        assignment = assignee_for(account=account, category=category, on=carrier_today(received_at), topic=topic)
        if assignment is None:
            raise ValidationError({"account": _("Nobody is assigned to this account yet; call the support line.")})
        assignee, role = assignment.person, assignment.role
        duty = after_hours_for(account=account, category=category, assignee=assignee, received_at=received_at)
        if duty is not None:
            covered, assignee, role = assignee, duty.person, duty.role
    availability = availability or availability_on_arrival(assignee, received_at)
    interval = policy_for(
        company_id=account.company_id, channel=channel, category=category, availability=availability
    ) or rules.Interval(mode="manager_sets", target=None, due=None, unit="")
    deadlines = rules.response_deadlines(
        received_at=received_at, interval=interval, calendar=assignee.calendar_spec, grace=_grace()
    )
    item = Escalation(
        company=account.company,
        account=account,
        channel=channel,
        category=category,
        topic=topic,
        subject=subject,
        description=description,
        requested_start=requested_start,
        requested_minutes=requested_minutes,
        after_hours_for=covered,
        raised_by=actor,
        received_at=received_at,
        created_at=now,
        assignee=assignee,
        assignee_role=role,
        availability=availability,
        policy_id=interval.policy_id,
        policy_mode=interval.mode,
        policy_target=interval.target,
        policy_due=interval.due,
        policy_unit=interval.unit,
        policy_warn_percent=interval.warn_percent,
        target_at=deadlines.target_at,
        due_at=deadlines.due_at,
        auto_escalate_at=deadlines.auto_escalate_at,
    )
    _save(
        item,
        now,
        actor=actor,
        kind=Event.Kind.RAISED,
        comment=description,
        new=True,
        channel=channel,
        category=category,
        assignee=assignee.name,
        due_at=item.due_at.isoformat() if item.due_at else None,
    )
    due_zone = assignee.calendar_spec.zone  # the assignee's own clock

    def new_item() -> str:
        words = _NEW_ITEM.get(channel) or _("New %(channel)s: %(subject)s")
        return words % {"channel": item.get_channel_display().lower(), "subject": subject}

    def yours(zone) -> str:
        after_hours = (
            " " + _("It arrived outside %(name)s's hours; you are the duty contact.") % {"name": covered.name}
            if covered
            else ""
        )
        return f"{describe(item)}\n{_('It is yours.')}{_due_words(item.due_at, due_zone)}{after_hours}"

    notices = [item_notice(item, assignee, "assigned", item.received_at, new_item, yours)]
    if covered is not None:
        notices.append(
            item_notice(
                item,
                covered,
                "after_hours",
                item.received_at,
                lambda: _("After hours, to %(name)s: %(subject)s") % {"name": assignee.name, "subject": subject},
                lambda zone: f"{describe(item)}\n"
                + _(
                    # Translators: %(role)s is the role of %(name)s on the account, e.g. “Duty Manager”.
                    "It arrived outside your business hours and went to %(name)s (%(role)s). It is in your queue "
                    "for the morning."
                )
                % {"name": assignee.name, "role": role.name},
            )
        )

    def belongs(zone) -> str:
        # Translators: the item belongs to %(name)s (their backup reads it).
        mine = _("It is %(name)s's.") % {"name": assignee.name}
        return f"{describe(item)}\n{mine}{_due_words(item.due_at, due_zone)}"

    notices += _backup_notices(item, "assigned", item.received_at, belongs)
    notifications.record(notices)
    webhook_events.emit(ESCALATION_RAISED, item, now)
    return item


# The assignee's notice of a new item, by channel.
_NEW_ITEM = {
    "pager": gettext_lazy("New pager: %(subject)s"),
    "voicemail": gettext_lazy("New voicemail: %(subject)s"),
    "email": gettext_lazy("New email or letter: %(subject)s"),
    "conference_call": gettext_lazy("New conference call: %(subject)s"),
    "meeting": gettext_lazy("New meeting: %(subject)s"),
}


def _due_words(due_at: dt.datetime | None, zone) -> str:
    """' Due Fri 04 Dec 14:30 MST.' on the assignee's clock (``zone``), or '' without a due time;
    in the active language."""
    if due_at is None:
        return ""
    # Translators: %(when)s is a day and time, e.g. “Fri 04 Dec 14:30 MST”.
    return " " + _("Due %(when)s.") % {"when": rules.short_time_words(timezone.localtime(due_at, zone))}


def _backup_notices(item: Escalation, kind: str, at: dt.datetime, text: notifications.Body) -> list:
    """For an assignee out of office at ``at``: the same news (``text``) to their backup, who
    covers, in the backup's language."""
    assignee = item.assignee
    backup = assignee.backup
    if backup is None or not backup.is_active or not assignee.is_out_of_office(at):
        return []
    return [
        item_notice(
            item,
            backup,
            f"backup_{kind}",
            at,
            lambda: _("For %(name)s, out of office: %(subject)s") % {"name": assignee.name, "subject": item.subject},
            lambda zone: f"{notifications.written(text, zone)}\n"
            + _("%(name)s is out of office; you are their backup.") % {"name": assignee.name},
        )
    ]


def _check_request(*, channel, category, topic, start, minutes, now, customer: bool) -> None:
    """A sub-topic must belong to its category; a customer's call or meeting says when (in the
    future) and for how long (staff logging one may leave it to be agreed); other channels do not
    carry a time."""
    errors = {}
    if topic and topic not in rules.TOPICS.get(category, ()):
        errors["topic"] = _("This sub-topic does not belong to the chosen category.")
    bounds.ensure(bounds.date_errors(requested_start=start))
    if channel in rules.SCHEDULED_CHANNELS:
        if start is None and customer:
            errors["requested_start"] = _("Say when you would like the call or meeting.")
        elif start is not None and start <= now:
            errors["requested_start"] = _("Pick a time in the future.")
        if minutes is None and customer:
            errors["requested_minutes"] = _("Say how long it should last.")
        elif minutes is not None and not 15 <= minutes <= bounds.MAX_MEETING_MINUTES:
            errors["requested_minutes"] = _("Between %(min)s and %(max)s minutes.") % {
                "min": 15,
                "max": bounds.MAX_MEETING_MINUTES,
            }
    else:
        if start is not None:
            errors["requested_start"] = _("Only a conference call or a meeting is scheduled.")
        if minutes is not None:
            errors["requested_minutes"] = _("Only a conference call or a meeting is scheduled.")
    if errors:
        raise ValidationError(errors)


# --- Actions ------------------------------------------------------------------------------------


def _promise(item: Escalation, follow_up_on: dt.date | None, now: dt.datetime) -> None:
    """Answer the item and, with ``follow_up_on``, make that day's close its next deadline.
    Raises ValidationError when the date is missing where required, in the past, or outside the
    portal's bounds."""
    bounds.ensure(bounds.date_errors(follow_up_on=follow_up_on))
    calendar = item.assignee.calendar.spec()
    problem = rules.validate_follow_up(
        channel=item.channel,
        category=item.category,
        follow_up_on=follow_up_on,
        today=now.astimezone(calendar.zone).date(),
        calendar=calendar,
    )
    if problem:
        raise ValidationError({"follow_up_on": problem})
    item.first_response_at = item.first_response_at or now
    if follow_up_on:
        item.follow_up_on = follow_up_on
        item.follow_up_target_at, item.follow_up_due_at = rules.follow_up_deadlines(day=follow_up_on, calendar=calendar)
        item.follow_up_done_at = None


@transaction.atomic
def escalation_acknowledge(
    *,
    actor,
    escalation: Escalation,
    follow_up_on: dt.date | None = None,
    comment: str = "",
    now: dt.datetime | None = None,
) -> Escalation:
    """Staff acknowledge a new item. Written correspondence (and complaints) must name the date
    by which the customer will be contacted; it becomes the next deadline."""
    now = now or timezone.now()
    _check_text(comment=comment)
    _require_staff(actor)
    item = _locked(escalation)
    item.status = rules.next_status(item.status, "acknowledge")
    _require_answerable(item, acknowledging=True)
    _promise(item, follow_up_on, now)
    _save(
        item,
        now,
        actor=actor,
        kind=Event.Kind.ACKNOWLEDGED,
        comment=comment,
        follow_up_on=follow_up_on.isoformat() if follow_up_on else None,
    )
    _tell_promise(item, now, actor=actor, comment=comment)
    webhook_events.emit(ESCALATION_ACKNOWLEDGED, item, now)
    return item


@transaction.atomic
def escalation_promise(
    *,
    actor,
    escalation: Escalation,
    follow_up_on: dt.date,
    comment: str = "",
    now: dt.datetime | None = None,
    notify_customer: bool = True,
) -> Escalation:
    """Set (or move) the date promised to the customer on an open item, acknowledging it if it is
    new; it becomes the next deadline, as in an acknowledgement. A post-mortem's acceptance calls it
    (with ``notify_customer=False``: the post-mortem's own notice tells the customer)."""
    now = now or timezone.now()
    _check_text(comment=comment)
    _require_staff(actor)
    item = _locked(escalation)
    if item.status in rules.CLOSED:
        raise rules.TransitionError(_("The item is closed."))
    before = item.follow_up_on
    _promise(item, follow_up_on, now)
    acknowledged = item.status == rules.NEW
    if acknowledged:
        item.status = rules.ACKNOWLEDGED
    elif item.status == rules.WAITING:
        # Still waiting: the new date is counted from now, so the wait before it does not move
        # it; and resuming returns to "acknowledged", never to "new".
        item.paused_at = now
        if item.status_before_wait == rules.NEW:
            item.status_before_wait = rules.ACKNOWLEDGED
    moved = before not in (None, follow_up_on)
    _save(item, now, actor=actor, kind=Event.Kind.ACKNOWLEDGED, comment=comment, follow_up_on=follow_up_on.isoformat())
    if notify_customer:
        _tell_promise(item, now, actor=actor, comment=comment, moved=moved)
    if acknowledged:
        webhook_events.emit(ESCALATION_ACKNOWLEDGED, item, now)
    return item


@transaction.atomic
def escalation_respond(*, actor, escalation: Escalation, comment: str = "", now=None) -> Escalation:
    """Staff record a response to the customer (a call back, a reply); it meets the response
    deadline and any promised follow-up."""
    now = now or timezone.now()
    _check_text(comment=comment)
    _require_staff(actor)
    item = _locked(escalation)
    item.status = rules.next_status(item.status, "respond")
    _require_answerable(item)
    item.first_response_at = item.first_response_at or now
    if item.follow_up_due_at and item.follow_up_done_at is None:
        item.follow_up_done_at = now
    _save(item, now, actor=actor, kind=Event.Kind.RESPONDED, comment=comment)
    _tell(
        item,
        "reply",
        now,
        actor=actor,
        subject=lambda: _("A reply from your team"),
        body=lambda zone: _("%(name)s replied.") % {"name": display_name(actor)} + _quoted(comment),
    )
    return item


@transaction.atomic
def escalation_wait(*, actor, escalation: Escalation, comment: str = "", now=None) -> Escalation:
    """Waiting on the customer stops the clock."""
    now = now or timezone.now()
    _check_text(comment=comment)
    _require_staff(actor)
    item = _locked(escalation)
    item.status_before_wait = item.status
    item.status = rules.next_status(item.status, "wait")
    item.paused_at = now
    _save(item, now, actor=actor, kind=Event.Kind.WAITING, comment=comment)
    def body(zone) -> str:
        need = f"\n\n{_('What is needed:')}\n{notifications.excerpt(comment)}" if comment.strip() else ""
        return (
            _(
                "%(name)s needs something from you before work can go on; the clock is stopped until you answer "
                "(comment on the item)."
            )
            % {"name": display_name(actor)}
            + need
        )

    _tell(item, "waiting", now, actor=actor, subject=lambda: _("Waiting on you"), body=body)
    return item


@transaction.atomic
def escalation_resume(*, actor, escalation: Escalation, comment: str = "", now=None) -> Escalation:
    """The customer has answered: the clock runs again and every open deadline moves out by the
    business time spent waiting."""
    now = now or timezone.now()
    _check_text(comment=comment)
    _require_staff(actor)
    item = _locked(escalation)
    _resume(item, now, actor=actor, comment=comment)
    return item


def _resume(item: Escalation, now: dt.datetime, *, actor, comment: str) -> None:
    item.status = rules.next_status(item.status, "resume", status_before_wait=item.status_before_wait)
    calendar = item.assignee.calendar.spec()
    paused = calendar.business_time_between(item.paused_at, now) if item.paused_at else dt.timedelta(0)
    if item.first_response_at is None:
        item.target_at = rules.shift(calendar, item.target_at, paused)
        item.due_at = rules.shift(calendar, item.due_at, paused)
        item.auto_escalate_at = rules.shift(calendar, item.auto_escalate_at, paused)
    elif item.follow_up_due_at and item.follow_up_done_at is None and item.meeting_id is None:
        # (A scheduled meeting stays when it is: waiting does not move it.)
        item.follow_up_target_at = rules.shift(calendar, item.follow_up_target_at, paused)
        item.follow_up_due_at = rules.shift(calendar, item.follow_up_due_at, paused)
    item.paused_business_seconds += int(paused.total_seconds())
    item.paused_at = None
    item.status_before_wait = ""
    _save(
        item,
        now,
        actor=actor,
        kind=Event.Kind.RESUMED,
        comment=comment,
        paused_business_minutes=int(paused.total_seconds() // 60),
    )


@transaction.atomic
def escalation_recategorize(*, actor, escalation: Escalation, category: str, now=None) -> Escalation:
    """Staff correct an item's category (an e-mail's was guessed from its subject). Its deadlines
    stay those it was given when it arrived (the policy is frozen); whoever has it may reassign it.
    An internal line on the timeline says what it was."""
    now = now or timezone.now()
    _require_staff(actor)
    if category not in dict(RAISABLE_CATEGORIES):
        raise ValidationError({"category": _("Choose one of the categories.")})
    item = _locked(escalation)
    if item.status in rules.CLOSED:
        raise rules.TransitionError(_("The item is closed."))
    if item.category == category:
        return item
    before = item.get_category_display()
    item.category = category
    item.save(update_fields=["category"])
    _event(item, actor=actor, kind=Event.Kind.RECATEGORIZED, internal=True, at=now,
           **{"from": before, "to": item.get_category_display()})
    return item


@transaction.atomic
def escalation_customer_reply(*, actor, escalation: Escalation, comment: str, now=None) -> Event:
    """The customer's written answer (a reply by e-mail): a public comment, and an item that was
    waiting on them resumes, its clock running again."""
    now = now or timezone.now()
    event = escalation_comment(actor=actor, escalation=escalation, comment=comment, now=now)
    item = _locked(escalation)
    if item.status == rules.WAITING:
        _resume(item, now, actor=actor, comment="")
    return event


@transaction.atomic
def escalation_mail_reply(*, actor, escalation: Escalation, comment: str, internal: bool = False, now=None) -> Event:
    """Staff's reply by e-mail: an internal note (``internal``); otherwise the item's response to
    the customer when one may be recorded now, else a public comment (a closed item, a requested
    call that is answered by scheduling it)."""
    now = now or timezone.now()
    _require_staff(actor)
    item = _locked(escalation)
    if internal:
        return escalation_comment(actor=actor, escalation=item, comment=comment, internal=True, now=now)
    try:
        rules.next_status(item.status, "respond")
        _require_answerable(item)
    except rules.TransitionError:
        return escalation_comment(actor=actor, escalation=item, comment=comment, now=now)
    escalation_respond(actor=actor, escalation=item, comment=comment, now=now)
    return Event.objects.filter(escalation=item, kind=Event.Kind.RESPONDED).latest("pk")


def _close(*, actor, escalation, action, kind, comment, now, notify_customer=True):
    now = now or timezone.now()
    _check_text(comment=comment)
    _require_staff(actor)
    item = _locked(escalation)
    item.status = rules.next_status(item.status, action)
    item.resolved_at = now
    item.paused_at = None
    _save(item, now, actor=actor, kind=kind, comment=comment)
    if notify_customer:
        _tell_closed(item, action, now, actor=actor, comment=comment)
    if action == "resolve":
        webhook_events.emit(ESCALATION_RESOLVED, item, now)
    return item


def _tell_closed(item: Escalation, action: str, now: dt.datetime, *, actor, comment: str) -> None:
    """The customer's notice of a resolution or a cancellation, in each reader's language."""
    who = display_name(actor)
    if action == "resolve":
        days = settings.ESCALATION_REOPEN_BUSINESS_DAYS

        def resolved(zone) -> str:
            return ngettext(
                "%(name)s resolved it. If it is not solved, you can reopen it on the item's page within %(days)s "
                "business day.",
                "%(name)s resolved it. If it is not solved, you can reopen it on the item's page within %(days)s "
                "business days.",
                days,
            ) % {"name": who, "days": days} + _quoted(comment)

        _tell(item, "resolved", now, actor=actor, subject=lambda: _("Resolved"), body=resolved)
    else:
        _tell(item, "cancelled", now, actor=actor, subject=lambda: _("Cancelled"),
              body=lambda zone: _("%(name)s cancelled it.") % {"name": who} + _quoted(comment))


@transaction.atomic
def escalation_resolve(
    *, actor, escalation: Escalation, comment: str = "", now=None, notify_customer: bool = True
) -> Escalation:
    """Resolve an open item; the customer is told (unless ``notify_customer`` is False: a
    post-mortem's publication or decline tells the customer itself)."""
    return _close(
        actor=actor,
        escalation=escalation,
        action="resolve",
        kind=Event.Kind.RESOLVED,
        comment=comment,
        now=now,
        notify_customer=notify_customer,
    )


@transaction.atomic
def escalation_cancel(*, actor, escalation: Escalation, comment: str = "", now=None) -> Escalation:
    return _close(
        actor=actor, escalation=escalation, action="cancel", kind=Event.Kind.CANCELLED, comment=comment, now=now
    )


def _escalate(
    item: Escalation,
    *,
    actor,
    reason: str,
    now: dt.datetime,
    automatic: bool,
    tell_customer: bool = False,
    said: Callable[[], str] | None = None,
    emit: bool = True,
) -> Escalation:
    """Move the locked ``item`` to its assignee's director, recording ``reason``; ``said`` is the
    reason as the notices quote it, written in each reader's language (``reason`` itself when
    not given). ``emit``: send its webhook event (the sweep sends a batch's together)."""
    said = said or (lambda: reason)
    rules.next_status(item.status, "escalate")
    if item.level >= rules.MAX_LEVEL:
        raise rules.TransitionError(_("The item is already with the director (level 2)."))
    director = item.assignee.reports_to
    if director is None or not director.is_active:
        raise rules.TransitionError(_("%(name)s has no director to escalate to.") % {"name": item.assignee})
    previous = _move(item, director, now)
    item.level = item.level + 1
    item.escalated_at, item.escalation_reason = now, reason
    _reschedule(item, now)
    item.save()
    names = {"name": director.name, "title": director.title}
    # Translators: %(name)s is the director's name, %(title)s their job title.
    text = _("Your item is now with %(name)s, %(title)s.") if director.title else _("Your item is now with %(name)s.")
    _tell_customer(
        item,
        now,
        actor=actor,
        kind=Event.Kind.ESCALATED,
        reason=reason,
        tell_customer=tell_customer,
        text=text % names,
        level=item.level,
        **{"from": previous.name, "to": director.name, "automatic": automatic},
    )
    def yours(zone) -> str:
        why = notifications.excerpt(said())
        if automatic:
            why = _("Escalated automatically: %(reason)s") % {"reason": why}
        return f"{describe(item)}\n{why}\n" + _("It was with %(name)s.") % {"name": previous.name}

    notifications.record(
        [
            item_notice(
                item,
                director,
                "escalated",
                now,
                lambda: _("Escalated to you: %(subject)s") % {"subject": item.subject},
                yours,
            )
        ]
    )

    def body(zone) -> str:
        shared = _quoted(said()) if tell_customer else ""
        if director.title:
            # Translators: %(name)s is the director's name, %(title)s their job title.
            return _("It was taken to the director: %(name)s, %(title)s has it now.") % names + shared
        return _("It was taken to the director: %(name)s has it now.") % names + shared

    _tell(item, "escalated", now, actor=actor, subject=lambda: _("Now with %(name)s") % names, body=body)
    if emit:
        webhook_events.emit(ESCALATION_ESCALATED, item, now)
    return item


# The reason of an automatic escalation (``escalation_auto_escalate``): a message, so that the
# director's notice says it in their language.
AUTO_ESCALATION_REASON = gettext_noop("Unanswered past its due time and the grace period.")


def escalation_auto_escalate(*, escalation: Escalation, now: dt.datetime, emit: bool = True) -> Escalation:
    """For the sweep, which holds the row's lock: escalate an item unanswered past its due time
    and the grace period. TransitionError when there is nobody to escalate to. ``emit=False``:
    the caller sends the webhook event (``webhook_events``) with the others of its batch."""
    return _escalate(
        escalation,
        actor=None,
        now=now,
        automatic=True,
        reason=_(AUTO_ESCALATION_REASON),
        said=lambda: _(AUTO_ESCALATION_REASON),
        emit=emit,
    )


@transaction.atomic
def escalation_escalate(
    *, actor, escalation: Escalation, reason: str, tell_customer: bool = False, now=None
) -> Escalation:
    """Move the item to the assignee's director (level 2), recording why. The reason stays
    internal unless ``tell_customer``; the customer reads who has the item now."""
    now = now or timezone.now()
    _check_text(reason=reason)
    _require_staff(actor)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the item is escalated.")})
    return _escalate(
        _locked(escalation), actor=actor, reason=reason, now=now, automatic=False, tell_customer=tell_customer
    )


@transaction.atomic
def escalation_reassign(
    *, actor, escalation: Escalation, assignee: Person, reason: str = "", tell_customer: bool = False, now=None
) -> Escalation:
    """Hand the item to another person; the timeline keeps who had it. The reason stays internal
    unless ``tell_customer``; the customer reads who their contact for the item is now."""
    now = now or timezone.now()
    _check_text(reason=reason)
    _require_staff(actor)
    item = _locked(escalation)
    rules.next_status(item.status, "reassign")
    if assignee.pk == item.assignee_id:
        raise ValidationError({"assignee": _("The item is already assigned to %(name)s.") % {"name": assignee}})
    if not assignee.is_active:
        raise ValidationError({"assignee": _("%(name)s is no longer active.") % {"name": assignee}})
    previous = _move(item, assignee, now)
    _reschedule(item, now)
    item.save()
    role = _customer_role(item, assignee)
    _tell_customer(
        item,
        now,
        actor=actor,
        kind=Event.Kind.REASSIGNED,
        reason=reason,
        tell_customer=tell_customer,
        text=_your_contact(_customer_title(role), assignee),
        **{"from": previous.name, "to": assignee.name},
    )

    def yours(zone) -> str:
        moved_from = _("Reassigned from %(name)s.") % {"name": previous.name}
        return f"{describe(item)}\n{moved_from} {notifications.excerpt(reason)}".strip()

    notifications.record(
        [
            item_notice(
                item,
                assignee,
                "assigned",
                now,
                lambda: _("Assigned to you: %(subject)s") % {"subject": item.subject},
                yours,
            )
        ]
    )
    items_handed_over(actor=actor, escalations=[item], assignee=assignee, now=now)
    _tell(
        item,
        "reassigned",
        now,
        actor=actor,
        subject=lambda: _("%(name)s is your contact") % {"name": assignee.name},
        body=lambda zone: _your_contact(_customer_title(role), assignee) + (_quoted(reason) if tell_customer else ""),
    )
    return item


def _your_contact(title: str, person: Person) -> str:
    """'Your service manager for this item is now Luis Ortega.' (``title``: their role, in lower case)."""
    # Translators: %(title)s is the person's role on the account in lower case (“service manager”), or
    # “contact”; %(name)s is their name.
    return _("Your %(title)s for this item is now %(name)s.") % {"title": title, "name": person.name}


@transaction.atomic
def escalations_hand_over(
    *, actor, escalations, assignee: Person, reason: str, role_name: str | Callable[[], str] = "", now=None
) -> list[Escalation]:
    """Move open items to ``assignee`` in one transaction (a reassignment handoff calls it).

    Each item is locked and gets an internal "reassigned" event carrying ``reason`` (the
    handoff's mechanics are the staff's), and the customer reads who their contact is now (their
    ``role_name``, as a function: in each reader's language); the new assignee is told once, by the
    caller, rather than per item.
    """
    now = now or timezone.now()
    moved = []
    for item in escalations:
        item = _locked(item)
        if item.status in rules.CLOSED or item.assignee_id == assignee.pk:
            continue
        previous = _move(item, assignee, now)
        _reschedule(item, now)
        item.save()
        role = None if role_name else _customer_role(item, assignee)

        def contact(zone=None, role=role) -> str:
            """Who the customer's contact is now, in the active language: the timeline's words
            and each follower's notice."""
            return _your_contact(notifications.written(role_name).lower() or _customer_title(role), assignee)

        _tell_customer(
            item,
            now,
            actor=actor,
            kind=Event.Kind.REASSIGNED,
            reason=reason,
            tell_customer=False,
            text=contact(),
            handoff=True,
            **{"from": previous.name, "to": assignee.name},
        )
        _tell(
            item,
            "reassigned",
            now,
            actor=actor,
            subject=lambda: _("%(name)s is your contact") % {"name": assignee.name},
            body=contact,
        )
        moved.append(item)
    # What follows the items (a post-mortem names its tracking item's manager) moves with them.
    items_handed_over(actor=actor, escalations=moved, assignee=assignee, now=now)
    return moved


@transaction.atomic
def escalation_comment(*, actor, escalation: Escalation, comment: str, internal: bool = False, now=None) -> Event:
    """A comment on the timeline. Customers' comments are public; staff may write internal notes."""
    now = now or timezone.now()
    _check_text(comment=comment)
    if not comment.strip():
        raise ValidationError({"comment": _("Write something first.")})
    person = staff_person(actor)
    if internal and person is None:
        raise PermissionDenied(_("Only the carrier's staff can write internal notes."))
    item = _locked(escalation)
    event = _event(
        item,
        actor=actor,
        kind=Event.Kind.NOTE if internal else Event.Kind.COMMENT,
        comment=comment,
        internal=internal,
        at=now,
    )
    if person is not None and not internal:
        _tell(
            item,
            "reply",
            now,
            actor=actor,
            subject=lambda: _("A comment from your team"),
            body=lambda zone: _("%(name)s wrote:") % {"name": display_name(actor)} + _quoted(comment),
            ref=str(event.pk),
        )
    if person is None:
        notifications.record(
            [
                item_notice(
                    item,
                    item.assignee,
                    "customer_comment",
                    now,
                    lambda: _("Customer comment: %(subject)s") % {"subject": item.subject},
                    lambda zone: f"{describe(item)}\n"
                    + _("%(name)s wrote: %(comment)s")
                    % {"name": display_name(actor), "comment": notifications.excerpt(comment)},
                    ref=str(event.pk),
                )
            ]
        )
    return event


# --- Bulk actions (the queue) ---------------------------------------------------------------------


@transaction.atomic
def escalations_bulk_act(*, actor, escalations: list[Escalation], action: str, **kwargs) -> list[Escalation]:
    """Acknowledge or reassign several items at once, all or nothing: if any item refuses, none
    changes and the error names each refusing item."""
    service = {"acknowledge": escalation_acknowledge, "reassign": escalation_reassign}.get(action)
    if service is None:
        raise ValidationError(
            {"action": _("Bulk %(action)s is not offered; acknowledge or reassign.") % {"action": repr(action)}}
        )
    if not escalations:
        raise ValidationError({"ids": _("Select at least one item.")})
    done, problems = [], []
    for item in escalations:
        try:
            with transaction.atomic():
                done.append(service(actor=actor, escalation=item, **kwargs))
        except rules.TransitionError as exc:
            problems.append(f"#{item.pk}: {exc}")
        except ValidationError as exc:
            problems.append(f"#{item.pk}: {' '.join(exc.messages)}")
    if problems:
        transaction.set_rollback(True)
        raise ValidationError(problems)
    return done


# --- Undoing a resolution (the queue) ---------------------------------------------------------------


@transaction.atomic
def escalation_undo_resolve(*, actor, escalation: Escalation, now=None) -> Escalation:
    """Staff take back their own resolution within ``rules.UNDO_RESOLVE_WINDOW`` (the queue's
    Undo): the item is open again with the status it had (``rules.status_before_resolution``;
    waiting on the customer again when it was resolved while waiting, its clock stopped since the
    wait began), the resolution time cleared and the deadlines it still has rescheduled. The
    timeline says so in a public "resumed" event; the customer gets no notice. TransitionError when
    the item is not resolved, someone else resolved it, or the window has passed."""
    now = now or timezone.now()
    _require_staff(actor)
    item = _locked(escalation)
    resolution = Event.objects.filter(escalation=item, kind=Event.Kind.RESOLVED).order_by("-at", "-pk").first()
    refusal = rules.undo_resolve_refusal(
        status=item.status,
        resolved_at=item.resolved_at,
        resolved_by_id=resolution.actor_id if resolution else None,
        actor_id=actor.pk,
        now=now,
        tracks_postmortem=item.category == Category.POSTMORTEM,
    )
    if refusal:
        raise rules.TransitionError(refusal)
    waiting = bool(item.status_before_wait)  # resolving does not clear it; resuming does
    answered = item.first_response_at is not None
    responded = answered and (
        Event.objects.filter(escalation=item, kind=Event.Kind.RESPONDED, at__gte=item.first_response_at).exists()
    )
    item.status = rules.status_before_resolution(answered=answered, responded=responded, waiting=waiting)
    if waiting:
        began = Event.objects.filter(escalation=item, kind=Event.Kind.WAITING).order_by("-at", "-pk").first()
        item.paused_at = began.at if began else item.resolved_at
    # Points that fell due while it was resolved are the sweep's to handle from the resolution on.
    item.next_action_at, item.resolved_at = item.resolved_at, None
    _save(item, now, actor=actor, kind=Event.Kind.RESUMED, comment=_("Resolution undone."), undone="resolved")
    return item
