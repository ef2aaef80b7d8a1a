"""Preventive actions are tracked after publication: their owners are reminded once when an
action is due soon, once on its due date, then weekly while it is overdue, until it is done.

Actions are due on Friday 16 January 2026 unless a test says otherwise; ISO week 3 of 2026 runs
from Monday 12 to Sunday 18 January, week 4 from Monday 19.
"""

import datetime as dt

import pytest

from accountteam.models import Notification
from postmortems import services, tasks
from tests.escalations.factories import denver
from tests.teams.factories import PersonFactory

from .factories import NOW, accepted_postmortem, published_postmortem, ready_postmortem

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

FRIDAY = dt.date(2026, 1, 16)


def reminders(action=None):
    rows = Notification.objects.filter(kind="preventive_action")
    return rows.filter(key__startswith=f"pm-action:{action.pk}:") if action else rows


def subjects(action) -> list[str]:
    return list(reminders(action).order_by("created_at", "pk").values_list("subject", flat=True))


def remind(*days: tuple[int, int]) -> list[int]:
    """Run the reminders at 09:00 Denver on each (month, day) of 2026."""
    return [services.preventive_action_reminders(now=denver(2026, month, day, 9, 0)) for month, day in days]


@pytest.fixture
def action(tenant):
    return published_postmortem(tenant, action_due=FRIDAY).actions.get()


def test_owner_is_reminded_once_when_the_action_is_due_soon(tenant, action):
    assert remind((1, 13)) == [0]  # three days ahead: not yet
    assert remind((1, 14), (1, 14), (1, 15)) == [1, 0, 0]

    notice = reminders(action).get()
    assert (notice.email, notice.recipient) == (tenant.manager.email, tenant.manager_user)
    assert notice.subject == "Preventive action due 16 Jan: ticket TT-4471"
    assert f"Action: {action.description}" in notice.body
    assert "Due: Friday 16 January 2026" in notice.body
    assert notice.url == f"/postmortems/{action.postmortem_id}/"


def test_owner_is_reminded_once_on_the_due_date(action):
    assert remind((1, 16), (1, 16)) == [1, 0]

    assert subjects(action) == ["Preventive action due today: ticket TT-4471"]


def test_an_overdue_action_is_reminded_weekly(action):
    assert remind((1, 17), (1, 18)) == [1, 0]  # Saturday and Sunday of the same week: once
    assert remind((1, 19), (1, 23)) == [1, 0]  # the next week: once more
    assert remind((1, 26),) == [1]

    assert subjects(action) == ["Preventive action overdue since 16 Jan: ticket TT-4471"] * 3
    assert sorted(reminders(action).values_list("key", flat=True)) == [
        f"pm-action:{action.pk}:overdue:2026-W03:p{action.owner_id}",
        f"pm-action:{action.pk}:overdue:2026-W04:p{action.owner_id}",
        f"pm-action:{action.pk}:overdue:2026-W05:p{action.owner_id}",
    ]


def test_the_whole_life_of_an_action_gives_soon_today_and_weekly_overdue_reminders(action):
    remind((1, 14), (1, 15), (1, 16), (1, 16), (1, 17), (1, 20))

    assert [s.split(":")[0] for s in subjects(action)] == [
        "Preventive action due 16 Jan",
        "Preventive action due today",
        "Preventive action overdue since 16 Jan",
        "Preventive action overdue since 16 Jan",
    ]


def test_a_done_action_is_no_longer_reminded(tenant, action):
    remind((1, 14))
    services.preventive_action_update(actor=tenant.manager_user, action=action, done=True, done_note="Marked")

    assert remind((1, 16), (1, 19), (1, 26)) == [0, 0, 0]
    assert reminders(action).count() == 1


def test_actions_of_unpublished_postmortems_are_not_reminded(tenant):
    ready_postmortem(tenant, action_due=FRIDAY)

    assert remind((1, 14), (1, 16), (1, 19)) == [0, 0, 0]
    assert not reminders().exists()


def test_an_action_due_later_is_not_reminded_yet(tenant):
    published_postmortem(tenant)  # due 13 February

    assert remind((1, 14), (2, 10)) == [0, 0]
    assert remind((2, 11)) == [1]


def test_each_owner_is_reminded_of_their_own_action(tenant):
    pm = accepted_postmortem(tenant)
    services.postmortem_analysis_update(
        actor=tenant.manager_user, postmortem=pm, summary="Down", root_cause="Cut", restoration="Spliced"
    )
    colleague = PersonFactory(name="Carl Colleague")  # no portal user
    for owner in (tenant.manager, colleague):
        services.preventive_action_add(
            actor=tenant.manager_user, postmortem=pm, description=f"Job of {owner.name}", owner=owner, due_on=FRIDAY
        )
    services.postmortem_publish(actor=tenant.manager_user, postmortem=pm, now=NOW)

    assert remind((1, 16)) == [2]
    assert sorted(reminders().values_list("email", flat=True)) == sorted([tenant.manager.email, colleague.email])
    assert reminders().get(email=colleague.email).recipient is None  # no portal user: email only


def test_the_beat_task_runs_the_reminders_and_emails_the_owner(
    tenant, clock, eager_tasks, mailoutbox, django_capture_on_commit_callbacks
):
    published_postmortem(tenant, action_due=FRIDAY)
    mailoutbox.clear()
    clock.move_to(denver(2026, 1, 16, 7, 0))

    with django_capture_on_commit_callbacks(execute=True):
        sent = tasks.preventive_action_reminders.delay().get()
    with django_capture_on_commit_callbacks(execute=True):
        again = tasks.preventive_action_reminders.delay().get()

    assert (sent, again) == (1, 0)
    [email] = mailoutbox
    assert email.to == [tenant.manager.email]
    assert email.subject == "[Summit Wholesale] Preventive action due today: ticket TT-4471"


def test_the_task_is_on_the_beat_schedule(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["postmortems-preventive-action-reminders"]

    assert entry["task"] == tasks.preventive_action_reminders.name == "postmortems.tasks.preventive_action_reminders"
