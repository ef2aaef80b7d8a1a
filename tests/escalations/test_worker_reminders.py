"""The reminder goes out on time through the configured broker and a real Celery worker: beat's
sweep task, then the email task that the sweep queues after its commit."""

import datetime as dt
import time
import uuid
from zoneinfo import ZoneInfo

import pytest
import time_machine
from celery.contrib.testing.worker import start_worker
from django.core import mail

from accountteam.celery import app
from accountteam.models import Notification
from escalations import services
from escalations import tasks as escalation_tasks
from escalations.models import Event, ResponsePolicy
from escalations.policies import seed_guidelines
from tests.teams.factories import PersonFactory, UserFactory

DENVER = ZoneInfo("America/Denver")
RAISED = dt.datetime(2025, 6, 11, 10, 0, tzinfo=DENVER)  # a Wednesday, business hours
TARGET = RAISED + dt.timedelta(minutes=15)  # the pager guideline, manager in office
DUE = RAISED + dt.timedelta(minutes=30)


def _wait_for(condition, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_reminder_goes_out_on_time_through_a_real_worker(tenant, settings, monkeypatch):
    seed_guidelines(ResponsePolicy)  # a transactional test may have flushed the migration's rows
    settings.ESCALATION_GRACE_MINUTES = None
    director = PersonFactory(name="Home Director", user=UserFactory(username="home.director"))
    tenant.manager.reports_to = director
    tenant.manager.save(update_fields=["reports_to"])
    # A queue of its own for everything this test sends — the sweep and the email tasks queued
    # after commit — so that a worker of a running `make run` cannot take them.
    queue = f"test-{uuid.uuid4().hex[:12]}"
    monkeypatch.setattr(app.conf, "task_default_queue", queue)
    assert not app.conf.task_always_eager

    with time_machine.travel(RAISED, tick=False):
        item = services.escalation_create(
            actor=tenant.user, account=tenant.account, channel="pager", category="repair", subject="Circuit down"
        )
    assert item.target_at == TARGET

    with (
        time_machine.travel(TARGET + dt.timedelta(seconds=2), tick=True),
        start_worker(app, pool="solo", perform_ping_check=False, queues=[queue], loglevel="WARNING"),
    ):
        escalation_tasks.sweep.apply_async(queue=queue)
        reminded = _wait_for(lambda: Notification.objects.filter(kind="reminder", emailed_at__isnull=False).exists())

    assert reminded, "no reminder emailed within 30 s"
    reminder = Notification.objects.get(kind="reminder")
    assert reminder.recipient == tenant.manager_user and reminder.email == tenant.manager.email
    # On time: stored by the sweep that ran just after the target, well before the due time.
    assert TARGET <= reminder.created_at < TARGET + dt.timedelta(seconds=30)
    assert TARGET <= reminder.emailed_at < TARGET + dt.timedelta(seconds=30)
    assert not Notification.objects.filter(kind="overdue").exists()
    assert Event.objects.filter(escalation=item, kind="reminder").count() == 1
    # Both emails (the assignment at creation and the reminder) went out once, through the worker.
    assert sorted(m.subject for m in mail.outbox) == [
        "[Summit Wholesale] New pager: Circuit down",
        "[Summit Wholesale] Reminder: Circuit down",
    ]
    assert not Notification.objects.filter(email_due=True).exists()
    item.refresh_from_db()
    assert item.next_action_at == DUE
