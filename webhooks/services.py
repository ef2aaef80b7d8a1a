"""Writes for outgoing webhooks: the endpoints (carrier admins only), replaying a delivery, and
storing the deliveries of events (any app, inside its own transaction).

Who may call them: ``endpoint_*`` and ``delivery_replay`` a carrier admin (``PermissionDenied``
otherwise; the pages and the API have already answered 404 to anyone else). ``events_emit`` is
called by the services where things happen, whoever acted.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accountteam import audit
from accountteam.models import AuditAction
from accountteam.queueing import enqueue_on_commit
from teams.scoping import staff_person

from .events import WebhookEvent
from .models import Delivery, Endpoint
from .rules import NAME_LENGTH, WebhookConflict, body, events_error, new_secret, ordered_events, url_error
from .subscriptions import forget, subscribed
from .tasks import deliveries_send, delivery_send

# Rows per INSERT when an event reaches many endpoints (the sweep's batch: thousands of rows).
BULK_BATCH = 1000


def _require_admin(actor):
    person = staff_person(actor)
    if person is None or not person.is_carrier_admin:
        raise PermissionDenied(_("Only a carrier admin can manage webhooks."))
    return person


def http_allowed() -> bool:
    """Plain-HTTP endpoints only on a developer's machine (DEBUG) or where WEBHOOKS_ALLOW_HTTP says so."""
    return bool(settings.DEBUG or settings.WEBHOOKS_ALLOW_HTTP)


def _audit(action: str, endpoint: Endpoint, *, actor, request, summary: str, **details) -> None:
    """The audit trail's record (carrier admins read it): names and addresses, never a secret."""
    audit.record(
        action, actor=actor, request=request, internal=True, target=f"webhook:{endpoint.pk}", summary=summary,
        details={"name": endpoint.name, "url": endpoint.url, **details},
    )


def _checked(*, name: str, url: str, events) -> dict:
    """The endpoint's fields, cleaned; ValidationError with a message under each wrong one."""
    name, url = (name or "").strip(), (url or "").strip()
    errors = {}
    if not name:
        errors["name"] = _("Give the endpoint a name.")
    elif len(name) > NAME_LENGTH:
        errors["name"] = _("At most %(limit)s characters.") % {"limit": NAME_LENGTH}
    problem = url_error(url, allow_http=http_allowed())
    if problem:
        errors["url"] = problem
    events = list(events or [])
    problem = events_error(events)
    if problem:
        errors["events"] = problem
    if errors:
        raise ValidationError(errors)
    return {"name": name, "url": url, "events": ordered_events(events)}


@transaction.atomic
def endpoint_create(
    *, actor, name: str, url: str, events, is_active: bool = True, now: dt.datetime | None = None, request=None
) -> tuple[Endpoint, str]:
    """Register an endpoint for ``events``; the portal makes its signing secret. Returns the
    endpoint and the secret, which the caller shows once."""
    now = now or timezone.now()
    person = _require_admin(actor)
    fields = _checked(name=name, url=url, events=events)
    secret = new_secret()
    endpoint = Endpoint.objects.create(
        **fields, is_active=is_active, secret=secret, created_by=person, created_at=now, updated_at=now
    )
    forget()
    _audit(AuditAction.WEBHOOK_CREATED, endpoint, actor=actor, request=request,
           summary="Webhook %(name)s added for %(url)s.", events=endpoint.events, is_active=endpoint.is_active)
    return endpoint, secret


@transaction.atomic
def endpoint_update(
    *, actor, endpoint: Endpoint, name: str | None = None, url: str | None = None, events=None,
    is_active: bool | None = None, now: dt.datetime | None = None, request=None,
) -> Endpoint:
    """Change what is given (``None``: unchanged). Switching an endpoint on again clears its run of
    failures; what it missed meanwhile is in its log, to replay."""
    now = now or timezone.now()
    _require_admin(actor)
    endpoint = Endpoint.objects.select_for_update().get(pk=endpoint.pk)
    before = {"name": endpoint.name, "url": endpoint.url, "events": endpoint.events, "is_active": endpoint.is_active}
    fields = _checked(
        name=endpoint.name if name is None else name,
        url=endpoint.url if url is None else url,
        events=endpoint.events if events is None else events,
    )
    for field, value in fields.items():
        setattr(endpoint, field, value)
    if is_active is not None and is_active != endpoint.is_active:
        endpoint.is_active = is_active
        if is_active:
            endpoint.consecutive_failures, endpoint.disabled_at = 0, None
    endpoint.updated_at = now
    endpoint.save()
    forget()
    after = {"name": endpoint.name, "url": endpoint.url, "events": endpoint.events, "is_active": endpoint.is_active}
    changes = {field: [before[field], after[field]] for field in before if before[field] != after[field]}
    if changes:
        _audit(AuditAction.WEBHOOK_UPDATED, endpoint, actor=actor, request=request,
               summary="Webhook %(name)s changed.", changes=changes)
    return endpoint


