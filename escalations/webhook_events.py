"""The escalations' outgoing webhook events (``webhooks``): an item's ``data`` as a receiver
reads it, and the event of each change.

Only what the item's customer may read goes out: never its description, comments, internal notes
or the reason staff gave for escalating it, and no staff member's name. The shape is documented by
``webhooks.payloads.EscalationWebhookDataSerializer``. Select ``company`` and ``account`` with the
item: building the data then costs no query.
"""

from __future__ import annotations

import datetime as dt

import webhooks
from webhooks import events
from webhooks.events import WebhookEvent

from . import rules
from .notices import item_url

# The sweep's points, as events: reminders and warnings before the deadline, then overdue.
POINT_EVENTS = {
    rules.REMINDER: events.ESCALATION_WARNED,
    rules.FOLLOW_UP_REMINDER: events.ESCALATION_WARNED,
    rules.OVERDUE: events.ESCALATION_OVERDUE,
    rules.FOLLOW_UP_OVERDUE: events.ESCALATION_OVERDUE,
}


def item_data(item) -> dict:
    company, account = item.company, item.account
    return {
        "id": item.pk,
        "subject": item.subject,
        "company": {"id": company.pk, "name": company.name},
        "account": {"id": account.pk, "number": account.number, "company": {"id": company.pk, "name": company.name}},
        "channel": item.channel,
        "category": item.category,
        "status": item.status,
        "level": item.level,
        "received_at": item.received_at,
        "due_at": item.due_at,
        "next_deadline_at": item.next_deadline_at,
        "resolved_at": item.resolved_at,
        "url": events.portal_url(item_url(item)),
    }


def item_event(name: str, item, at: dt.datetime) -> WebhookEvent:
    """The event ``name`` of ``item`` at ``at``; its data is read when an endpoint wants it, from
    the item as it is then (call ``emit`` after the change is saved)."""
    return WebhookEvent(name=name, occurred_at=at, data=lambda: item_data(item))


def emit(name: str, item, at: dt.datetime) -> None:
    webhooks.emit_many([item_event(name, item, at)])
