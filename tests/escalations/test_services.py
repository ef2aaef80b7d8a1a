"""Escalation services against the database: raising, deadlines frozen from the policy, the
life cycle with its timeline, escalation to the director and notices (the sweep has its own
module, test_sweep.py).

Time is passed in as ``now=``; instants are Denver wall clock in January 2026 (MST): Fri 9,
Mon 12, Tue 13, Wed 14, Thu 15, Fri 16.
"""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accountteam.models import Notification
from escalations import selectors, services
from escalations.models import Escalation, Event, ResponsePolicy
from escalations.rules import TransitionError
from tests.escalations.factories import (
    DENVER_OFFICE,
    ResponsePolicyFactory,
    denver,
    director_of,
    raise_item,
    stored_state,
    utc,
)
from tests.teams.factories import AccountFactory, AssignmentFactory, PersonFactory, RoleFactory

pytestmark = pytest.mark.django_db

MIN = dt.timedelta(minutes=1)
HOUR = dt.timedelta(hours=1)
TUE_10 = denver(2026, 1, 13, 10, 0)


def kinds(item) -> list[str]:
    return list(Event.objects.filter(escalation=item).order_by("at", "pk").values_list("kind", flat=True))


def reload(item) -> Escalation:
    return Escalation.objects.get(pk=item.pk)


@pytest.fixture
def sales(tenant):
    person = PersonFactory(name="Sam Sales", title="Sales Executive")
    AssignmentFactory(account=tenant.account, person=person, role=RoleFactory(code="sales-executive"))
    return person


# --- Raising ---------------------------------------------------------------------------------------


def test_customer_repair_contact_goes_to_the_accounts_service_manager_with_pager_deadlines(tenant, sales):
    item = raise_item(tenant, at=TUE_10, channel="pager", category="repair")
    seeded = ResponsePolicy.objects.get(company=None, channel="pager", category="", availability="in_office")
    assert item.assignee == tenant.manager
    assert item.assignee_role.code == "service-manager"
    assert (item.status, item.level, item.availability, item.raised_by) == ("new", 1, "in_office", tenant.user)
    assert (item.policy_id, item.policy_mode, item.policy_target, item.policy_due, item.policy_unit) == (
        seeded.pk,
        "interval",
        15,
        30,
        "minutes",
    )
    assert utc(item.target_at) == utc(denver(2026, 1, 13, 10, 15))
    assert utc(item.due_at) == utc(item.next_deadline_at) == utc(denver(2026, 1, 13, 10, 30))
    assert utc(item.auto_escalate_at) == utc(denver(2026, 1, 13, 11, 0))
    assert utc(item.next_action_at) == utc(item.target_at)


def test_ica_question_goes_to_the_sales_executive(tenant, sales):
    item = raise_item(tenant, at=TUE_10, channel="voicemail", category="ica_question")
    assert item.assignee == sales
    assert item.assignee_role.code == "sales-executive"


def test_sales_question_falls_back_to_the_service_manager_when_there_is_no_sales_executive(tenant):
    item = raise_item(tenant, at=TUE_10, category="bfr_sr")
    assert item.assignee == tenant.manager


def test_assignee_on_a_handover_day_does_not_depend_on_the_raisers_time_zone(tenant):
    # The manager hands the account over at the end of Monday 12 Jan; Nina takes it on Tuesday.
    tenant.assignment.end_date = dt.date(2026, 1, 12)
    tenant.assignment.save()
    nina = PersonFactory(name="Nina Next")
    AssignmentFactory(account=tenant.account, person=nina, role=tenant.assignment.role, start_date=dt.date(2026, 1, 13))
    monday_evening = denver(2026, 1, 12, 17, 30)  # already Tuesday 09:30 in Tokyo
    in_denver = raise_item(tenant, at=monday_evening, subject="From Denver")
    with timezone.override("Asia/Tokyo"):
        in_tokyo = raise_item(tenant, at=monday_evening, subject="From a user set to Tokyo")
    assert in_denver.assignee == tenant.manager
    assert in_tokyo.assignee == in_denver.assignee


