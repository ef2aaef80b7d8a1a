"""The beat's window sweep: the reminder a day before a maintenance, the notice when it starts,
the status it moves to as the window passes; each once, however often it runs."""

import datetime as dt

import pytest

from accountteam.models import Notification
from maintenance import services, tasks
from maintenance.models import NoticeUpdate, Status
from maintenance.reminders import maintenance_window_sweep

from .factories import ENDS, STARTS, publish_maintenance

pytestmark = pytest.mark.django_db


def kinds(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).order_by("pk").values_list("kind", flat=True))


def test_nothing_happens_more_than_a_day_ahead(tenant, maintenance):
    assert maintenance_window_sweep() == {"reminders": 0, "started": 0, "completed": 0}
    assert kinds(tenant.user) == ["maintenance_published"]


def test_the_day_before_reminder_is_sent_once(tenant, colleague, maintenance, clock):
    clock.move_to(STARTS - dt.timedelta(hours=20))

    assert maintenance_window_sweep()["reminders"] == 2
    assert maintenance_window_sweep()["reminders"] == 0  # a second run sends nothing again
    assert kinds(tenant.user) == ["maintenance_published", "maintenance_day_before"]
    reminder = Notification.objects.get(recipient=tenant.user, kind="maintenance_day_before")
    assert reminder.key == (
        f"network-notice:{maintenance.pk}:day_before:{STARTS.astimezone(dt.UTC).isoformat()}:u{tenant.user.pk}"
    )
    assert "starts within a day" in reminder.subject


def test_the_start_moves_it_in_progress_and_tells_the_customers_once(tenant, maintenance, clock):
    clock.move_to(STARTS + dt.timedelta(minutes=3))

    assert tasks.window_sweep() == {"reminders": 0, "started": 1, "completed": 0}
    assert tasks.window_sweep() == {"reminders": 0, "started": 0, "completed": 0}

    maintenance.refresh_from_db()
    assert maintenance.status == Status.IN_PROGRESS
    assert kinds(tenant.user) == ["maintenance_published", "maintenance_started"]
    started = maintenance.updates.last()
    assert (started.event, started.actor) == (NoticeUpdate.Event.STARTED, None)


def test_the_end_completes_it_quietly(tenant, maintenance, clock):
    clock.move_to(STARTS + dt.timedelta(minutes=3))
    maintenance_window_sweep()
    clock.move_to(ENDS + dt.timedelta(minutes=3))

    assert maintenance_window_sweep()["completed"] == 1

    maintenance.refresh_from_db()
    assert maintenance.status == Status.COMPLETED
    assert kinds(tenant.user) == ["maintenance_published", "maintenance_started"]


def test_a_sweep_that_missed_the_whole_window_completes_it_without_a_start_notice(tenant, maintenance, clock):
    clock.move_to(ENDS + dt.timedelta(hours=1))

    assert maintenance_window_sweep() == {"reminders": 0, "started": 0, "completed": 1}
    assert kinds(tenant.user) == ["maintenance_published"]


def test_a_moved_window_is_reminded_again_for_its_new_start(tenant, maintenance, clock):
    clock.move_to(STARTS - dt.timedelta(hours=20))
    maintenance_window_sweep()
    later = STARTS + dt.timedelta(days=2)
    services.notice_update(actor=tenant.manager_user, notice=maintenance, starts_at=later,
                           ends_at=later + dt.timedelta(hours=4), message="Postponed two days.")
    clock.move_to(later - dt.timedelta(hours=20))

    maintenance_window_sweep()

    assert kinds(tenant.user) == [
        "maintenance_published", "maintenance_day_before", "maintenance_changed", "maintenance_day_before",
    ]


def test_a_cancelled_maintenance_is_left_alone(tenant, maintenance, clock):
    services.notice_cancel(actor=tenant.manager_user, notice=maintenance, reason="Called off")
    clock.move_to(STARTS + dt.timedelta(minutes=3))

    assert maintenance_window_sweep() == {"reminders": 0, "started": 0, "completed": 0}


def test_no_day_before_reminder_for_a_notice_published_within_the_day(tenant, clock):
    clock.move_to(STARTS - dt.timedelta(hours=6))
    publish_maintenance(tenant.manager_user, [tenant.account])

    assert maintenance_window_sweep()["reminders"] == 0


def test_the_sweep_is_on_the_beat_schedule(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["maintenance-window-sweep"]
    assert entry["task"] == "maintenance.tasks.window_sweep"
    assert entry["schedule"] <= 600
