"""Celery tasks for outgoing webhooks: thin wrappers around ``delivering``.

Emitting an event enqueues one ``deliveries_send`` (after commit) that fans out one
``delivery_send`` per delivery, so a slow endpoint holds up only its own. A failed attempt
schedules the next one itself (back-off: ``WEBHOOKS_RETRY_BASE_SECONDS`` doubled each time);
``catch_up`` (beat, every minute) sends what a lost message or a dead worker left behind, and
forgets old deliveries. Every attempt claims its row first, so a repeated message sends nothing
twice.
"""

from __future__ import annotations

import logging

from celery import shared_task
from kombu.exceptions import KombuError

from accountteam.queueing import RETRY_POLICY

from .delivering import deliveries_due, deliveries_expire, delivery_attempt

logger = logging.getLogger(__name__)


def _enqueue(delivery_id: int, **options) -> None:
    try:
        delivery_send.apply_async(args=[delivery_id], retry=True, retry_policy=RETRY_POLICY, **options)
    except (KombuError, OSError) as exc:
        logger.error("Could not enqueue webhook delivery %s (the catch-up will send it): %s", delivery_id, exc)


@shared_task
def deliveries_send(delivery_ids: list[int]) -> int:
    """One task per delivery an event made."""
    for delivery_id in delivery_ids:
        _enqueue(delivery_id)
    return len(delivery_ids)


@shared_task
def delivery_send(delivery_id: int) -> str:
    """Attempt the delivery; after a failure, schedule the next attempt at its time."""
    outcome = delivery_attempt(delivery_id=delivery_id)
    if outcome.retry_at is not None:
        _enqueue(delivery_id, eta=outcome.retry_at)
    return outcome.status


@shared_task
def catch_up() -> dict[str, int]:
    """Beat, every ``WEBHOOKS_CATCH_UP_SECONDS``: send the deliveries overdue with no task to send
    them, and forget those older than ``WEBHOOKS_KEEP_DAYS``."""
    due = deliveries_due()
    for delivery_id in due:
        _enqueue(delivery_id)
    return {"sent": len(due), "forgotten": deliveries_expire()}