def test_account_without_anyone_assigned_cannot_take_an_escalation(tenant):
    empty = AccountFactory(company=tenant.company)
    with pytest.raises(ValidationError) as raised:
        raise_item(tenant, at=TUE_10, account=empty)
    assert "account" in raised.value.message_dict
    assert not Escalation.objects.exists() and not Notification.objects.exists()


def test_raising_records_an_event_and_tells_the_assignee(tenant):
    item = raise_item(tenant, at=TUE_10, subject="T1 to Boulder bouncing")
    event = Event.objects.get(escalation=item)
    assert (event.kind, event.actor, event.at) == ("raised", tenant.user, TUE_10)
    assert event.data["assignee"] == tenant.manager.name
    notice = Notification.objects.get(kind="assigned")
    assert notice.recipient == tenant.manager_user
    assert notice.email == tenant.manager.email
    assert "T1 to Boulder bouncing" in notice.subject
    assert notice.url == f"/escalations/{item.pk}/"


def test_customer_without_the_escalation_right_cannot_raise(tenant):
    tenant.membership.can_escalate = False
    tenant.membership.save()
    with pytest.raises(PermissionDenied):
        raise_item(tenant, at=TUE_10)
    assert not Escalation.objects.exists() and not Notification.objects.exists()


def test_customer_of_another_company_cannot_raise_on_this_account(tenant, foreign):
    with pytest.raises(PermissionDenied):
        raise_item(tenant, at=TUE_10, actor=foreign.user)
    assert not Escalation.objects.exists() and not Notification.objects.exists()


@pytest.mark.parametrize(
    ("until", "expected"),
    [
        (denver(2026, 1, 15, 17, 0), "out_of_office"),  # back on Thursday
        (None, "out_of_office"),  # until further notice
        (denver(2026, 1, 12, 17, 0), "in_office"),  # the absence ended on Monday
    ],
)
def test_availability_on_arrival_comes_from_the_assignees_state(tenant, until, expected):
    tenant.manager.availability = "out_of_office"
    tenant.manager.availability_until = until
    tenant.manager.save()
    item = raise_item(tenant, at=TUE_10)
    assert item.availability == expected


def test_out_of_office_assignee_gets_the_out_of_office_pager_deadlines(tenant):
    tenant.manager.availability = "out_of_office"
    tenant.manager.availability_until = denver(2026, 1, 15, 17, 0)
    tenant.manager.save()
    item = raise_item(tenant, at=TUE_10)
    # 4 and 8 business hours from Tue 10:00 (7 h on Tuesday, 1 h on Wednesday); the grace is
    # 8 h more, Wed 09:00–17:00.
    assert (item.policy_target, item.policy_due, item.policy_unit) == (4, 8, "hours")
    assert utc(item.target_at) == utc(denver(2026, 1, 13, 14, 0))
    assert utc(item.due_at) == utc(denver(2026, 1, 14, 9, 0))
    assert utc(item.auto_escalate_at) == utc(denver(2026, 1, 14, 17, 0))


def test_staff_may_log_an_earlier_time_received_and_the_availability(tenant, manager):
    item = raise_item(
        tenant,
        actor=manager,
        at=denver(2026, 1, 13, 11, 0),
        received_at=denver(2026, 1, 13, 9, 0),
        availability="out_of_office",
    )
    assert utc(item.received_at) == utc(denver(2026, 1, 13, 9, 0))
    assert utc(item.created_at) == utc(denver(2026, 1, 13, 11, 0))
    assert item.availability == "out_of_office"
    assert utc(item.target_at) == utc(denver(2026, 1, 13, 13, 0))
    assert utc(item.due_at) == utc(denver(2026, 1, 13, 17, 0))


