from celery import shared_task

from . import services


@shared_task
def availability_expire() -> int:
    """Beat, every minute: lapsed out-of-office states return to in office."""
    return services.availability_expire()
