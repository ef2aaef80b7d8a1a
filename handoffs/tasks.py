from celery import shared_task

from .invitations import send_invitation
from .reminders import handoff_reminders


@shared_task
def reminders() -> dict[str, int]:
    """Beat, hourly: checklist reminders before the effective date, late handoffs to directors."""
    return handoff_reminders()


@shared_task
def send_meeting_invitation(meeting_id: int) -> int:
    """Email the introduction meeting's .ics invitation to everyone invited (after commit)."""
    return send_invitation(meeting_id)