def test_logged_item_whose_deadlines_already_passed_is_due_for_the_sweep_at_its_earliest_point(tenant, manager):
    item = raise_item(tenant, actor=manager, at=denver(2026, 1, 13, 11, 0), received_at=denver(2026, 1, 13, 9, 0))
    # Target 09:15, due 09:30 and the escalation at 10:00 have all passed: the sweep looks now.
    assert utc(item.next_action_at) == utc(denver(2026, 1, 13, 9, 15))
    assert item.is_overdue(denver(2026, 1, 13, 11, 0))


def test_staff_may_choose_another_assignee(tenant, manager):
    other = PersonFactory(name="Olga Other")
    item = raise_item(tenant, actor=manager, at=TUE_10, assignee=other)
    assert item.assignee == other
    assert item.assignee_role is None


@pytest.mark.parametrize(
    "extra",
    [
        {"received_at": denver(2026, 1, 13, 9, 0)},
        {"availability": "out_of_office"},
        {"assignee": "other"},
    ],
)
def test_customers_may_not_set_time_received_availability_or_assignee(tenant, extra):
    if extra.get("assignee") == "other":
        extra = {"assignee": PersonFactory()}
    with pytest.raises(ValidationError):
        raise_item(tenant, at=TUE_10, **extra)
    assert not Escalation.objects.exists()


def test_time_received_in_the_future_is_refused(tenant, manager):
    with pytest.raises(ValidationError) as raised:
        raise_item(tenant, actor=manager, at=TUE_10, received_at=TUE_10 + 5 * MIN)
    assert "received_at" in raised.value.message_dict
    assert not Escalation.objects.exists()


def test_policy_is_frozen_on_the_item_when_it_arrives(tenant):
    item = raise_item(tenant, at=TUE_10)
    ResponsePolicy.objects.filter(company=None, channel="pager", category="", availability="in_office").update(
        target_value=60, due_value=120
    )
    item = reload(item)
    assert (item.policy_target, item.policy_due) == (15, 30)
    assert utc(item.due_at) == utc(denver(2026, 1, 13, 10, 30))
    # Later actions keep the frozen deadlines too.
    services.escalation_wait(actor=tenant.manager_user, escalation=item, now=denver(2026, 1, 13, 10, 5))
    item = services.escalation_resume(actor=tenant.manager_user, escalation=item, now=denver(2026, 1, 13, 10, 5))
    assert utc(item.due_at) == utc(denver(2026, 1, 13, 10, 30))
    # A new item follows the edited row.
    later = raise_item(tenant, at=TUE_10, subject="Second")
    assert utc(later.due_at) == utc(denver(2026, 1, 13, 12, 0))


def test_company_override_applies_to_that_company_only(tenant, foreign):
    override = ResponsePolicyFactory(company=tenant.company, channel="pager", availability="in_office")
    own = raise_item(tenant, at=TUE_10)
    other = raise_item(foreign, at=TUE_10)
    assert own.policy_id == override.pk
    assert utc(own.due_at) == utc(denver(2026, 1, 13, 10, 10))
    assert other.policy_id != override.pk
    assert utc(other.due_at) == utc(denver(2026, 1, 13, 10, 30))


def test_a_complaints_target_date_must_be_set_within_one_business_day_and_then_is_the_deadline(tenant, manager):
    # Tue 13 10:00: the target date is due to be set by Wed 14 10:00 (warned at 75%: Tue 16:45),
    # escalated if neglected 9 business hours later (Thu 15 10:00).
    item = raise_item(tenant, at=TUE_10, channel="email", category="complaint")
    assert item.policy_mode == "manager_sets"
    assert [utc(x) for x in (item.target_at, item.due_at, item.auto_escalate_at, item.next_deadline_at)] == [
        utc(denver(2026, 1, 13, 16, 45)),
        utc(denver(2026, 1, 14, 10, 0)),
        utc(denver(2026, 1, 15, 10, 0)),
        utc(denver(2026, 1, 14, 10, 0)),
    ]
    assert Escalation.objects.overdue(now=denver(2026, 1, 14, 10, 0)).filter(pk=item.pk).exists()
    with pytest.raises(ValidationError) as refused:
        services.escalation_acknowledge(actor=manager, escalation=item, now=TUE_10 + HOUR)
    assert "target date" in refused.value.message_dict["follow_up_on"][0]
    set_ = services.escalation_acknowledge(
        actor=manager, escalation=item, follow_up_on=dt.date(2026, 1, 16), now=TUE_10 + HOUR
    )
    assert utc(set_.next_deadline_at) == utc(denver(2026, 1, 16, 17, 0))


