from celery import shared_task

from . import emailing


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_notification_emails(ids: list[int]) -> int:
    """Email notifications by id; rows already emailed are skipped, so a retry sends nothing twice."""
    return emailing.send_emails(ids)
