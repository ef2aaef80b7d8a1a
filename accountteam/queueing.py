"""Handing work to Celery after a transaction commits, without letting a broker outage turn a
committed write into an error."""

from __future__ import annotations

import logging

from django.db import transaction
from kombu.exceptions import KombuError

logger = logging.getLogger(__name__)

# A request waits at most about a second for a broker that does not answer.
RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.3, "interval_max": 0.5}


def enqueue_on_commit(task, *args) -> None:
    """Send ``task(*args)`` to the broker once the current transaction commits.

    If the broker cannot be reached, the write has committed all the same: the failure is
    logged and the request answers success. What the task would have done is caught up by a
    periodic job that finds the work in the database (unsent notification mail is re-sent by the
    escalation sweep; unsent meeting invitations, whichever app made the meeting, by the hourly
    handoff reminders)."""

    def send():
        try:
            task.apply_async(args=args, retry=True, retry_policy=RETRY_POLICY)
        except (KombuError, OSError) as exc:
            logger.error("Could not enqueue %s%r (the periodic catch-up will do it): %s", task.name, args, exc)

    transaction.on_commit(send)