# --- Acknowledging -----------------------------------------------------------------------------------


def test_acknowledging_an_email_without_a_follow_up_date_is_refused(tenant, manager):
    item = raise_item(tenant, at=TUE_10, channel="email")
    before = stored_state(item)
    with pytest.raises(ValidationError) as raised:
        services.escalation_acknowledge(actor=manager, escalation=item, now=TUE_10 + HOUR)
    assert list(raised.value.message_dict) == ["follow_up_on"]
    assert reload(item).status == "new"
    assert kinds(item) == ["raised"]
    assert stored_state(item) == before


def test_acknowledging_with_a_follow_up_date_in_the_past_is_refused(tenant, manager):
    item = raise_item(tenant, at=TUE_10, channel="email")
    before = stored_state(item)
    with pytest.raises(ValidationError) as raised:
        services.escalation_acknowledge(
            actor=manager, escalation=item, follow_up_on=dt.date(2026, 1, 12), now=TUE_10 + HOUR
        )
    assert "past" in raised.value.message_dict["follow_up_on"][0]
    assert reload(item).follow_up_on is None
    assert stored_state(item) == before


def test_acknowledging_with_a_follow_up_date_makes_its_close_of_business_the_next_deadline(tenant, manager):
    item = raise_item(tenant, at=TUE_10, channel="email")
    now = denver(2026, 1, 13, 11, 0)
    item = services.escalation_acknowledge(
        actor=manager, escalation=item, follow_up_on=dt.date(2026, 1, 15), comment="Will call Thursday", now=now
    )
    item = reload(item)
    assert item.status == "acknowledged"
    assert utc(item.first_response_at) == utc(now)
    assert item.follow_up_on == dt.date(2026, 1, 15)
    assert utc(item.follow_up_target_at) == utc(denver(2026, 1, 15, 8, 0))
    assert utc(item.follow_up_due_at) == utc(denver(2026, 1, 15, 17, 0))
    assert item.next_deadline_at == item.follow_up_due_at
    assert item.next_action_at == item.follow_up_target_at
    event = Event.objects.get(escalation=item, kind="acknowledged")
    assert (event.comment, event.data["follow_up_on"], event.actor) == ("Will call Thursday", "2026-01-15", manager)


def test_acknowledging_a_pager_contact_without_a_follow_up_leaves_no_deadline(tenant, manager):
    item = services.escalation_acknowledge(
        actor=manager, escalation=raise_item(tenant, at=TUE_10), now=TUE_10 + 5 * MIN
    )
    assert (item.status, item.next_deadline_at, item.next_action_at) == ("acknowledged", None, None)


def test_complaint_acknowledged_with_a_follow_up_gets_that_deadline(tenant, manager):
    item = raise_item(tenant, at=TUE_10, channel="pager", category="complaint")
    before = stored_state(item)
    with pytest.raises(ValidationError):
        services.escalation_acknowledge(actor=manager, escalation=item, now=TUE_10)
    assert stored_state(item) == before
    item = services.escalation_acknowledge(
        actor=manager, escalation=item, follow_up_on=dt.date(2026, 1, 13), now=TUE_10
    )
    assert utc(item.next_deadline_at) == utc(denver(2026, 1, 13, 17, 0))


def test_customer_cannot_acknowledge(tenant):
    item = raise_item(tenant, at=TUE_10)
    before = stored_state(item)
    with pytest.raises(PermissionDenied):
        services.escalation_acknowledge(actor=tenant.user, escalation=item, now=TUE_10)
    assert reload(item).status == "new"
    assert stored_state(item) == before


