"""Handoff reminders (Celery beat, hourly): a checklist item still open N business days before the
effective date (on its owner's calendar) reminds its owner, once; a handoff not complete on its
effective date tells the director, once.

The handoff takes effect on Monday 16 March 2026; with the default 3 business days the owners
on the Denver office calendar are reminded from Wednesday 11 March.
"""

import datetime as dt

import pytest
from django.conf import settings as conf

from accountteam.celery import app
from accountteam.models import Notification
from handoffs import services, tasks
from handoffs.models import Owner
from handoffs.reminders import handoff_reminders
from teams.models import Closure
from tests.teams.factories import CalendarFactory

from .factories import denver, items_of, ready_to_complete, start_handoff

pytestmark = pytest.mark.django_db


def sent(result: dict) -> tuple[int, int]:
    """(reminders, late notices) stored by one run."""
    return result["reminders"], result["late"]


def run_at(clock, instant) -> dict:
    """Run the reminders as beat would at ``instant``."""
    clock.move_to(instant)
    return handoff_reminders()


def reminders(handoff) -> list[Notification]:
    return list(Notification.objects.filter(kind="handoff_reminder", key__startswith=f"handoff:{handoff.pk}:"))


def reminded(handoff) -> set[str]:
    return {n.email for n in reminders(handoff)}


def late_notices(handoff) -> list[Notification]:
    return list(Notification.objects.filter(kind="handoff_late", key__startswith=f"handoff:{handoff.pk}:"))


def test_beat_runs_the_reminder_task_hourly():
    entry = conf.CELERY_BEAT_SCHEDULE["handoffs-reminders"]
    assert entry["task"] == "handoffs.tasks.reminders"
    assert entry["schedule"].minute == {15}
    assert len(entry["schedule"].hour) == 24
    assert "handoffs.tasks.reminders" in app.tasks


def test_no_reminder_before_the_reminder_date(handoff, clock):
    assert sent(run_at(clock, denver(2026, 3, 10, 23, 30))) == (0, 0)

    assert reminders(handoff) == []


def test_each_owner_is_reminded_once_from_the_reminder_date(handoff, tenant, incoming, clock):
    assert sent(run_at(clock, denver(2026, 3, 11, 8, 0))) == (2, 0)

    assert reminded(handoff) == {tenant.manager.email, incoming.email}
    outgoing_notice = next(n for n in reminders(handoff) if n.email == tenant.manager.email)
    assert outgoing_notice.key == f"handoff:{handoff.pk}:reminder:outgoing:2026-03-16:{tenant.manager.pk}"
    assert outgoing_notice.recipient == tenant.manager_user
    assert outgoing_notice.subject == "Handoff checklist: 4 item(s) still open"
    number = tenant.account.number
    assert outgoing_notice.body.endswith(
        f"Still open for you:\n- {number}: Meeting schedule handed over\n"
        f"- {number}: Open issues and proposals transferred\n"
        f"- {number}: Introduction call or meeting with the customer scheduled\n"
        f"- {number}: Files handed over"
    )
    assert outgoing_notice.url == f"/handoffs/{handoff.pk}/"

    assert sent(run_at(clock, denver(2026, 3, 11, 9, 0))) == (0, 0)
    assert sent(run_at(clock, denver(2026, 3, 12, 9, 0))) == (0, 0)
    assert len(reminders(handoff)) == 2


def test_an_owner_with_nothing_open_is_not_reminded(handoff, tenant, incoming, clock):
    for item in items_of(handoff, owner=Owner.INCOMING):
        services.handoff_item_complete(actor=incoming.user, handoff=handoff, item=item, note="Reviewed.")

    run_at(clock, denver(2026, 3, 11, 8, 0))

    assert reminded(handoff) == {tenant.manager.email}


def test_the_reminder_date_skips_a_us_holiday(tenant, director, incoming, role, clock):
    # Effective Tuesday 26 May 2026, the day after Memorial Day: three business days before is
    # Wednesday 20 May (Thursday 21 May if the holiday counted).
    handoff = start_handoff(actor=director.user, outgoing=tenant.manager, incoming=incoming, role=role,
                            effective_date=dt.date(2026, 5, 26))

    run_at(clock, denver(2026, 5, 19, 16, 0))
    assert reminders(handoff) == []

    run_at(clock, denver(2026, 5, 20, 8, 0))
    assert reminded(handoff) == {tenant.manager.email, incoming.email}


