"""Outgoing webhooks: the endpoints carrier admins register and the log of what was sent to them.

Endpoints are the carrier's (they receive every company's events), so only carrier admins see
them: for anyone else there are none, and every URL of one is a 404 (``visible_to``).
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accountteam.bounds import validate_date
from teams.models import Person
from teams.scoping import staff_person

from .events import EVENT_CHOICES
from .rules import ERROR_LENGTH, NAME_LENGTH, URL_LENGTH


def _is_carrier_admin(user) -> bool:
    person = staff_person(user)
    return person is not None and person.is_carrier_admin


class EndpointQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Carrier admins: every endpoint. Anyone else: none."""
        return self if _is_carrier_admin(user) else self.none()


class Endpoint(models.Model):
    name = models.CharField(_("name"), max_length=NAME_LENGTH)
    url = models.URLField(_("address"), max_length=URL_LENGTH)
    events = models.JSONField(_("events"), default=list, help_text=_("The event names it receives."))
    is_active = models.BooleanField(_("active"), default=True)
    # Signs every delivery (HMAC-SHA256); shown to the admin once, when made or rotated.
    secret = models.CharField(max_length=100)
    secret_rotated_at = models.DateTimeField(null=True, blank=True, validators=[validate_date])
    # The admin who registered it: told when the portal switches it off.
    created_by = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, validators=[validate_date])
    updated_at = models.DateTimeField(default=timezone.now, validators=[validate_date])
    # Deliveries that failed (every attempt used) since the last one that arrived.
    consecutive_failures = models.PositiveIntegerField(default=0)
    # When the portal switched it off for its failures (None: on, or switched off by an admin).
    disabled_at = models.DateTimeField(null=True, blank=True, validators=[validate_date])

    objects = EndpointQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("webhook endpoint")

    def __str__(self):
        return f"{self.name} ({self.url})"

    def get_events_display(self) -> list[str]:
        labels = dict(EVENT_CHOICES)
        return [str(labels.get(name, name)) for name in self.events]


class DeliveryQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Carrier admins: every delivery. Anyone else: none."""
        return self if _is_carrier_admin(user) else self.none()


class Delivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    # No database constraint: an event stored from a cached list of endpoints in the very moment one
    # is deleted must not fail the transaction that made it (the delivery is then simply dropped).
    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries", db_constraint=False)
    # The body's ``id`` and the X-Portal-Delivery header: the receiver's key to drop a repeat.
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event = models.CharField(max_length=40, choices=EVENT_CHOICES)
    occurred_at = models.DateTimeField(validators=[validate_date])
    # The JSON posted, as it is signed: written once, sent as it is on every attempt and replay.
    body = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    # Frozen when the delivery is made (WEBHOOKS_MAX_ATTEMPTS); a replay allows one more.
    max_attempts = models.PositiveSmallIntegerField(default=1)
    # Pending: when it is due (a claimed attempt moves it past its timeout, so no other worker
    # sends it meanwhile). None once it has succeeded or failed.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=ERROR_LENGTH, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        indexes = [
            # The delivery log: an endpoint's, newest first; and its pending and failed ones counted.
            models.Index(fields=["endpoint", "-created_at"], name="webhook_delivery_log"),
            models.Index(fields=["endpoint", "status"], name="webhook_delivery_state"),
            # The catch-up: pending deliveries whose attempt is due.
            models.Index(fields=["next_attempt_at"], name="webhook_delivery_due", condition=Q(status="pending")),
            # Forgetting old deliveries.
            models.Index(fields=["created_at"], name="webhook_delivery_created"),
        ]

    def __str__(self):
        return f"{self.event} → {self.endpoint_id} ({self.status})"