def test_responding_meets_the_promised_follow_up(tenant, manager):
    item = raise_item(tenant, at=TUE_10, channel="email")
    services.escalation_acknowledge(actor=manager, escalation=item, follow_up_on=dt.date(2026, 1, 15), now=TUE_10)
    done = denver(2026, 1, 14, 9, 0)
    item = services.escalation_respond(actor=manager, escalation=item, comment="Called back", now=done)
    assert item.status == "in_progress"
    assert utc(item.follow_up_done_at) == utc(done)
    assert (item.next_deadline_at, item.next_action_at) == (None, None)


# --- Waiting on the customer ---------------------------------------------------------------------------


def test_wait_then_resume_moves_every_response_deadline_out_by_the_business_time_waited(tenant, manager):
    item = raise_item(tenant, at=TUE_10)  # target 10:15, due 10:30, escalation 11:00
    before = reload(item)
    paused_at, resumed_at = denver(2026, 1, 13, 10, 10), denver(2026, 1, 13, 11, 40)
    waiting = services.escalation_wait(actor=manager, escalation=item, comment="Need the circuit ID", now=paused_at)
    assert (waiting.status, waiting.status_before_wait, waiting.next_action_at) == ("waiting_on_customer", "new", None)
    item = services.escalation_resume(actor=manager, escalation=item, now=resumed_at)
    waited = DENVER_OFFICE.business_time_between(paused_at, resumed_at)
    assert waited == 90 * MIN
    assert item.status == "new"
    assert utc(item.target_at) == utc(denver(2026, 1, 13, 11, 45))
    assert utc(item.due_at) == utc(denver(2026, 1, 13, 12, 0))
    assert utc(item.auto_escalate_at) == utc(denver(2026, 1, 13, 12, 30))
    for field in ("target_at", "due_at", "auto_escalate_at"):
        assert DENVER_OFFICE.business_time_between(getattr(before, field), getattr(item, field)) == waited
    assert item.paused_business_seconds == 5400
    assert item.paused_at is None
    assert utc(item.next_deadline_at) == utc(item.due_at)
    assert utc(item.next_action_at) == utc(item.target_at)
    assert Event.objects.get(escalation=item, kind="resumed").data == {"paused_business_minutes": 90}


def test_wait_over_a_weekend_counts_only_business_time(tenant, manager):
    item = raise_item(tenant, at=denver(2026, 1, 9, 10, 0), channel="email")  # due Mon 10:00
    before = reload(item)
    assert utc(before.due_at) == utc(denver(2026, 1, 12, 10, 0))
    paused_at, resumed_at = denver(2026, 1, 9, 15, 0), denver(2026, 1, 12, 9, 30)
    services.escalation_wait(actor=manager, escalation=item, now=paused_at)
    item = services.escalation_resume(actor=manager, escalation=item, now=resumed_at)
    # Friday 15:00–17:00 and Monday 08:00–09:30: 3 h 30, not 66 h 30.
    waited = DENVER_OFFICE.business_time_between(paused_at, resumed_at)
    assert waited == 3 * HOUR + 30 * MIN
    assert utc(item.due_at) == utc(denver(2026, 1, 12, 13, 30))
    assert DENVER_OFFICE.business_time_between(before.due_at, item.due_at) == waited
    assert DENVER_OFFICE.business_time_between(before.auto_escalate_at, item.auto_escalate_at) == waited


def test_wait_after_an_acknowledgement_moves_the_follow_up_out(tenant, manager):
    item = raise_item(tenant, at=TUE_10, channel="email")
    services.escalation_acknowledge(actor=manager, escalation=item, follow_up_on=dt.date(2026, 1, 14), now=TUE_10)
    services.escalation_wait(actor=manager, escalation=item, now=denver(2026, 1, 13, 15, 0))
    item = services.escalation_resume(actor=manager, escalation=item, now=denver(2026, 1, 13, 16, 0))
    assert item.status == "acknowledged"
    assert utc(item.follow_up_due_at) == utc(denver(2026, 1, 15, 9, 0))  # Wed 17:00 + 1 h
    assert item.next_deadline_at == item.follow_up_due_at


