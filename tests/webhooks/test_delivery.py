"""Deliveries to a real HTTP receiver on loopback: the body, the headers and the signature; the
retries and their back-off; giving up; switching off a failing endpoint and telling its owner;
replaying; the catch-up of lost tasks. The worker's tasks run in the test (Celery eager), after
the commit of the change that made the event."""

import datetime as dt
import socket
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from accountteam.models import Notification
from escalations import services as escalation_services
from tests.conftest import clock_at
from tests.teams.factories import PersonFactory, UserFactory
from webhooks import delivering, services, tasks
from webhooks.models import Delivery, Endpoint
from webhooks.rules import WebhookConflict

from .receiving import verified

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("guidelines", "eager_tasks")]

DENVER = ZoneInfo("America/Denver")
NOW = dt.datetime(2025, 6, 11, 10, 0, tzinfo=DENVER)  # a Wednesday in business hours
MINUTE = dt.timedelta(minutes=1)
clock = clock_at(NOW, autouse=True)


def raise_item(tenant, capture, subject="Circuit 12345 down", **extra):
    with capture(execute=True):
        return escalation_services.escalation_create(
            actor=tenant.user, account=tenant.account, channel="pager", category="repair", subject=subject,
            description="Internal-looking text the customer wrote", **extra,
        )


def the_delivery() -> Delivery:
    return Delivery.objects.get()


def test_a_raised_item_reaches_the_receiver_signed_in_the_stable_shape(
    tenant, endpoint, receiver, django_capture_on_commit_callbacks
):
    item = raise_item(tenant, django_capture_on_commit_callbacks)

    [got] = receiver.requests
    delivery = the_delivery()
    assert verified(endpoint.plain_secret, got.headers, got.body)
    assert not verified("whsec_someone_else", got.headers, got.body)
    assert got.headers["X-Portal-Event"] == "escalation.raised"
    assert got.headers["X-Portal-Delivery"] == str(delivery.uuid) == got.json["id"]
    assert got.headers["X-Portal-Timestamp"] == str(int(NOW.timestamp()))
    assert got.headers["Content-Type"] == "application/json; charset=utf-8"
    assert got.body == delivery.body.encode()  # the signed bytes are the stored ones
    body = got.json
    assert set(body) == {"id", "event", "occurred_at", "data"}
    assert (body["event"], body["occurred_at"]) == ("escalation.raised", "2025-06-11T16:00:00+00:00")  # UTC
    assert body["data"] == {
        "id": item.pk, "subject": "Circuit 12345 down",
        "company": {"id": tenant.company.pk, "name": tenant.company.name},
        "account": {"id": tenant.account.pk, "number": tenant.account.number,
                    "company": {"id": tenant.company.pk, "name": tenant.company.name}},
        "channel": "pager", "category": "repair", "status": "new", "level": 1,
        "received_at": "2025-06-11T16:00:00+00:00", "due_at": "2025-06-11T16:30:00+00:00",
        "next_deadline_at": "2025-06-11T16:30:00+00:00", "resolved_at": None,
        "url": f"https://portal.example/escalations/{item.pk}/",
    }
    assert "Internal-looking" not in got.body.decode()  # the description is not sent
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_code, delivery.last_error) == (
        "succeeded", 1, 200, ""
    )
    assert delivery.duration_ms is not None and delivery.next_attempt_at is None


def test_a_failed_attempt_is_retried_after_one_then_two_minutes_with_the_same_body(
    tenant, endpoint, receiver, clock, django_capture_on_commit_callbacks
):
    receiver.statuses = [500, 503]  # then 200
    raise_item(tenant, django_capture_on_commit_callbacks)
    delivery = the_delivery()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("pending", 1, 500)
    assert delivery.next_attempt_at == NOW + MINUTE
    assert "HTTP 500" in delivery.last_error

    assert tasks.delivery_send(delivery.pk) == "skipped"  # not due yet
    clock.move_to(NOW + MINUTE)
    assert tasks.delivery_send(delivery.pk) == "pending"
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.response_code, delivery.next_attempt_at) == (2, 503, NOW + 3 * MINUTE)

    clock.move_to(NOW + 3 * MINUTE)
    assert tasks.delivery_send(delivery.pk) == "succeeded"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("succeeded", 3, 200)
    assert len(receiver.requests) == 3
    assert len({r.body for r in receiver.requests}) == 1  # one body, one id: the receiver drops repeats
    stamps = [int(r.headers["X-Portal-Timestamp"]) for r in receiver.requests]
    assert stamps == [int((NOW + m * MINUTE).timestamp()) for m in (0, 1, 3)]
    for got, at in zip(receiver.requests, stamps, strict=True):
        assert verified(endpoint.plain_secret, got.headers, got.body, now=at)
    assert tasks.delivery_send(delivery.pk) == "skipped"  # done: a repeated message sends nothing


