from celery import shared_task

from . import services


@shared_task
def preventive_action_reminders() -> int:
    """Beat, hourly: owners of open preventive actions are reminded (each reminder once)."""
    return services.preventive_action_reminders()