def test_item_waiting_on_the_customer_is_not_overdue_while_its_clock_is_stopped(tenant, manager):
    item = raise_item(tenant, at=TUE_10)  # due 10:30
    item = services.escalation_wait(actor=manager, escalation=item, now=denver(2026, 1, 13, 10, 10))
    # 20 business minutes were left when the clock stopped; a day later none of them has been used.
    assert not item.is_overdue(denver(2026, 1, 14, 10, 0))
    assert not Escalation.objects.overdue(denver(2026, 1, 14, 10, 0)).exists()
    item = services.escalation_resume(actor=manager, escalation=item, now=denver(2026, 1, 14, 10, 0))
    assert utc(item.due_at) == utc(denver(2026, 1, 14, 10, 20))
    assert not item.is_overdue(denver(2026, 1, 14, 10, 19))
    assert item.is_overdue(denver(2026, 1, 14, 10, 20))


# --- Escalating and reassigning ----------------------------------------------------------------------


def test_escalating_moves_the_item_to_the_directors_desk_at_level_2(tenant, manager):
    director = director_of(tenant.manager)
    item = raise_item(tenant, at=TUE_10)
    now = denver(2026, 1, 13, 10, 5)
    item = services.escalation_escalate(actor=manager, escalation=item, reason="Customer down for a day", now=now)
    item = reload(item)
    assert (item.assignee, item.level, item.escalation_reason) == (director, 2, "Customer down for a day")
    assert utc(item.escalated_at) == utc(now)
    event = Event.objects.get(escalation=item, kind="escalated")
    assert event.comment == "Customer down for a day"
    assert event.data == {
        "level": 2, "from": tenant.manager.name, "to": director.name, "automatic": False,
        "customer_text": f"Your item is now with {director.name}, {director.title}.",
    }
    notice = Notification.objects.get(kind="escalated")
    assert notice.email == director.email
    # Level 2 is the top: no automatic escalation is scheduled any more.
    assert item.auto_escalate_at is not None
    assert utc(item.next_action_at) == utc(denver(2026, 1, 13, 10, 15))


def test_escalating_an_item_already_at_level_2_is_a_transition_error(tenant, manager):
    director = director_of(tenant.manager)
    director_of(director, name="Vera VP")  # someone above the director exists, still no level 3
    item = services.escalation_escalate(
        actor=manager, escalation=raise_item(tenant, at=TUE_10), reason="First", now=TUE_10
    )
    before = stored_state(item)
    with pytest.raises(TransitionError, match="already with the director"):
        services.escalation_escalate(actor=manager, escalation=item, reason="Again", now=TUE_10 + MIN)
    assert reload(item).assignee == director
    assert kinds(item).count("escalated") == 1
    assert stored_state(item) == before


def test_escalating_without_a_director_is_a_transition_error(tenant, manager):
    item = raise_item(tenant, at=TUE_10)
    before = stored_state(item)
    with pytest.raises(TransitionError, match="no director"):
        services.escalation_escalate(actor=manager, escalation=item, reason="Slow", now=TUE_10)
    assert (reload(item).level, reload(item).assignee) == (1, tenant.manager)
    assert stored_state(item) == before


def test_escalating_needs_a_reason(tenant, manager):
    director_of(tenant.manager)
    item = raise_item(tenant, at=TUE_10)
    before = stored_state(item)
    with pytest.raises(ValidationError) as raised:
        services.escalation_escalate(actor=manager, escalation=item, reason="  ", now=TUE_10)
    assert "reason" in raised.value.message_dict
    assert reload(item).level == 1
    assert stored_state(item) == before


