from celery import shared_task
from django.utils import timezone

from accountteam import emailing
from accountteam.tasks import send_notification_emails

from .sweep import escalations_sweep


@shared_task
def sweep() -> dict[str, int]:
    """Beat, every minute: reminders, overdue notices and automatic escalation for due items.
    Also re-sends mail whose task was lost. Running it twice, or twice at once, is harmless."""
    counts = escalations_sweep()
    stale = emailing.stale_unsent(now=timezone.now())
    if stale:
        send_notification_emails.delay(stale)
    return counts | {"resent": len(stale)}
