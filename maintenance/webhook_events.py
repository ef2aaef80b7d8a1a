"""The network notices' outgoing webhook event (``webhooks``): a published maintenance or outage
as a receiver reads it.

What the affected customers were told (title, window, impact) and which accounts: never who
published it or the back office's notes. The shape is documented by
``webhooks.payloads.MaintenanceWebhookDataSerializer``.
"""

from __future__ import annotations

from django.urls import reverse

import webhooks
from webhooks.events import MAINTENANCE_PUBLISHED, WebhookEvent, portal_url

from .models import NetworkNotice, NoticeAccount


def published_data(notice: NetworkNotice) -> dict:
    """One query: the affected accounts with their companies."""
    rows = NoticeAccount.objects.filter(notice=notice).select_related("account__company").order_by("account__number")
    return {
        "id": notice.pk,
        "kind": notice.kind,
        "reference": notice.reference,
        "title": notice.title,
        "status": notice.status,
        "starts_at": notice.starts_at,
        "ends_at": notice.ends_at,
        "impact": notice.impact,
        "published_at": notice.published_at,
        "accounts": [
            {
                "id": row.account.pk,
                "number": row.account.number,
                "company": {"id": row.account.company.pk, "name": row.account.company.name},
            }
            for row in rows
        ],
        "url": portal_url(reverse("maintenance_detail", args=[notice.pk])),
    }


def emit_published(notice: NetworkNotice) -> None:
    webhooks.emit_many([
        WebhookEvent(name=MAINTENANCE_PUBLISHED, occurred_at=notice.published_at, data=lambda: published_data(notice))
    ])
