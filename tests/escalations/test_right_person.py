"""The right person answers: after-hours repairs go to the duty manager on that person's clock,
an absent assignee's backup is told on arrival and at each reminder, a reassigned item carries its
business time left onto the new person's calendar, and a follow-up falls on an open day.

Times are on the Denver office calendar (Mon–Fri 08:00–17:00 MST, US holidays) unless a person
has another; January 2026 (Mon 19 is Martin Luther King Jr. Day).
"""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from accountteam.models import Notification
from escalations import services
from escalations.models import Escalation
from escalations.sweep import escalations_sweep
from tests.escalations.factories import denver, raise_item, utc
from tests.teams.factories import AssignmentFactory, CalendarFactory, PersonFactory, RoleFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clean_slate")]

ROUND_THE_CLOCK = {d: [["00:00", "24:00"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
BUENOS_AIRES_HOURS = {d: [["09:00", "18:00"]] for d in ("mon", "tue", "wed", "thu", "fri")} | {"sat": [], "sun": []}


@pytest.fixture
def duty(tenant):
    """The account's duty manager, on a 24x7 calendar in Denver."""
    person = PersonFactory(
        name="Night Duty",
        title="Duty Manager",
        calendar=CalendarFactory(name="24x7", time_zone="America/Denver", weekly_hours=ROUND_THE_CLOCK),
    )
    AssignmentFactory(account=tenant.account, person=person, role=RoleFactory(code="duty-manager"))
    return person


def notices_to(person, kind=None):
    rows = Notification.objects.filter(email=person.email)
    return rows.filter(kind=kind) if kind else rows


# --- After hours -----------------------------------------------------------------------------------


def test_a_repair_page_at_23_00_goes_to_the_duty_manager_on_their_clock(tenant, duty):
    item = raise_item(tenant, at=denver(2026, 1, 13, 23, 0), subject="Ring down")
    assert (item.assignee, item.assignee_role.code, item.after_hours_for) == (duty, "duty-manager", tenant.manager)
    # The duty manager's 24x7 clock: 15 and 30 minutes from 23:00, not from Wednesday 08:00.
    assert (utc(item.target_at), utc(item.due_at)) == (
        utc(denver(2026, 1, 13, 23, 15)),
        utc(denver(2026, 1, 13, 23, 30)),
    )
    assert notices_to(duty, "assigned").get().body.endswith("you are the duty contact.")
    morning = notices_to(tenant.manager, "after_hours").get()
    assert "went to Night Duty" in morning.body and "in your queue for the morning" in morning.body


def test_the_service_manager_sees_the_after_hours_item_in_the_queue(tenant, duty, manager):
    from escalations import selectors

    item = raise_item(tenant, at=denver(2026, 1, 13, 23, 0))
    morning = denver(2026, 1, 14, 8, 0)
    assert item.pk in set(selectors.queue_list(user=manager, now=morning).values_list("pk", flat=True))


@pytest.mark.parametrize(
    ("at", "category", "to_duty"),
    [
        (denver(2026, 1, 13, 23, 0), "outage", True),
        (denver(2026, 1, 17, 10, 0), "repair", True),  # a Saturday
        (denver(2026, 1, 19, 10, 0), "repair", True),  # MLK day
        (denver(2026, 1, 13, 10, 0), "repair", False),  # business hours
        (denver(2026, 1, 13, 23, 0), "billing", False),  # can wait for the morning
    ],
)
def test_only_repairs_and_outages_outside_hours_go_to_the_duty_manager(tenant, duty, at, category, to_duty):
    item = raise_item(tenant, at=at, category=category)
    assert (item.assignee == duty) is to_duty
    assert (item.after_hours_for is not None) is to_duty


def test_without_a_duty_manager_the_technical_service_center_answers(tenant):
    tsc = PersonFactory(
        name="TSC Desk", calendar=CalendarFactory(name="24x7", time_zone="America/Denver", weekly_hours=ROUND_THE_CLOCK)
    )
    AssignmentFactory(account=tenant.account, person=tsc, role=RoleFactory(code="technical-service-center"))
    assert raise_item(tenant, at=denver(2026, 1, 13, 23, 0)).assignee == tsc


def test_without_any_duty_role_the_item_waits_for_the_service_managers_morning(tenant):
    item = raise_item(tenant, at=denver(2026, 1, 13, 23, 0))
    assert item.assignee == tenant.manager and item.after_hours_for is None
    assert utc(item.due_at) == utc(denver(2026, 1, 14, 8, 30))


# --- Out of office: the backup is told -------------------------------------------------------------


@pytest.fixture
def backup(tenant):
    person = PersonFactory(name="Bea Backup")
    tenant.manager.availability = "out_of_office"
    tenant.manager.availability_until = denver(2026, 1, 20, 8, 0)
    tenant.manager.backup = person
    tenant.manager.save()
    return person


def test_the_backup_is_told_on_arrival_and_at_each_reminder(tenant, backup):
    item = raise_item(tenant, at=denver(2026, 1, 13, 10, 0))  # out of office: 4 h target, 8 h due
    assert notices_to(backup, "backup_assigned").count() == 1
    escalations_sweep(now=denver(2026, 1, 13, 14, 0))  # the 4 h target
    escalations_sweep(now=denver(2026, 1, 14, 9, 0))  # the 8 h due (Tue 10:00 + 7 h Tue + 1 h Wed)
    assert sorted(notices_to(backup).values_list("kind", flat=True)) == ["backup_assigned", "overdue", "reminder"]
    assert all("you are their backup" in n.body for n in notices_to(backup))
    assert Escalation.objects.get(pk=item.pk).assignee == tenant.manager


def test_a_planned_absence_tells_the_backup_only_once_it_has_begun(tenant):
    person = PersonFactory(name="Bea Backup")
    manager = tenant.manager
    manager.availability, manager.backup = "out_of_office", person
    manager.availability_from, manager.availability_until = denver(2026, 1, 14, 8, 0), denver(2026, 1, 16, 17, 0)
    manager.save()
    before = raise_item(tenant, at=denver(2026, 1, 13, 10, 0), subject="Before")
    during = raise_item(tenant, at=denver(2026, 1, 14, 10, 0), subject="During")
    assert (before.availability, during.availability) == ("in_office", "out_of_office")
    assert list(notices_to(person).values_list("key", flat=True)) == [
        f"escalation:{during.pk}:backup_assigned:{during.received_at.isoformat()}:{person.pk}"
    ]


# --- Reassignment carries the time left ---------------------------------------------------------------


@pytest.fixture
def porteno(db):
    """A manager in Buenos Aires (Mon–Fri 09:00–18:00, UTC−3)."""
    return PersonFactory(
        name="Luis Ortega",
        user=UserFactory(username="luis.ortega"),
        calendar=CalendarFactory(
            name="Argentina",
            time_zone="America/Argentina/Buenos_Aires",
            holiday_country="AR",
            weekly_hours=BUENOS_AIRES_HOURS,
        ),
    )


def test_a_reassigned_voicemail_keeps_its_business_time_left_on_the_new_calendar(tenant, manager, porteno):
    # Raised Tue 13 15:00 MST, due Wed 10:00 MST: at 15:00 it has 4 business hours left. In Buenos
    # Aires it is 19:00, closed: the 4 h run from Wed 09:00 ART → Wed 13:00 ART (16:00 UTC).
    item = raise_item(tenant, at=denver(2026, 1, 13, 15, 0), channel="voicemail")
    moved = services.escalation_reassign(
        actor=manager, escalation=item, assignee=porteno, reason="Spanish speaker", now=denver(2026, 1, 13, 15, 0)
    )
    assert utc(moved.due_at) == dt.datetime(2026, 1, 14, 16, 0, tzinfo=dt.UTC)
    assert utc(moved.next_deadline_at) == utc(moved.due_at)
    # The warning (3 of 4 hours) moves with it: Wed 12:00 ART.
    assert utc(moved.target_at) == dt.datetime(2026, 1, 14, 15, 0, tzinfo=dt.UTC)


def test_an_escalation_carries_the_time_left_onto_the_directors_calendar(tenant, manager, porteno):
    tenant.manager.reports_to = porteno
    tenant.manager.save(update_fields=["reports_to"])
    item = raise_item(tenant, at=denver(2026, 1, 13, 15, 0), channel="voicemail")
    moved = services.escalation_escalate(
        actor=manager, escalation=item, reason="Needs the director", now=denver(2026, 1, 13, 15, 0)
    )
    assert moved.assignee == porteno
    assert utc(moved.due_at) == dt.datetime(2026, 1, 14, 16, 0, tzinfo=dt.UTC)


def test_a_handoff_move_carries_the_time_left_too(tenant, manager, porteno):
    item = raise_item(tenant, at=denver(2026, 1, 13, 15, 0), channel="voicemail")
    [moved] = services.escalations_hand_over(
        actor=manager, escalations=[item], assignee=porteno, reason="Handoff", now=denver(2026, 1, 13, 15, 0)
    )
    assert utc(moved.due_at) == dt.datetime(2026, 1, 14, 16, 0, tzinfo=dt.UTC)


def test_a_promised_follow_up_keeps_its_day_on_the_new_calendar(tenant, manager, porteno):
    item = raise_item(tenant, at=denver(2026, 1, 13, 10, 0), channel="email")
    services.escalation_acknowledge(
        actor=manager, escalation=item, follow_up_on=dt.date(2026, 1, 15), now=denver(2026, 1, 13, 11, 0)
    )
    moved = services.escalation_reassign(
        actor=manager, escalation=item, assignee=porteno, reason="", now=denver(2026, 1, 13, 12, 0)
    )
    # Thursday 15 still, at the close of Luis's day: 18:00 ART (21:00 UTC).
    assert moved.follow_up_on == dt.date(2026, 1, 15)
    assert utc(moved.follow_up_due_at) == dt.datetime(2026, 1, 15, 21, 0, tzinfo=dt.UTC)


def test_a_deadline_already_passed_stays_passed_after_a_reassignment(tenant, manager, porteno):
    item = raise_item(tenant, at=denver(2026, 1, 13, 10, 0))  # pager: due 10:30
    moved = services.escalation_reassign(
        actor=manager, escalation=item, assignee=porteno, reason="", now=denver(2026, 1, 13, 11, 0)
    )
    assert utc(moved.due_at) == utc(denver(2026, 1, 13, 10, 30))
    assert moved.is_overdue(now=denver(2026, 1, 13, 11, 0))


# --- A follow-up falls on an open day ----------------------------------------------------------------


def test_a_follow_up_on_a_saturday_is_refused_offering_monday(tenant, manager):
    item = raise_item(tenant, at=denver(2026, 1, 15, 10, 0), channel="email")
    with pytest.raises(ValidationError) as refused:
        services.escalation_acknowledge(
            actor=manager, escalation=item, follow_up_on=dt.date(2026, 1, 17), now=denver(2026, 1, 15, 11, 0)
        )
    assert refused.value.message_dict == {
        "follow_up_on": [
            "Saturday 17 January is not a working day on the assignee's calendar. "
            "The next open day is Tuesday 20 January."
        ]
    }
    assert Escalation.objects.get(pk=item.pk).status == "new"
