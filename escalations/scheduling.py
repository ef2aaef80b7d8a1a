"""Conference calls and meetings, "scheduled as requested": the customer says when in the raise;
staff schedule it within the policy's interval (the item's response deadline is the deadline to
*schedule* it). Scheduling puts a meeting in the account's dossier, e-mails the invitation
(dossiers sends it) and makes the meeting the item's next deadline.

Both services are for the carrier's staff, on an item they can see (the caller found it in
their scope).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accountteam import bounds, notifications
from accountteam.queueing import enqueue_on_commit
from dossiers import services as dossier_services
from dossiers.models import Meeting
from dossiers.tasks import send_meeting_invitation
from teams.models import Membership
from teams.scoping import display_name, reaches, staff_person

from . import rules
from .customer_notices import local_time, notify_customers
from .models import Escalation, Event
from .services import _check_text, _locked, _require_staff, _save

MIN_MINUTES = 15


def _call_or_meeting(item: Escalation, call: str, meeting: str) -> str:
    """The sentence that names a conference call (``call``) or a meeting (``meeting``): each is a
    whole message, so a translation can agree with either noun."""
    return call if item.channel == "conference_call" else meeting


def _require_schedulable(item: Escalation, *, scheduled: bool) -> None:
    """TransitionError unless ``item`` is an open call or meeting, scheduled already (``scheduled``)
    or not yet."""
    if item.channel not in rules.SCHEDULED_CHANNELS:
        # Translators: %(channel)s is how the item came in, in lower case, e.g. “voicemail”, “pager”.
        message = _("Only a conference call or a meeting is scheduled; this item is a %(channel)s.")
        raise rules.TransitionError(message % {"channel": item.get_channel_display().lower()})
    if item.status in rules.CLOSED:
        raise rules.TransitionError(
            _("The item is cancelled: a closed item is not scheduled.")
            if item.status == rules.CANCELLED
            else _("The item is resolved: a closed item is not scheduled.")
        )
    if item.status == rules.WAITING:
        # The meeting is a fixed time: resuming would move it by the time spent waiting.
        raise rules.TransitionError(_("The item is waiting on the customer: resume it first, then schedule."))
    if scheduled and item.meeting_id is None:
        raise rules.TransitionError(
            _call_or_meeting(
                item,
                _("The conference call is not scheduled yet: schedule it first."),
                _("The meeting is not scheduled yet: schedule it first."),
            )
        )
    if not scheduled and item.meeting_id is not None:
        message = _call_or_meeting(
            item,
            # Translators: %(when)s is a day and time in words, e.g. “Friday 4 December, 14:30 MST”.
            _("The conference call is already scheduled for %(when)s: reschedule it instead."),
            _("The meeting is already scheduled for %(when)s: reschedule it instead."),
        )
        raise rules.TransitionError(
            message % {"when": local_time(item.meeting.starts_at, timezone.get_current_timezone())}
        )


def _check_meeting(*, starts_at: dt.datetime, duration_minutes: int, location: str, now: dt.datetime) -> None:
    errors = {**bounds.date_errors(starts_at=starts_at), **bounds.text_errors(bounds.LINE, location=location)}
    if "starts_at" not in errors and starts_at <= now:
        errors["starts_at"] = _("Pick a time in the future.")
    if not MIN_MINUTES <= duration_minutes <= bounds.MAX_MEETING_MINUTES:
        errors["duration_minutes"] = _("Between %(min)s and %(max)s minutes.") % {
            "min": MIN_MINUTES,
            "max": bounds.MAX_MEETING_MINUTES,
        }
    if errors:
        raise ValidationError(errors)


def _guest(item: Escalation) -> list[str] | None:
    """[name, email] of the customer user who raised the item, when they have an e-mail address
    (staff who logged a customer's request are attendees' colleagues, not guests)."""
    raiser = item.raised_by
    if raiser is None or not raiser.email or not raiser.is_active or staff_person(raiser) is not None:
        return None
    # Only while they may still see the item (a membership with the escalation right on its account).
    if not Membership.objects.filter(
        reaches(item.account_id, item.company_id), user=raiser, can_escalate=True
    ).exists():
        return None
    return [display_name(raiser), raiser.email]


def _make_next_deadline(item: Escalation, meeting: Meeting) -> None:
    """The meeting is the item's next deadline: its day on the assignee's calendar is the promised
    follow-up, reminded at its start and due at its end."""
    zone = item.assignee.calendar_spec.zone
    item.follow_up_on = timezone.localtime(meeting.starts_at, zone).date()
    item.follow_up_target_at = meeting.starts_at
    item.follow_up_due_at = meeting.ends_at
    item.follow_up_done_at = None


def _tell(item: Escalation, meeting: Meeting, now: dt.datetime, *, actor, comment: str, moved: bool) -> None:
    """The followers' notice of the call or meeting (``moved``: its new time), each in their
    language, its time in their zone."""
    who = display_name(actor)
    guests = [name for name, _email in meeting.guests or []]
    quoted = f"\n\n{notifications.excerpt(comment)}" if comment.strip() else ""

    def body(zone) -> str:
        invited = (
            # Translators: %(guests)s are the names of the people invited, separated by commas.
            _("The invitation with a calendar file was e-mailed to %(guests)s; the item's page has it too.")
            % {"guests": ", ".join(guests)}
            if guests
            else _("The item's page has a calendar file to add it to your calendar.")
        )
        if moved:
            done = _call_or_meeting(
                item,
                # Translators: %(name)s moved it; %(when)s is when it is now, e.g. “Friday 4 December, 14:30
                # MST (60 minutes), Room 4”.
                _("%(name)s moved the conference call to %(when)s."),
                _("%(name)s moved the meeting to %(when)s."),
            )
        else:
            done = _call_or_meeting(
                item,
                # Translators: %(name)s scheduled it; %(when)s is when, e.g. “Friday 4 December, 14:30 MST (60
                # minutes), Room 4”.
                _("%(name)s scheduled the conference call for %(when)s."),
                _("%(name)s scheduled the meeting for %(when)s."),
            )
        minutes = meeting.duration_minutes
        # Translators: a call's or meeting's start in words and how long it lasts: “Friday 4 December,
        # 14:30 MST (60 minutes)”.
        when = ngettext("%(start)s (%(minutes)s minute)", "%(start)s (%(minutes)s minutes)", minutes) % {
            "start": local_time(meeting.starts_at, zone),
            "minutes": minutes,
        }
        if meeting.location:
            # Translators: when a call or meeting is, then where (a room, an address or a dial-in).
            when = _("%(when)s, %(location)s") % {"when": when, "location": meeting.location}
        return f"{done % {'name': who, 'when': when}} {invited}{quoted}"

    def subject() -> str:
        if moved:
            return _call_or_meeting(item, _("Conference call rescheduled"), _("Meeting rescheduled"))
        return _call_or_meeting(item, _("Conference call scheduled"), _("Meeting scheduled"))

    notify_customers(
        item,
        "scheduled",
        at=now,
        subject=subject,
        body=body,
        actor=actor,
        ref=f"meeting{meeting.pk}.{meeting.sequence}",  # each revision once, even within one instant
    )


def _invite(meeting: Meeting) -> None:
    """The invitation is due until the worker has sent it (a lost task is caught up)."""
    Meeting.objects.filter(pk=meeting.pk).update(invitation_due=True)
    meeting.invitation_due = True
    enqueue_on_commit(send_meeting_invitation, meeting.pk)


@transaction.atomic
def escalation_schedule(
    *,
    actor,
    escalation: Escalation,
    starts_at: dt.datetime,
    duration_minutes: int,
    location: str = "",
    comment: str = "",
    now: dt.datetime | None = None,
) -> Escalation:
    """Staff schedule a requested conference call or meeting (open, not yet scheduled).

    Puts a meeting in the account's dossier with the assignee as attendee and the customer who
    raised it as guest, answers the item (acknowledged if it was new), makes the meeting its next
    deadline (reminded at the start, due at the end), e-mails the invitation with an ``invite.ics``
    after the commit, and tells the customer when and where, in their own time zone."""
    now = now or timezone.now()
    _check_text(comment=comment)
    _require_staff(actor)
    item = _locked(escalation)
    _require_schedulable(item, scheduled=False)
    _check_meeting(starts_at=starts_at, duration_minutes=duration_minutes, location=location, now=now)
    guest = _guest(item)
    label = item.get_channel_display()
    meeting = dossier_services.dossier_save(
        actor=actor,
        account=item.account,
        part=dossier_services.MEETINGS,
        instance=Meeting(),
        values={
            "kind": Meeting.Kind.OTHER,
            "title": bounds.clip(f"{label}: {item.subject}", bounds.SUBJECT),
            "starts_at": starts_at,
            "duration_minutes": duration_minutes,
            "location": location,
            "notes": _call_or_meeting(
                item,
                _("Conference call requested by %(name)s on escalation #%(number)s."),
                _("Meeting requested by %(name)s on escalation #%(number)s."),
            )
            % {"name": display_name(item.raised_by, nobody=_("the customer")), "number": item.pk},
            "guests": [guest] if guest else [],
        },
        m2m={"people": [item.assignee]},
        check=False,
    )
    item.meeting = meeting
    item.first_response_at = item.first_response_at or now
    if item.status == rules.NEW:
        item.status = rules.ACKNOWLEDGED
    _make_next_deadline(item, meeting)
    _save(
        item,
        now,
        actor=actor,
        kind=Event.Kind.SCHEDULED,
        comment=comment,
        starts_at=starts_at.isoformat(),
        minutes=duration_minutes,
        location=location,
        meeting=meeting.pk,
    )
    _invite(meeting)
    _tell(item, meeting, now, actor=actor, comment=comment, moved=False)
    return item


@transaction.atomic
def escalation_reschedule(
    *,
    actor,
    escalation: Escalation,
    starts_at: dt.datetime,
    duration_minutes: int,
    location: str = "",
    comment: str = "",
    now: dt.datetime | None = None,
) -> Escalation:
    """Staff move a scheduled call or meeting (open). The dossier meeting keeps its identity with
    the next iCalendar revision (``sequence``), so calendars update the event they have; everyone
    invited gets the invitation again, the item's next deadline moves with the meeting, and the
    customer is told the new time."""
    now = now or timezone.now()
    _check_text(comment=comment)
    _require_staff(actor)
    item = _locked(escalation)
    _require_schedulable(item, scheduled=True)
    _check_meeting(starts_at=starts_at, duration_minutes=duration_minutes, location=location, now=now)
    meeting = Meeting.objects.select_for_update().get(pk=item.meeting_id)
    if (meeting.starts_at, meeting.duration_minutes, meeting.location) == (starts_at, duration_minutes, location):
        raise ValidationError(
            {
                "starts_at": _call_or_meeting(
                    item,
                    _("The conference call is already at that time and place."),
                    _("The meeting is already at that time and place."),
                )
            }
        )
    before = meeting.starts_at
    people = {*meeting.people.all(), item.assignee}
    meeting = dossier_services.dossier_save(  # the next revision: sequence + 1
        actor=actor,
        account=item.account,
        part=dossier_services.MEETINGS,
        instance=meeting,
        values={"starts_at": starts_at, "duration_minutes": duration_minutes, "location": location},
        m2m={"people": sorted(people, key=lambda p: p.pk)},
        check=False,
    )
    item.meeting = meeting
    _make_next_deadline(item, meeting)
    _save(
        item,
        now,
        actor=actor,
        kind=Event.Kind.SCHEDULED,
        comment=comment,
        starts_at=starts_at.isoformat(),
        minutes=duration_minutes,
        location=location,
        meeting=meeting.pk,
        rescheduled_from=before.isoformat(),
    )
    _invite(meeting)
    _tell(item, meeting, now, actor=actor, comment=comment, moved=True)
    return item
