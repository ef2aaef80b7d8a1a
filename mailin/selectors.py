"""Reads for the mail taken in. Every selector starts from ``InboundMessage.objects.visible_to(user)``:
the carrier's staff see every message (the quarantine holds mail from anyone), customers none."""

from __future__ import annotations

from django.db.models import Q
from django.shortcuts import get_object_or_404

from .models import InboundMessage


def inbound_list(*, user, status: str | None = None, query: str = ""):
    """Messages ``user`` may see, newest first; ``status`` one of ``InboundMessage.Status`` (None:
    all), ``query`` searched in the sender's address and name, the subject and the recipient."""
    rows = InboundMessage.objects.visible_to(user).select_related("user", "account", "company", "escalation")
    if status:
        rows = rows.filter(status=status)
    query = query.strip()
    if query:
        rows = rows.filter(
            Q(sender__icontains=query) | Q(sender_name__icontains=query) | Q(subject__icontains=query)
            | Q(recipient__icontains=query)
        )
    return rows.order_by("-received_at", "-pk")


def inbound_get(*, user, pk) -> InboundMessage:
    """One message with its attachments; absent, or ``user`` not staff, is a 404."""
    return get_object_or_404(
        InboundMessage.objects.visible_to(user)
        # People by name on the page (``person_name``): their staff profile comes with them.
        .select_related("user__staff_profile", "account__company", "company", "escalation",
                        "handled_by__staff_profile")
        .prefetch_related("attachments"),
        pk=pk,
    )


def quarantine_count(*, user) -> int:
    """How many messages wait in the quarantine (the navigation's count): one COUNT for staff,
    no query for anyone else."""
    return InboundMessage.objects.visible_to(user).filter(status=InboundMessage.Status.QUARANTINED).count()
