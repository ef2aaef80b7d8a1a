from celery import shared_task

from . import intake


@shared_task
def mail_poll() -> dict:
    """Beat, every minute: take in new mail (the IMAP mailbox, or the inbox folder)."""
    return intake.mail_poll()
