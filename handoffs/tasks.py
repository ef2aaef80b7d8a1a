from celery import shared_task
from django.utils import timezone

from .invitations import invitations_unsent, send_invitation
from .reminders import handoff_reminders


@shared_task
def reminders() -> dict[str, int]:
    """Beat, hourly: checklist reminders before the effective date, late handoffs to directors,
    and introduction invitations whose task was lost."""
    unsent = invitations_unsent(now=timezone.now())
    return handoff_reminders() | {"invitations": sum(send_invitation(pk) for pk in unsent)}


@shared_task
def send_meeting_invitation(meeting_id: int) -> int:
    """Email the introduction meeting's .ics invitation to everyone invited (after commit)."""
    return send_invitation(meeting_id)
