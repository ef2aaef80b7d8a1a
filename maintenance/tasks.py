from celery import shared_task

from .reminders import maintenance_window_sweep


@shared_task
def window_sweep() -> dict[str, int]:
    """Beat, every few minutes: the day-before reminders of planned maintenance, and the windows
    that started (customers told) or ended."""
    return maintenance_window_sweep()
