"""Reads for outgoing webhooks. Every selector starts from ``visible_to(user)``: a carrier admin sees
every endpoint and delivery, anyone else none (so every URL of one is their 404)."""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from .models import Delivery, Endpoint


def _count(status: str):
    """How many of the endpoint's deliveries have ``status`` (through ``webhook_delivery_state``)."""
    rows = (
        Delivery.objects.filter(endpoint=OuterRef("pk"), status=status)
        .order_by()
        .values("endpoint")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def endpoint_list(*, user):
    """The endpoints, by name, each with its count of pending and failed deliveries."""
    return (
        Endpoint.objects.visible_to(user)
        .select_related("created_by")
        .annotate(pending_count=_count(Delivery.Status.PENDING), failed_count=_count(Delivery.Status.FAILED))
        .order_by("name", "pk")
    )


def endpoint_get(*, user, pk) -> Endpoint:
    return get_object_or_404(Endpoint.objects.visible_to(user).select_related("created_by"), pk=pk)


def delivery_list(*, user, endpoint: Endpoint | None = None, status: str = "", event: str = ""):
    """Deliveries, newest first (an endpoint's through the index ``webhook_delivery_log``)."""
    rows = Delivery.objects.visible_to(user).select_related("endpoint")
    if endpoint is not None:
        rows = rows.filter(endpoint=endpoint)
    if status:
        rows = rows.filter(status=status)
    if event:
        rows = rows.filter(event=event)
    return rows.order_by("-created_at", "-pk")


def delivery_get(*, user, pk) -> Delivery:
    return get_object_or_404(Delivery.objects.visible_to(user).select_related("endpoint"), pk=pk)