@transaction.atomic
def endpoint_rotate_secret(
    *, actor, endpoint: Endpoint, now: dt.datetime | None = None, request=None
) -> tuple[Endpoint, str]:
    """Give the endpoint a new secret at once (the old one signs nothing more, retries included).
    Returns the endpoint and the new secret, which the caller shows once."""
    now = now or timezone.now()
    _require_admin(actor)
    endpoint = Endpoint.objects.select_for_update().get(pk=endpoint.pk)
    secret = new_secret()
    endpoint.secret, endpoint.secret_rotated_at, endpoint.updated_at = secret, now, now
    endpoint.save(update_fields=["secret", "secret_rotated_at", "updated_at"])
    _audit(AuditAction.WEBHOOK_UPDATED, endpoint, actor=actor, request=request,
           summary="Webhook %(name)s has a new signing secret.", changes={"secret": ["rotated"]})
    return endpoint, secret


@transaction.atomic
def endpoint_delete(*, actor, endpoint: Endpoint, request=None) -> None:
    """Remove the endpoint and its delivery log; nothing more is sent to it."""
    _require_admin(actor)
    _audit(AuditAction.WEBHOOK_DELETED, endpoint, actor=actor, request=request,
           summary="Webhook %(name)s deleted.")
    Endpoint.objects.filter(pk=endpoint.pk).delete()
    forget()


@transaction.atomic
def delivery_replay(*, actor, delivery: Delivery, now: dt.datetime | None = None) -> Delivery:
    """Send a finished delivery (succeeded or failed) once more, now, with the same body and id (a
    receiver that kept it drops the repeat). WebhookConflict while it is still pending, or when its
    endpoint is switched off."""
    now = now or timezone.now()
    _require_admin(actor)
    delivery = Delivery.objects.select_for_update(of=("self",)).select_related("endpoint").get(pk=delivery.pk)
    if delivery.status == Delivery.Status.PENDING:
        raise WebhookConflict(
            _("This delivery is still being sent; it can be replayed once it has succeeded or failed.")
        )
    if not delivery.endpoint.is_active:
        raise WebhookConflict(_("The endpoint is switched off: switch it on before replaying its deliveries."))
    delivery.status = Delivery.Status.PENDING
    delivery.max_attempts = delivery.attempts + 1  # one attempt more, not another run of retries
    delivery.next_attempt_at = now
    delivery.save(update_fields=["status", "max_attempts", "next_attempt_at"])
    enqueue_on_commit(delivery_send, delivery.pk)
    return delivery


def events_emit(*, events) -> int:
    """Store a delivery of each event for every active endpoint subscribed to it, all in one
    INSERT (batches of ``BULK_BATCH`` rows), and send them after commit. With no endpoint
    subscribed it costs no query while the subscriptions are cached (``subscriptions``), one
    otherwise. Call it inside the transaction that made the change: if that rolls back, nothing
    is sent. Returns the number of deliveries stored."""
    events: list[WebhookEvent] = list(events)
    if not events:
        return 0
    wanted = subscribed()
    if not wanted:
        return 0
    now = timezone.now()
    max_attempts = settings.WEBHOOKS_MAX_ATTEMPTS
    rows = []
    for event in events:
        endpoints = wanted.get(event.name, ())
        if not endpoints:
            continue
        data = event.built_data()
        for endpoint_id in endpoints:
            key = uuid.uuid4()
            rows.append(
                Delivery(
                    endpoint_id=endpoint_id, uuid=key, event=event.name, occurred_at=event.occurred_at,
                    body=body(delivery_id=str(key), event=event.name, occurred_at=event.occurred_at, data=data),
                    max_attempts=max_attempts, next_attempt_at=now, created_at=now,
                )
            )
    if not rows:
        return 0
    Delivery.objects.bulk_create(rows, batch_size=BULK_BATCH)
    enqueue_on_commit(deliveries_send, [row.pk for row in rows])
    return len(rows)
