"""Which active endpoint wants which event, kept in the shared cache.

Every event asks, so the answer costs no query while it is cached (Redis in production): with no
endpoint registered an event costs nothing at all. A change to an endpoint forgets it once its
transaction commits (and at once, for the rest of that transaction); the cached answer also
expires after ``TTL`` seconds, so a process that read the old rows just before a change cannot keep
them for long. A cache that cannot be reached costs the one query, never the event.
"""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.db import transaction
from redis.exceptions import RedisError

from .models import Endpoint

logger = logging.getLogger(__name__)

KEY = "webhooks:subscriptions:v1"
TTL = 60
CACHE_UNREACHABLE = (RedisError, OSError)


def subscribed() -> dict[str, tuple[int, ...]]:
    """Event name → the ids of the active endpoints subscribed to it (no key: nobody)."""
    try:
        found = cache.get(KEY)
    except CACHE_UNREACHABLE as exc:
        logger.warning("Webhook subscriptions read from the database: the cache is unreachable (%s)", exc)
        return _from_database()
    if found is None:
        found = _from_database()
        try:
            cache.set(KEY, found, TTL)
        except CACHE_UNREACHABLE as exc:
            logger.warning("Webhook subscriptions not cached: the cache is unreachable (%s)", exc)
    return found


def _from_database() -> dict[str, tuple[int, ...]]:
    found: dict[str, list[int]] = {}
    for pk, events in Endpoint.objects.filter(is_active=True).order_by("pk").values_list("pk", "events"):
        for name in events or []:
            found.setdefault(name, []).append(pk)
    return {name: tuple(ids) for name, ids in found.items()}


def forget() -> None:
    """An endpoint was made, changed, switched off or deleted: ask the database next time."""
    _delete()
    transaction.on_commit(_delete)


def _delete() -> None:
    try:
        cache.delete(KEY)
    except CACHE_UNREACHABLE as exc:  # the cached answer expires within TTL all the same
        logger.warning("Webhook subscriptions not forgotten: the cache is unreachable (%s)", exc)