def test_reassigning_keeps_the_history_of_who_had_the_item(tenant, manager):
    olga, piet = PersonFactory(name="Olga Other"), PersonFactory(name="Piet Third")
    item = raise_item(tenant, at=TUE_10)
    services.escalation_reassign(actor=manager, escalation=item, assignee=olga, reason="Vacation", now=TUE_10 + MIN)
    item = services.escalation_reassign(actor=manager, escalation=item, assignee=piet, now=TUE_10 + 2 * MIN)
    assert reload(item).assignee == piet
    moves = [
        (e.data["from"], e.data["to"], e.comment)
        for e in Event.objects.filter(escalation=item, kind="reassigned").order_by("at")
    ]
    assert moves == [("Home Manager", "Olga Other", "Vacation"), ("Olga Other", "Piet Third", "")]
    assert set(Notification.objects.filter(kind="assigned").values_list("email", flat=True)) == {
        tenant.manager.email,
        olga.email,
        piet.email,
    }


def test_reassigning_to_the_current_assignee_or_an_inactive_person_is_refused(tenant, manager):
    item = raise_item(tenant, at=TUE_10)
    before = stored_state(item)
    with pytest.raises(ValidationError):
        services.escalation_reassign(actor=manager, escalation=item, assignee=tenant.manager, now=TUE_10)
    with pytest.raises(ValidationError):
        services.escalation_reassign(
            actor=manager, escalation=item, assignee=PersonFactory(is_active=False), now=TUE_10
        )
    assert kinds(item) == ["raised"]
    assert stored_state(item) == before


# --- Invalid transitions ------------------------------------------------------------------------------


def test_resolving_a_resolved_item_is_a_transition_error(tenant, manager):
    item = services.escalation_resolve(actor=manager, escalation=raise_item(tenant, at=TUE_10), now=TUE_10 + MIN)
    before = stored_state(item)
    with pytest.raises(TransitionError, match="resolved cannot be resolved"):
        services.escalation_resolve(actor=manager, escalation=item, now=TUE_10 + 2 * MIN)
    assert utc(reload(item).resolved_at) == utc(TUE_10 + MIN)
    assert kinds(item) == ["raised", "resolved"]
    assert stored_state(item) == before


def test_acknowledging_twice_is_a_transition_error(tenant, manager):
    item = services.escalation_acknowledge(actor=manager, escalation=raise_item(tenant, at=TUE_10), now=TUE_10 + MIN)
    before = stored_state(item)
    with pytest.raises(TransitionError, match="acknowledged cannot be acknowledged"):
        services.escalation_acknowledge(actor=manager, escalation=item, now=TUE_10 + 2 * MIN)
    assert kinds(item) == ["raised", "acknowledged"]
    assert stored_state(item) == before


@pytest.mark.parametrize(
    ("service", "kwargs"),
    [
        (services.escalation_resume, {}),
        (services.escalation_respond, {}),
        (services.escalation_wait, {}),
        (services.escalation_cancel, {}),
        (services.escalation_reassign, {"assignee": "other"}),
        (services.escalation_escalate, {"reason": "Too slow"}),
    ],
)
def test_a_closed_item_takes_no_further_action(tenant, manager, service, kwargs):
    director_of(tenant.manager)
    if kwargs.get("assignee") == "other":
        kwargs = {"assignee": PersonFactory()}
    item = services.escalation_cancel(actor=manager, escalation=raise_item(tenant, at=TUE_10), now=TUE_10 + MIN)
    before = stored_state(item)
    with pytest.raises(TransitionError):
        service(actor=manager, escalation=item, now=TUE_10 + 2 * MIN, **kwargs)
    assert stored_state(item) == before
    item = reload(item)
    assert (item.status, item.assignee, item.level) == ("cancelled", tenant.manager, 1)
    assert kinds(item) == ["raised", "cancelled"]


def test_resuming_an_item_that_is_not_waiting_is_a_transition_error(tenant, manager):
    item = raise_item(tenant, at=TUE_10)
    before = stored_state(item)
    with pytest.raises(TransitionError, match="new cannot be resumed"):
        services.escalation_resume(actor=manager, escalation=item, now=TUE_10)
    assert stored_state(item) == before


