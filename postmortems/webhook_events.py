"""The post-mortems' outgoing webhook event (``webhooks``): a published version as a receiver
reads it.

Which event, account and version, and where to read it: never the analysis' notes, the draft, the
review's comments or a decline's reason (the published text itself is on its page and in its PDF).
The shape is documented by ``webhooks.payloads.PostMortemWebhookDataSerializer``.
"""

from __future__ import annotations

from django.urls import reverse

import webhooks
from webhooks.events import POSTMORTEM_PUBLISHED, WebhookEvent, portal_url


def published_data(pm, version) -> dict:
    """Select ``company`` and ``account`` with ``pm``: then this costs no query."""
    company, account = pm.company, pm.account
    return {
        "id": pm.pk,
        "version": version.number,
        "ticket_number": pm.ticket_number,
        "circuit_id": pm.circuit_id,
        "company": {"id": company.pk, "name": company.name},
        "account": {"id": account.pk, "number": account.number, "company": {"id": company.pk, "name": company.name}},
        "event_start": pm.event_start,
        "event_end": pm.event_end,
        "published_at": version.published_at,
        "escalation": pm.tracking_id,
        "url": portal_url(reverse("postmortem_version", args=[pm.pk, version.number])),
        "pdf_url": portal_url(reverse("postmortem_version_pdf", args=[pm.pk, version.number])),
    }


def emit_published(pm, version) -> None:
    webhooks.emit_many([
        WebhookEvent(name=POSTMORTEM_PUBLISHED, occurred_at=version.published_at,
                     data=lambda: published_data(pm, version))
    ])
