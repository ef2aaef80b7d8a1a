from celery import shared_task

from . import emailing
from .idempotency import idempotent_requests_expire
from .tokens import api_tokens_expire


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_notification_emails(ids: list[int]) -> int:
    """Email notifications by id; rows already emailed are skipped, so a retry sends nothing twice."""
    return emailing.send_emails(ids)


@shared_task
def housekeeping() -> dict[str, int]:
    """Beat, hourly: forget expired Idempotency-Keys and delete expired API tokens."""
    return {"idempotency_keys": idempotent_requests_expire(), "api_tokens": api_tokens_expire()}