# --- The timeline -------------------------------------------------------------------------------------


def test_every_change_adds_an_event_in_order(tenant, manager):
    director = director_of(tenant.manager)
    olga = PersonFactory(name="Olga Other")
    item = raise_item(tenant, at=TUE_10, channel="email")
    steps = [
        (services.escalation_acknowledge, {"follow_up_on": dt.date(2026, 1, 15)}),
        (services.escalation_wait, {}),
        (services.escalation_resume, {}),
        (services.escalation_respond, {}),
        (services.escalation_comment, {"comment": "Spoke to the NOC"}),
        (services.escalation_comment, {"comment": "Billing credit likely", "internal": True}),
        (services.escalation_escalate, {"reason": "Repeat outage"}),
        (services.escalation_reassign, {"assignee": olga}),
        (services.escalation_resolve, {}),
    ]
    for minute, (service, kwargs) in enumerate(steps, start=1):
        service(actor=manager, escalation=item, now=TUE_10 + minute * MIN, **kwargs)
    assert kinds(item) == [
        "raised",
        "acknowledged",
        "waiting",
        "resumed",
        "responded",
        "comment",
        "note",
        "escalated",
        "reassigned",
        "resolved",
    ]
    assert Event.objects.get(escalation=item, kind="escalated").data["to"] == director.name
    assert set(Event.objects.filter(escalation=item).exclude(kind="raised").values_list("actor_name", flat=True)) == {
        "Home Manager"
    }


def test_internal_notes_are_hidden_from_the_customers_timeline(tenant, manager):
    item = raise_item(tenant, at=TUE_10)
    services.escalation_comment(actor=manager, escalation=item, comment="We are on it", now=TUE_10 + MIN)
    services.escalation_comment(
        actor=manager, escalation=item, comment="Tech dispatched late", internal=True, now=TUE_10 + 2 * MIN
    )
    customer_view = [e.comment for e in selectors.timeline(user=tenant.user, escalation=item)]
    staff_view = [e.comment for e in selectors.timeline(user=manager, escalation=item)]
    assert "Tech dispatched late" not in customer_view
    assert "We are on it" in customer_view
    assert staff_view[-2:] == ["We are on it", "Tech dispatched late"]


def test_customer_comment_notifies_the_assignee(tenant):
    item = raise_item(tenant, at=TUE_10, subject="Order 4471 stuck")
    event = services.escalation_comment(actor=tenant.user, escalation=item, comment="Any news?", now=TUE_10 + MIN)
    assert (event.kind, event.internal, event.actor_name) == ("comment", False, tenant.user.username)
    notice = Notification.objects.get(kind="customer_comment")
    assert notice.recipient == tenant.manager_user
    assert notice.email == tenant.manager.email
    assert "Order 4471 stuck" in notice.subject
    assert "Any news?" in notice.body


def test_staff_comment_does_not_notify_the_assignee(tenant, manager):
    item = raise_item(tenant, at=TUE_10)
    services.escalation_comment(actor=manager, escalation=item, comment="Looking", now=TUE_10 + MIN)
    assert not Notification.objects.filter(kind="customer_comment").exists()


def test_customer_cannot_write_an_internal_note(tenant):
    item = raise_item(tenant, at=TUE_10)
    before = stored_state(item)
    with pytest.raises(PermissionDenied):
        services.escalation_comment(actor=tenant.user, escalation=item, comment="psst", internal=True, now=TUE_10)
    assert kinds(item) == ["raised"]
    assert stored_state(item) == before


def test_empty_comment_is_refused(tenant):
    item = raise_item(tenant, at=TUE_10)
    before = stored_state(item)
    with pytest.raises(ValidationError):
        services.escalation_comment(actor=tenant.user, escalation=item, comment="   ", now=TUE_10)
    assert stored_state(item) == before
