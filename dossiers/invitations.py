"""Meeting invitations by email, with the meeting as an iCalendar REQUEST attached: a handoff's
introduction and a customer's scheduled call or meeting. Whoever makes the meeting sets its
``invitation_due`` and enqueues ``tasks.send_meeting_invitation`` after the commit."""

from __future__ import annotations

import datetime as dt
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from .ical import attendees, invitation_ics
from .models import Meeting


def send_invitation(meeting_id: int) -> int:
    """Send one email to all attendees of a meeting whose invitation is due; returns the number of
    recipients (0 if the meeting is gone or its invitation was sent already). The row is claimed
    under a lock, so a retry and the catch-up never send it twice at once."""
    with transaction.atomic():
        meeting = (
            Meeting.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("account__company")
            .prefetch_related("people", "contacts")
            .filter(pk=meeting_id, invitation_due=True)
            .first()
        )
        if meeting is None:
            return 0
        sent = _send(meeting)
        meeting.invitation_due, meeting.invitation_sent_at = False, timezone.now()
        meeting.save(update_fields=["invitation_due", "invitation_sent_at"])
        return sent


def invitations_unsent(*, now: dt.datetime, older_than: dt.timedelta = dt.timedelta(minutes=2)) -> list[int]:
    """Invitations still due a while after their meeting was made: their task was lost (the broker
    was down). The hourly handoff reminders (``handoffs.tasks.reminders``) send them, whichever app
    made the meeting."""
    return list(
        Meeting.objects.filter(invitation_due=True, created_at__lte=now - older_than)
        .order_by("created_at")
        .values_list("pk", flat=True)[:200]
    )


def _send(meeting: Meeting) -> int:
    invited = attendees(meeting)
    recipients = [email for _name, email in invited]
    if not recipients:
        return 0
    context = {"meeting": meeting, "carrier_name": settings.CARRIER_NAME, "attendees": invited}
    message = EmailMultiAlternatives(
        subject=_("[%(carrier)s] Invitation: %(title)s") % {"carrier": settings.CARRIER_NAME, "title": meeting.title},
        body=render_to_string("dossiers/email/invitation.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=recipients,
    )
    ics = invitation_ics(meeting, stamp=timezone.now(), organizer_email=parseaddr(settings.DEFAULT_FROM_EMAIL)[1])
    message.attach("invite.ics", ics, "text/calendar; method=REQUEST; charset=utf-8")
    message.send()
    return len(recipients)
