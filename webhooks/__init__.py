"""Outgoing webhooks: carrier admins register HTTPS endpoints; the portal posts signed JSON to them
when escalations, handoffs, post-mortems and maintenance notices change.

The apps where things happen call ``webhooks.emit_many([WebhookEvent(...), ...])`` inside their
transaction: it only stores the deliveries (one query for the subscriptions, cached, and one bulk
insert) and sends them from the worker after commit, so an event never waits for an endpoint.
"""

from .events import WebhookEvent


def emit_many(events) -> int:
    """Store a delivery of each event for every active endpoint subscribed to it and send them
    after commit (``services.events_emit``); the number of deliveries stored."""
    from .services import events_emit  # the models load with the app registry, after this package

    return events_emit(events=events)


def emit(event: WebhookEvent) -> int:
    return emit_many([event])


__all__ = ["WebhookEvent", "emit", "emit_many"]
