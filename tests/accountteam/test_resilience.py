"""When Redis (the broker or the cache) or the mail server is down: committed writes answer
success, nothing is duplicated, and the catch-up finds what was not sent. Real unreachable
servers (a closed loopback port), no mocks."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.core import mail
from django.utils import timezone

from accountteam import emailing, mail_threads
from accountteam.celery import app
from accountteam.models import IdempotentRequest, Notification
from escalations.models import Escalation
from tests.clients import api_as

pytestmark = pytest.mark.django_db

CLOSED_PORT = "redis://127.0.0.1:1/0"
BODY = {"channel": "email", "category": "billing", "subject": "Invoice 4471 is wrong"}


def _reset_pools():
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def broker_down(monkeypatch):
    """The Celery broker is a Redis that does not answer (Celery reads CELERY_BROKER_URL from the
    environment before its configuration)."""
    before = app.conf.broker_url
    monkeypatch.setenv("CELERY_BROKER_URL", CLOSED_PORT)
    app.conf.broker_url = CLOSED_PORT
    _reset_pools()
    yield
    monkeypatch.undo()
    app.conf.broker_url = before
    _reset_pools()


@pytest.fixture
def cache_down(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CLOSED_PORT}}


def raise_item(tenant, **headers):
    return api_as(tenant.user).post(
        "/api/v1/escalations/", BODY | {"account": tenant.account.pk}, format="json", headers=headers
    )


# --- Broker down --------------------------------------------------------------------------------------


def test_a_committed_item_answers_201_when_the_broker_is_down_and_its_mail_is_caught_up(
    tenant, broker_down, caplog, django_capture_on_commit_callbacks
):
    with caplog.at_level(logging.ERROR, logger="accountteam.queueing"), django_capture_on_commit_callbacks(
        execute=True
    ):
        response = raise_item(tenant)

    assert response.status_code == 201
    assert Escalation.objects.count() == 1
    assert "Could not enqueue" in caplog.text
    notice = Notification.objects.get(kind="assigned")
    assert (notice.email_due, notice.emailed_at) == (True, None)
    # The sweep's catch-up re-sends mail whose task never reached a worker.
    later = timezone.now() + dt.timedelta(minutes=3)
    assert emailing.send_emails(emailing.stale_unsent(now=later)) == 1
    assert mail.outbox[0].to == [tenant.manager.email]


def test_readiness_names_the_broker_when_it_is_down(client, broker_down):
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert (body["status"], body["failing"]) == ("unavailable", ["broker"])
    assert body["checks"]["database"] == "ok"


def test_readiness_names_the_cache_when_it_is_down(client, cache_down):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["cache"]


def test_readiness_is_ok_when_everything_answers(client):
    response = client.get("/readyz")
    assert (response.status_code, response.json()["failing"]) == (200, [])


def test_liveness_depends_on_nothing(client, broker_down, cache_down):
    assert client.get("/healthz").json() == {"status": "ok"}


# --- Idempotency-Key ----------------------------------------------------------------------------------


def test_a_retry_with_the_same_key_answers_the_same_and_creates_nothing(tenant):
    first = raise_item(tenant, **{"Idempotency-Key": "9b1d-retry-1"})
    again = raise_item(tenant, **{"Idempotency-Key": "9b1d-retry-1"})

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert Escalation.objects.count() == 1


def test_a_key_reused_with_another_body_is_refused(tenant):
    raise_item(tenant, **{"Idempotency-Key": "k-1"})
    response = api_as(tenant.user).post(
        "/api/v1/escalations/", BODY | {"account": tenant.account.pk, "subject": "Something else"},
        format="json", headers={"Idempotency-Key": "k-1"},
    )
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()
    assert Escalation.objects.count() == 1


def test_without_a_key_each_request_creates_an_item(tenant):
    raise_item(tenant)
    raise_item(tenant)
    assert Escalation.objects.count() == 2


def test_keys_are_per_user(tenant, manager):
    raise_item(tenant, **{"Idempotency-Key": "shared"})
    response = api_as(manager).post(
        "/api/v1/escalations/", BODY | {"account": tenant.account.pk}, format="json",
        headers={"Idempotency-Key": "shared"},
    )
    assert response.status_code == 201
    assert Escalation.objects.count() == 2


def test_a_refused_request_stores_no_key_so_a_corrected_retry_goes_through(tenant):
    bad = api_as(tenant.user).post(
        "/api/v1/escalations/", BODY | {"account": tenant.account.pk, "channel": "fax"}, format="json",
        headers={"Idempotency-Key": "fix-me"},
    )
    assert bad.status_code == 400
    assert not IdempotentRequest.objects.exists()
    assert raise_item(tenant, **{"Idempotency-Key": "fix-me"}).status_code == 201


def test_an_overlong_key_is_a_400(tenant):
    response = raise_item(tenant, **{"Idempotency-Key": "x" * 201})
    assert response.status_code == 400
    assert Escalation.objects.count() == 0


def test_old_keys_are_forgotten(tenant, settings):
    from accountteam.idempotency import idempotent_requests_expire

    raise_item(tenant, **{"Idempotency-Key": "old"})
    assert idempotent_requests_expire(now=timezone.now() + dt.timedelta(hours=settings.IDEMPOTENCY_KEY_HOURS - 1)) == 0
    assert idempotent_requests_expire(now=timezone.now() + dt.timedelta(hours=settings.IDEMPOTENCY_KEY_HOURS + 1)) == 1


# --- Mail ---------------------------------------------------------------------------------------------


def test_a_notice_sent_twice_carries_the_same_message_id(tenant, django_capture_on_commit_callbacks, eager_tasks):
    with django_capture_on_commit_callbacks(execute=True):
        raise_item(tenant)
    notice = Notification.objects.get(kind="assigned")
    # A worker that died after sending and before marking it sent: the mail goes out again.
    Notification.objects.filter(pk=notice.pk).update(email_due=True, emailed_at=None)
    emailing.send_emails([notice.pk])

    first, second = mail.outbox
    # A notice about an item: its Message-ID names the item (a reply to it finds the item).
    assert first.extra_headers["Message-ID"] == second.extra_headers["Message-ID"] == emailing.headers(notice)[
        "Message-ID"]
    assert mail_threads.item_of_message_id(first.message()["Message-ID"]) == notice.thread
    assert emailing.message_id("escalation:1:assigned:x:1") != emailing.message_id("escalation:2:assigned:x:1")


def test_housekeeping_forgets_old_keys_and_expired_tokens(tenant, settings):
    from accountteam import tasks

    raise_item(tenant, **{"Idempotency-Key": "kept"})
    assert tasks.housekeeping() == {"idempotency_keys": 0, "api_tokens": 0}
    IdempotentRequest.objects.update(created_at=timezone.now() - dt.timedelta(hours=settings.IDEMPOTENCY_KEY_HOURS + 1))
    assert tasks.housekeeping()["idempotency_keys"] == 1
