"""The handoffs' outgoing webhook event (``webhooks``): a completed handoff as a receiver reads it.

Who takes over which accounts from when, and the new contact's e-mail address (what the customers'
notice tells them): never the handoff's notes, its checklist or its evidence. The shape is
documented by ``webhooks.payloads.HandoffWebhookDataSerializer``.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

import webhooks
from webhooks.events import HANDOFF_COMPLETED, WebhookEvent, portal_url


def completed_data(handoff, rows, first_day: dt.date) -> dict:
    """``rows``: the handoff's accounts, with ``account__company`` selected."""
    return {
        "id": handoff.pk,
        "role": {"code": handoff.role.code, "name": handoff.role.name},
        "outgoing": {"name": handoff.outgoing.name, "email": handoff.outgoing.email},
        "incoming": {"name": handoff.incoming.name, "email": handoff.incoming.email},
        "effective_date": first_day,
        "completed_at": handoff.completed_at,
        "accounts": [
            {
                "id": row.account.pk,
                "number": row.account.number,
                "company": {"id": row.account.company.pk, "name": row.account.company.name},
            }
            for row in rows
        ],
        "url": portal_url(reverse("handoff_detail", args=[handoff.pk])),
    }


def emit_completed(handoff, rows, first_day: dt.date) -> None:
    webhooks.emit_many([
        WebhookEvent(
            name=HANDOFF_COMPLETED, occurred_at=handoff.completed_at,
            data=lambda: completed_data(handoff, rows, first_day),
        )
    ])
