"""Meeting invitations by email, with the meeting as an iCalendar REQUEST attached."""

from __future__ import annotations

from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone

from dossiers.ical import attendees, invitation_ics
from dossiers.models import Meeting


def send_invitation(meeting_id: int) -> int:
    """Send one email to all attendees; returns the number of recipients (0 if the meeting is gone)."""
    meeting = (
        Meeting.objects.select_related("account__company").prefetch_related("people", "contacts")
        .filter(pk=meeting_id).first()
    )
    if meeting is None:
        return 0
    invited = attendees(meeting)
    recipients = [email for _name, email in invited]
    if not recipients:
        return 0
    context = {"meeting": meeting, "carrier_name": settings.CARRIER_NAME, "attendees": invited}
    message = EmailMultiAlternatives(
        subject=f"[{settings.CARRIER_NAME}] Invitation: {meeting.title}",
        body=render_to_string("handoffs/email/invitation.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=recipients,
    )
    ics = invitation_ics(meeting, stamp=timezone.now(), organizer_email=parseaddr(settings.DEFAULT_FROM_EMAIL)[1])
    message.attach("invite.ics", ics, "text/calendar; method=REQUEST; charset=utf-8")
    message.send()
    return len(recipients)