def test_each_owner_is_reminded_on_their_own_calendar(handoff, tenant, incoming, clock):
    # Ivan's Chicago office is closed on Wednesday 11 March: his three business days before the
    # 16th start on Tuesday the 10th, a day before Home Manager's in Denver.
    chicago = CalendarFactory(name="Chicago office", time_zone="America/Chicago")
    Closure.objects.create(calendar=chicago, date=dt.date(2026, 3, 11), reason="Office move")
    incoming.calendar = chicago
    incoming.save(update_fields=["calendar"])

    run_at(clock, denver(2026, 3, 10, 10, 0))
    assert reminded(handoff) == {incoming.email}

    run_at(clock, denver(2026, 3, 11, 8, 0))
    assert reminded(handoff) == {incoming.email, tenant.manager.email}


def test_the_owners_date_is_taken_in_their_own_time_zone(handoff, tenant, incoming, clock):
    # 22:30 on Tuesday 10 March in Denver is already Wednesday 01:30 in Buenos Aires.
    incoming.calendar = CalendarFactory(
        name="Buenos Aires office", time_zone="America/Argentina/Buenos_Aires", holiday_country="AR"
    )
    incoming.save(update_fields=["calendar"])

    run_at(clock, denver(2026, 3, 10, 22, 30))

    assert reminded(handoff) == {incoming.email}


def test_the_number_of_business_days_is_a_setting(handoff, settings, clock):
    settings.HANDOFF_REMINDER_BUSINESS_DAYS = 1

    run_at(clock, denver(2026, 3, 12, 16, 0))
    assert reminders(handoff) == []

    run_at(clock, denver(2026, 3, 13, 8, 0))
    assert len(reminders(handoff)) == 2


def test_the_director_is_told_once_when_the_handoff_is_not_complete_on_its_effective_date(
    handoff, director, clock
):
    assert run_at(clock, denver(2026, 3, 15, 23, 0))["late"] == 0
    assert late_notices(handoff) == []

    assert run_at(clock, denver(2026, 3, 16, 0, 15))["late"] == 1
    (notice,) = late_notices(handoff)
    assert (notice.recipient, notice.email) == (director.user, director.email)
    assert notice.subject == "Handoff not complete on its effective date: Home Manager → Ivan Incoming"
    assert notice.body.endswith("The handoff is still in progress; 8 checklist item(s) open.")

    assert run_at(clock, denver(2026, 3, 16, 1, 15))["late"] == 0
    assert run_at(clock, denver(2026, 3, 17, 9, 15))["late"] == 0
    assert len(late_notices(handoff)) == 1


def test_a_completed_handoff_is_never_late(handoff, director, clock):
    ready_to_complete(handoff, actor=director.user)
    clock.move_to(denver(2026, 3, 16, 8, 0))
    services.handoff_complete(actor=director.user, handoff=handoff)

    assert sent(run_at(clock, denver(2026, 3, 16, 9, 15))) == (0, 0)
    assert late_notices(handoff) == []


def test_a_cancelled_handoff_reminds_no_one(handoff, director, clock):
    services.handoff_cancel(actor=director.user, handoff=handoff, reason="Postponed to April.")

    assert sent(run_at(clock, denver(2026, 3, 16, 9, 15))) == (0, 0)
    assert not Notification.objects.filter(kind__in=["handoff_reminder", "handoff_late"]).exists()


def test_the_beat_task_sends_the_reminders_by_email(
    handoff, tenant, incoming, clock, eager_tasks, mailoutbox, django_capture_on_commit_callbacks
):
    clock.move_to(denver(2026, 3, 11, 8, 15))

    with django_capture_on_commit_callbacks(execute=True):
        result = tasks.reminders.apply().get()

    assert sent(result) == (2, 0)
    assert sorted(m.to[0] for m in mailoutbox) == sorted([tenant.manager.email, incoming.email])
    assert {m.subject for m in mailoutbox} == {"[Summit Wholesale] Handoff checklist: 4 item(s) still open"}

    with django_capture_on_commit_callbacks(execute=True):
        tasks.reminders.apply().get()
    assert len(mailoutbox) == 2
