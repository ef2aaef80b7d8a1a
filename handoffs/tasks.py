from celery import shared_task
from django.utils import timezone

from dossiers.invitations import invitations_unsent, send_invitation

from .reminders import handoff_reminders


@shared_task
def reminders() -> dict[str, int]:
    """Beat, hourly: checklist reminders before the effective date, late handoffs to directors,
    and meeting invitations whose task was lost (introductions and scheduled calls or meetings:
    dossiers sends them)."""
    unsent = invitations_unsent(now=timezone.now())
    return handoff_reminders() | {"invitations": sum(send_invitation(pk) for pk in unsent)}
