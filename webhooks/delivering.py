"""The worker's side: one attempt at a delivery, the catch-up of lost ones, forgetting old ones,
and switching off an endpoint whose deliveries keep failing.

An attempt claims its row with one conditional UPDATE (status pending, due now) that moves its
next attempt past the timeout, so two workers never send one delivery at once and no transaction
stays open while the endpoint is asked; the answer is recorded afterwards.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accountteam import notifications
from accountteam.notifications import Notice
from teams.models import Person

from .models import Delivery, Endpoint
from .rules import error_text, headers, next_attempt_at, succeeded
from .sending import Answer, post
from .subscriptions import forget

PENDING, SUCCEEDED, FAILED = Delivery.Status.PENDING, Delivery.Status.SUCCEEDED, Delivery.Status.FAILED
# A claimed attempt holds its delivery this long past the timeout (then a lost worker's is retried).
LEASE_MARGIN = dt.timedelta(seconds=30)
# The catch-up leaves a due delivery this long to its own task before sending it itself.
CATCH_UP_GRACE = dt.timedelta(minutes=2)
CATCH_UP_BATCH = 1000


@dataclass(frozen=True)
class Outcome:
    """What became of an attempt: ``succeeded``, ``failed`` (for good), ``pending`` (tried again
    at ``retry_at``) or ``skipped`` (not due, already done, or another worker has it)."""

    status: str
    retry_at: dt.datetime | None = None


SKIPPED = Outcome("skipped")


def delivery_attempt(*, delivery_id: int, now: dt.datetime | None = None) -> Outcome:
    """Post the delivery to its endpoint once, if it is pending and due; record the answer, and
    when it failed, when it is tried again (or that it failed for good)."""
    now = now or timezone.now()
    due = Delivery.objects.filter(pk=delivery_id, status=PENDING, next_attempt_at__lte=now)
    delivery = due.select_related("endpoint").first()
    if delivery is None:
        return SKIPPED
    endpoint = delivery.endpoint
    if not endpoint.is_active:
        switched_off = _("The endpoint was switched off before this attempt.")
        due.update(status=FAILED, next_attempt_at=None, last_error=switched_off)
        return Outcome(FAILED)
    timeout = settings.WEBHOOKS_TIMEOUT_SECONDS
    lease = now + dt.timedelta(seconds=timeout) + LEASE_MARGIN
    if not due.update(next_attempt_at=lease, attempts=F("attempts") + 1, last_attempt_at=now):
        return SKIPPED  # another worker claimed it first
    raw = delivery.body.encode()
    answer = post(
        endpoint.url,
        body=raw,
        headers=headers(
            secret=endpoint.secret, timestamp=int(now.timestamp()), body=raw, event=delivery.event,
            delivery_id=str(delivery.uuid),
        ),
        timeout=timeout,
    )
    return _record(delivery, endpoint, answer, attempts=delivery.attempts + 1, now=now)


@transaction.atomic
def _record(delivery: Delivery, endpoint: Endpoint, answer: Answer, *, attempts: int, now: dt.datetime) -> Outcome:
    answered = {"response_code": answer.status_code, "duration_ms": answer.duration_ms}
    row = Delivery.objects.filter(pk=delivery.pk)
    if succeeded(answer.status_code):
        row.update(status=SUCCEEDED, next_attempt_at=None, last_error="", **answered)
        Endpoint.objects.filter(pk=endpoint.pk, consecutive_failures__gt=0).update(consecutive_failures=0)
        return Outcome(SUCCEEDED)
    retry_at = next_attempt_at(
        attempts=attempts, max_attempts=delivery.max_attempts, now=now,
        base_seconds=settings.WEBHOOKS_RETRY_BASE_SECONDS,
    )
    error = error_text(answer.error) or f"HTTP {answer.status_code}"
    row.update(status=PENDING if retry_at else FAILED, next_attempt_at=retry_at, last_error=error, **answered)
    if retry_at is not None:
        return Outcome(PENDING, retry_at)
    _count_failure(endpoint, error=error, now=now)
    return Outcome(FAILED)


def _count_failure(endpoint: Endpoint, *, error: str, now: dt.datetime) -> None:
    """One more delivery to ``endpoint`` failed for good: after ``WEBHOOKS_DISABLE_AFTER`` in a row
    the endpoint is switched off (once: the conditional UPDATE decides) and its owner is told."""
    rows = Endpoint.objects.filter(pk=endpoint.pk)
    rows.update(consecutive_failures=F("consecutive_failures") + 1)
    after = settings.WEBHOOKS_DISABLE_AFTER
    if after <= 0:
        return  # never switched off
    if rows.filter(is_active=True, consecutive_failures__gte=after).update(
        is_active=False, disabled_at=now, updated_at=now
    ):
        forget()
        endpoint.refresh_from_db()
        notifications.record(_disabled_notices(endpoint, error=error))


def _disabled_notices(endpoint: Endpoint, *, error: str) -> list[Notice]:
    """The admin who registered the endpoint is told, by e-mail and under the bell; every active
    carrier admin when that person is gone."""
    owner = endpoint.created_by
    people = [owner] if owner is not None and owner.is_active else list(
        Person.objects.filter(is_carrier_admin=True, is_active=True).order_by("pk")
    )
    count = endpoint.consecutive_failures

    def subject() -> str:
        return _("Webhook switched off: %(name)s") % {"name": endpoint.name}

    def body(zone) -> str:
        return _(
            "The portal switched off the webhook endpoint “%(name)s” (%(url)s) after %(count)s deliveries in a "
            "row failed. The last error: %(error)s\nFix the receiver, switch the endpoint on again, then replay "
            "the deliveries it missed from its delivery log."
        ) % {"name": endpoint.name, "url": endpoint.url, "count": count, "error": notifications.excerpt(error)}

    url = reverse("webhook_detail", args=[endpoint.pk])
    stamp = endpoint.disabled_at.isoformat()
    return [
        Notice.to_person(
            person, key=f"webhook:{endpoint.pk}:disabled:{stamp}:{person.pk}", kind="webhook_disabled",
            subject=subject, body=body, url=url,
        )
        for person in people
    ]


def deliveries_due(*, now: dt.datetime | None = None) -> list[int]:
    """Pending deliveries whose attempt has been due for a while with no task to send it (its
    message was lost, or its worker died mid-attempt): the catch-up sends them."""
    now = now or timezone.now()
    return list(
        Delivery.objects.filter(
            status=PENDING, next_attempt_at__lte=now - CATCH_UP_GRACE, endpoint_id__in=Endpoint.objects.values("pk")
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:CATCH_UP_BATCH]
    )


def deliveries_expire(*, now: dt.datetime | None = None) -> int:
    """Forget finished deliveries older than ``WEBHOOKS_KEEP_DAYS``, and any whose endpoint is gone."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.WEBHOOKS_KEEP_DAYS)
    old, _by_model = Delivery.objects.filter(created_at__lt=cutoff).exclude(status=PENDING).delete()
    orphans, _by_model = Delivery.objects.exclude(endpoint_id__in=Endpoint.objects.values("pk")).delete()
    return old + orphans