def test_a_delivery_fails_for_good_when_its_attempts_are_used(
    tenant, endpoint, receiver, clock, django_capture_on_commit_callbacks
):
    receiver.status = 500
    raise_item(tenant, django_capture_on_commit_callbacks)
    delivery = the_delivery()
    for minutes in (1, 3, 7):  # back-off 1, 2, 4 minutes
        clock.move_to(NOW + minutes * MINUTE)
        tasks.delivery_send(delivery.pk)

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == ("failed", 4, None)
    assert len(receiver.requests) == 4
    endpoint.refresh_from_db()
    assert (endpoint.consecutive_failures, endpoint.is_active) == (1, True)


def test_a_dead_endpoint_is_recorded_without_an_answer(tenant, admin, settings, django_capture_on_commit_callbacks):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    services.endpoint_create(actor=admin.user, name="Gone", url=f"http://127.0.0.1:{port}/x",
                             events=["escalation.raised"])

    raise_item(tenant, django_capture_on_commit_callbacks)

    delivery = the_delivery()
    assert (delivery.status, delivery.response_code, delivery.attempts) == ("pending", None, 1)
    assert "refused" in delivery.last_error.lower()


def test_a_slow_endpoint_times_out_after_the_setting(tenant, endpoint, receiver, settings,
                                                      django_capture_on_commit_callbacks):
    settings.WEBHOOKS_TIMEOUT_SECONDS = 0.3
    receiver.delay = 1.5

    raise_item(tenant, django_capture_on_commit_callbacks)

    delivery = the_delivery()
    assert (delivery.status, delivery.response_code) == ("pending", None)
    assert delivery.last_error == "No answer within 0.3 s."
    assert delivery.duration_ms < 1400


def test_a_redirect_is_not_followed(tenant, endpoint, receiver, django_capture_on_commit_callbacks):
    receiver.statuses = [302]
    receiver.location = receiver.url + "/elsewhere"

    raise_item(tenant, django_capture_on_commit_callbacks)

    delivery = the_delivery()
    assert (delivery.status, delivery.response_code) == ("pending", 302)
    assert "/elsewhere" in delivery.last_error
    assert len(receiver.requests) == 1


# --- Switching off a failing endpoint -------------------------------------------------------------


