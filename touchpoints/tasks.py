from celery import shared_task

from .reminders import touchpoint_reminders


@shared_task
def reminders() -> dict[str, int]:
    """Beat, hourly: reminders of regular reviews due soon, overdue reviews (owner and director)
    and overdue action items; idempotent by notice key."""
    return touchpoint_reminders()
