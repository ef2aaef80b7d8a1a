"""The hourly beat: the owner is reminded N business days before a review is due, the owner and
their director are told once it is past due, an overdue action item reminds its owner; each once.
Occurrences follow the role when someone else takes it."""

import datetime as dt

import pytest
from django.conf import settings as conf

from accountteam.models import Notification
from tests.teams.factories import AssignmentFactory, PersonFactory
from touchpoints.reminders import touchpoint_reminders

from .conftest import denver, hold

pytestmark = pytest.mark.django_db


def run_at(clock, instant) -> dict:
    clock.move_to(instant)
    return touchpoint_reminders()


def test_the_task_is_on_the_hourly_beat():
    assert conf.CELERY_BEAT_SCHEDULE["touchpoints-reminders"]["task"] == "touchpoints.tasks.reminders"
    assert conf.TOUCHPOINT_REMINDER_BUSINESS_DAYS == 5


def test_the_owner_is_reminded_five_business_days_before_once(clock, occurrence, tenant):
    # Due Friday 13 March: reminded from Friday 6 March on the owner's calendar.
    assert run_at(clock, denver(2026, 3, 5, 23, 0))["reminders"] == 0
    assert run_at(clock, denver(2026, 3, 6, 0, 30))["reminders"] == 1
    assert run_at(clock, denver(2026, 3, 9, 9, 0))["reminders"] == 0  # rerun: nothing again
    notice = Notification.objects.get(kind="review_reminder")
    assert notice.email == tenant.manager.email
    assert "Home Telecom" in notice.subject
    assert notice.url == f"/touchpoints/occurrences/{occurrence.pk}/"


def test_past_due_tells_the_owner_and_the_director_once(clock, occurrence, tenant, director):
    assert run_at(clock, denver(2026, 3, 13, 16, 59))["overdue"] == 0
    assert run_at(clock, denver(2026, 3, 13, 17, 1))["overdue"] == 2
    assert run_at(clock, denver(2026, 3, 14, 9, 0))["overdue"] == 0
    recipients = set(Notification.objects.filter(kind="review_overdue").values_list("email", flat=True))
    assert recipients == {tenant.manager.email, director.email}


def test_a_held_review_sends_nothing_more(clock, occurrence, tenant):
    hold(occurrence, tenant.manager_user)
    result = run_at(clock, denver(2026, 3, 13, 17, 1))
    assert (result["reminders"], result["overdue"]) == (0, 0)


def test_an_overdue_action_item_reminds_its_owner_once(clock, occurrence, tenant, director):
    hold(occurrence, director.user, action_items=[
        {"description": "Quote", "owner": tenant.manager, "due_on": dt.date(2026, 3, 3)},
    ])
    assert run_at(clock, denver(2026, 3, 3, 23, 0))["actions_overdue"] == 0
    assert run_at(clock, denver(2026, 3, 4, 0, 5))["actions_overdue"] == 1
    assert run_at(clock, denver(2026, 3, 11, 9, 0))["actions_overdue"] == 0
    assert Notification.objects.get(kind="review_action_overdue").email == tenant.manager.email


def test_the_occurrence_follows_the_role_to_its_new_holder(clock, occurrence, tenant):
    tenant.assignment.end_date = dt.date(2026, 3, 1)
    tenant.assignment.save()
    newcomer = PersonFactory(name="New Manager")
    AssignmentFactory(account=tenant.account, role=tenant.assignment.role, person=newcomer,
                      start_date=dt.date(2026, 3, 2))
    result = run_at(clock, denver(2026, 3, 6, 9, 0))
    assert result["owners_changed"] == 1
    occurrence.refresh_from_db()
    assert occurrence.owner == newcomer
    assert Notification.objects.get(kind="review_reminder").email == newcomer.email