def test_an_endpoint_is_switched_off_after_the_setting_s_run_of_failed_deliveries_and_its_owner_told(
    tenant, admin, endpoint, receiver, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOKS_MAX_ATTEMPTS = 1  # each delivery fails at its first attempt
    receiver.status = 500
    other_admin = PersonFactory(name="Otto Admin", is_carrier_admin=True, user=UserFactory(username="otto.admin"))

    for n in range(3):
        raise_item(tenant, django_capture_on_commit_callbacks, subject=f"Item {n}")

    endpoint.refresh_from_db()
    assert endpoint.is_active is False
    assert (endpoint.consecutive_failures, endpoint.disabled_at) == (3, NOW)
    [notice] = Notification.objects.filter(kind="webhook_disabled")
    assert (notice.recipient, notice.email) == (admin.user, admin.email)  # the owner, not every admin
    assert "NOC bridge" in notice.subject and "3 deliveries in a row failed" in notice.body
    assert "HTTP 500" in notice.body
    assert notice.url == f"/webhooks/{endpoint.pk}/"
    assert notice.in_app and notice.emailed_at is not None
    assert [m.to for m in mail.outbox if "NOC bridge" in m.subject] == [[admin.email]]
    assert not Notification.objects.filter(recipient=other_admin.user).exists()

    raise_item(tenant, django_capture_on_commit_callbacks, subject="After")  # nothing more is sent
    assert Delivery.objects.count() == 3
    assert len(receiver.requests) == 3


def test_a_delivery_that_arrives_ends_the_run_of_failures(
    tenant, endpoint, receiver, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOKS_MAX_ATTEMPTS = 1
    receiver.statuses = [500, 500, 200, 500, 500]
    for n in range(5):
        raise_item(tenant, django_capture_on_commit_callbacks, subject=f"Item {n}")

    endpoint.refresh_from_db()
    assert (endpoint.is_active, endpoint.consecutive_failures) == (True, 2)


def test_a_pending_delivery_of_an_endpoint_switched_off_fails_without_being_sent(
    tenant, admin, endpoint, receiver, clock, django_capture_on_commit_callbacks
):
    receiver.statuses = [500]
    raise_item(tenant, django_capture_on_commit_callbacks)
    services.endpoint_update(actor=admin.user, endpoint=endpoint, is_active=False)
    clock.move_to(NOW + MINUTE)

    assert tasks.delivery_send(the_delivery().pk) == "failed"

    assert the_delivery().last_error == "The endpoint was switched off before this attempt."
    assert len(receiver.requests) == 1


def test_without_an_owner_every_carrier_admin_is_told(
    tenant, admin, endpoint, receiver, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOKS_MAX_ATTEMPTS, settings.WEBHOOKS_DISABLE_AFTER = 1, 1
    receiver.status = 500
    other = PersonFactory(name="Otto Admin", is_carrier_admin=True, user=UserFactory(username="otto.admin"))
    admin.is_active = False
    admin.save(update_fields=["is_active"])

    raise_item(tenant, django_capture_on_commit_callbacks)

    assert list(Notification.objects.filter(kind="webhook_disabled").values_list("email", flat=True)) == [other.email]


# --- Replay, rotation, the catch-up ----------------------------------------------------------------


def test_replay_sends_the_same_delivery_once_more_now(
    tenant, admin, endpoint, receiver, clock, django_capture_on_commit_callbacks
):
    raise_item(tenant, django_capture_on_commit_callbacks)
    delivery = the_delivery()
    clock.move_to(NOW + 10 * MINUTE)

    with django_capture_on_commit_callbacks(execute=True):
        services.delivery_replay(actor=admin.user, delivery=delivery)

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_attempt_at) == ("succeeded", 2, NOW + 10 * MINUTE)
    first, second = receiver.requests
    assert first.body == second.body
    assert second.headers["X-Portal-Delivery"] == first.headers["X-Portal-Delivery"]
    assert verified(endpoint.plain_secret, second.headers, second.body)


def test_a_replay_that_fails_is_not_retried_again(
    tenant, admin, endpoint, receiver, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOKS_MAX_ATTEMPTS = 1
    receiver.status = 500
    raise_item(tenant, django_capture_on_commit_callbacks)
    delivery = the_delivery()
    assert delivery.status == "failed"

    with django_capture_on_commit_callbacks(execute=True):
        services.delivery_replay(actor=admin.user, delivery=delivery)

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.max_attempts) == ("failed", 2, 2)


def test_replay_is_refused_while_pending_or_with_the_endpoint_switched_off(
    tenant, admin, endpoint, receiver, django_capture_on_commit_callbacks
):
    receiver.statuses = [500]
    raise_item(tenant, django_capture_on_commit_callbacks)
    delivery = the_delivery()
    with pytest.raises(WebhookConflict):
        services.delivery_replay(actor=admin.user, delivery=delivery)  # pending: its retry is scheduled

    Delivery.objects.filter(pk=delivery.pk).update(status="failed")
    services.endpoint_update(actor=admin.user, endpoint=endpoint, is_active=False)
    with pytest.raises(WebhookConflict):
        services.delivery_replay(actor=admin.user, delivery=delivery)
    with pytest.raises(PermissionDenied):
        services.delivery_replay(actor=tenant.manager_user, delivery=delivery)


def test_after_a_rotation_every_attempt_is_signed_with_the_new_secret(
    tenant, admin, endpoint, receiver, clock, django_capture_on_commit_callbacks
):
    receiver.statuses = [500]
    raise_item(tenant, django_capture_on_commit_callbacks)
    _, new_secret = services.endpoint_rotate_secret(actor=admin.user, endpoint=endpoint)
    clock.move_to(NOW + MINUTE)

    tasks.delivery_send(the_delivery().pk)

    retry = receiver.requests[-1]
    assert verified(new_secret, retry.headers, retry.body)
    assert not verified(endpoint.plain_secret, retry.headers, retry.body)


def test_the_catch_up_sends_a_delivery_whose_task_was_lost(tenant, endpoint, receiver, clock):
    escalation_services.escalation_create(  # committed, but its task never ran (no on-commit here)
        actor=tenant.user, account=tenant.account, channel="pager", category="repair", subject="Lost task"
    )
    assert tasks.catch_up() == {"sent": 0, "forgotten": 0}  # its own task may still come

    clock.move_to(NOW + 3 * MINUTE)
    assert tasks.catch_up()["sent"] == 1

    assert the_delivery().status == "succeeded"
    assert len(receiver.requests) == 1


def test_a_worker_that_died_mid_attempt_leaves_the_delivery_to_the_catch_up(tenant, endpoint, receiver, clock):
    escalation_services.escalation_create(
        actor=tenant.user, account=tenant.account, channel="pager", category="repair", subject="Crash"
    )
    delivery = the_delivery()
    # The claim of an attempt whose worker died: due again once its timeout and margin have passed.
    Delivery.objects.filter(pk=delivery.pk).update(attempts=1, next_attempt_at=NOW + dt.timedelta(seconds=32))
    clock.move_to(NOW + MINUTE)
    assert delivering.deliveries_due() == []

    clock.move_to(NOW + 3 * MINUTE)
    assert delivering.deliveries_due() == [delivery.pk]


def test_old_finished_deliveries_are_forgotten(tenant, endpoint, receiver, clock, settings,
                                               django_capture_on_commit_callbacks):
    settings.WEBHOOKS_KEEP_DAYS = 30
    raise_item(tenant, django_capture_on_commit_callbacks)
    clock.move_to(NOW + dt.timedelta(days=29))
    assert delivering.deliveries_expire() == 0

    clock.move_to(NOW + dt.timedelta(days=31))
    assert delivering.deliveries_expire() == 1
    assert Endpoint.objects.filter(pk=endpoint.pk).exists()
