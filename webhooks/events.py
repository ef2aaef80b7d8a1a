"""The events an endpoint may subscribe to, and one event as the emitting apps hand it over.

Pure: no ORM, no clock, no I/O, so the apps above (escalations, handoffs, post-mortems,
maintenance) build their events without loading anything of this app's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

ESCALATION_RAISED = "escalation.raised"
ESCALATION_ACKNOWLEDGED = "escalation.acknowledged"
ESCALATION_WARNED = "escalation.warned"
ESCALATION_OVERDUE = "escalation.overdue"
ESCALATION_ESCALATED = "escalation.escalated"
ESCALATION_RESOLVED = "escalation.resolved"
HANDOFF_COMPLETED = "handoff.completed"
POSTMORTEM_PUBLISHED = "postmortem.published"
MAINTENANCE_PUBLISHED = "maintenance.published"

# Every event, in the order the pages list them, with what a carrier admin reads.
EVENT_CHOICES = [
    (ESCALATION_RAISED, _("An escalation is raised")),
    (ESCALATION_ACKNOWLEDGED, _("An escalation is acknowledged")),
    (ESCALATION_WARNED, _("An escalation is near its deadline (reminder or warning)")),
    (ESCALATION_OVERDUE, _("An escalation is overdue")),
    (ESCALATION_ESCALATED, _("An escalation goes to the director (by hand or automatically)")),
    (ESCALATION_RESOLVED, _("An escalation is resolved")),
    (HANDOFF_COMPLETED, _("A handoff is completed")),
    (POSTMORTEM_PUBLISHED, _("A post-mortem is published (each version)")),
    (MAINTENANCE_PUBLISHED, _("A maintenance or outage notice is published")),
]
EVENTS = tuple(name for name, _label in EVENT_CHOICES)
ESCALATION_EVENTS = tuple(name for name in EVENTS if name.startswith("escalation."))

# What ``data`` is about, per event (the payload schema has one shape per subject).
SUBJECTS = {
    **dict.fromkeys(ESCALATION_EVENTS, "escalation"),
    HANDOFF_COMPLETED: "handoff",
    POSTMORTEM_PUBLISHED: "postmortem",
    MAINTENANCE_PUBLISHED: "maintenance",
}

Data = dict | Callable[[], dict]


@dataclass(frozen=True)
class WebhookEvent:
    """Something that happened, for the endpoints subscribed to ``name``. ``data`` is the payload's
    ``data`` object, or a function that builds it: called only when an endpoint wants the event, so
    that an event nobody subscribes to costs nothing (the sweep emits thousands)."""

    name: str
    occurred_at: dt.datetime
    data: Data

    def __post_init__(self):
        if self.name not in EVENTS:
            raise ValueError(f"Unknown webhook event {self.name!r}.")

    def built_data(self) -> dict:
        return self.data() if callable(self.data) else self.data


def portal_url(path: str) -> str:
    """A page of the portal as a receiver follows it: ``PORTAL_BASE_URL`` and the path."""
    from django.conf import settings

    return f"{settings.PORTAL_BASE_URL.rstrip('/')}{path}"
