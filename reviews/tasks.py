from celery import shared_task

from . import services


@shared_task
def weekly_digests() -> int:
    """Beat, hourly: the Monday digest to each director whose local time is the digest hour.
    Running it twice in that hour, or in two workers at once, sends each digest once."""
    return services.weekly_digests_send()
